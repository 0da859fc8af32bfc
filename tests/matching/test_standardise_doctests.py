"""The examples in the standardise docstrings are part of the documentation: keep them true."""

import doctest
import importlib
import pkgutil

import pytest

MODULES = [
    "__init__",
    "address",
    "email",
    "identifiers",
    "items",
    "names",
    "nicknames",
    "organisations",
    "phone",
    "phonetic",
    "text",
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name: str) -> None:
    dotted = "matching.standardise" + ("" if module_name == "__init__" else f".{module_name}")
    module = importlib.import_module(dotted)
    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted > 0
    assert failed == 0


def test_every_standardise_module_is_listed() -> None:
    package = importlib.import_module("matching.standardise")
    found = {module.name for module in pkgutil.iter_modules(package.__path__)}
    assert found | {"__init__"} == set(MODULES)
