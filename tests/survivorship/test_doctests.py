"""The examples in the survivorship docstrings are part of the documentation: keep them true."""

import doctest
import importlib
import pkgutil

import pytest

import survivorship

MODULES = ["defaults", "policy", "resolution", "rules"]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name: str) -> None:
    module = importlib.import_module(f"survivorship.{module_name}")
    failed, attempted = doctest.testmod(module)
    assert attempted > 0
    assert failed == 0


def _has_examples(module_name: str) -> bool:
    module = importlib.import_module(f"survivorship.{module_name}")
    return any(test.examples for test in doctest.DocTestFinder().find(module))


def test_every_module_with_examples_is_listed() -> None:
    names = {module.name for module in pkgutil.iter_modules(survivorship.__path__)}
    assert {name for name in names if _has_examples(name)} == set(MODULES)
