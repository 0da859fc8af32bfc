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
