"""Golden and event IDs: Crockford base32, as the ULID specification spells it."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from mdm.events.service import new_event_id
from mdm.golden.ids import crockford32, new_golden_id

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def by_division(number: int, digits: int) -> str:
    """The definition: base 32, most significant digit first, the low ``digits`` digits."""
    chars = []
    for _ in range(digits):
        number, rest = divmod(number, 32)
        chars.append(ALPHABET[rest])
    return "".join(reversed(chars))


@given(st.integers(min_value=0, max_value=2**170), st.integers(min_value=1, max_value=32))
def test_crockford32_is_base32_of_the_low_digits(number: int, digits: int) -> None:
    assert crockford32(number, digits) == by_division(number, digits)


def test_the_ulid_limits() -> None:
    assert crockford32(0, 26) == "0" * 26
    assert crockford32(2**128 - 1, 26) == "7" + "Z" * 25  # the largest ULID
    assert crockford32(1, 1) == "1"
    assert crockford32(31, 1) == "Z"


def test_ids_have_their_documented_form() -> None:
    assert re.fullmatch(r"PRV-[0-9A-HJKMNP-TV-Z]{16}", new_golden_id("PRV"))
    event_id = new_event_id()
    assert re.fullmatch(r"evt_[0-7][0-9A-HJKMNP-TV-Z]{25}", event_id)
    assert len({new_event_id() for _ in range(1000)}) == 1000
