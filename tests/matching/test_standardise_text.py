"""Whitespace and accent helpers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.standardise import collapse_whitespace, strip_accents


@pytest.mark.parametrize(
    ("raw", "collapsed"),
    [
        ("  a  b ", "a b"),
        ("a\tb\nc", "a b c"),
        ("St\u00a0Luke's", "St Luke's"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_collapse_whitespace(raw: str, collapsed: str) -> None:
    assert collapse_whitespace(raw) == collapsed


@pytest.mark.parametrize(
    ("raw", "stripped"),
    [
        ("José", "Jose"),
        ("Peña Muñoz", "Pena Munoz"),
        ("Zoë Brontë", "Zoe Bronte"),
        ("Ångström", "Angstrom"),
        ("plain", "plain"),
        ("\ufb01le", "file"),
    ],
)
def test_strip_accents(raw: str, stripped: str) -> None:
    assert strip_accents(raw) == stripped


@given(st.text())
def test_collapse_whitespace_is_idempotent(raw: str) -> None:
    once = collapse_whitespace(raw)
    assert collapse_whitespace(once) == once
    assert "  " not in once
