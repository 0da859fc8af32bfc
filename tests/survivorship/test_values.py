"""``canonical``'s fast path for plain text must give exactly what ``json.dumps`` gives."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from survivorship.values import canonical

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(_json)
def test_canonical_is_sorted_json(value: Any) -> None:
    assert canonical(value) == json.dumps(value, sort_keys=True, default=str)


# Flat objects of printable ASCII, quotes and backslashes included: the form of an address or a
# group of name parts, which has a fast path of its own.
_ascii = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=6)


@given(st.dictionaries(_ascii, _ascii, min_size=2, max_size=5))
def test_canonical_of_a_flat_object_is_sorted_json(value: dict[str, Any]) -> None:
    assert canonical(value) == json.dumps(value, sort_keys=True, default=str)
