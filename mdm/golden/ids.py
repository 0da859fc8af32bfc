"""Golden IDs: a domain prefix and 16 Crockford base32 characters (80 random bits).

Opaque on purpose: nothing in the ID depends on a source system or on attribute values, so it
never has to change when they do.
"""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Two characters (ten bits) at a time: a batch makes an ID for every event and golden record,
# and half the steps of dividing by 32 in Python.
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]


def crockford32(number: int, digits: int) -> str:
    """The low ``5 * digits`` bits of ``number`` as ``digits`` Crockford base32 characters,
    most significant first."""
    odd = digits % 2
    head = _ALPHABET[(number >> (5 * (digits - 1))) & 31] if odd else ""
    return head + "".join(
        [_PAIRS[(number >> shift) & 1023] for shift in range(5 * (digits - odd) - 10, -1, -10)]
    )


def new_golden_id(prefix: str) -> str:
    return f"{prefix}-{crockford32(int.from_bytes(secrets.token_bytes(10), 'big'), 16)}"
