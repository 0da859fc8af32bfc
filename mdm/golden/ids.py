"""Golden IDs: a domain prefix and 16 Crockford base32 characters (80 random bits).

Opaque on purpose: nothing in the ID depends on a source system or on attribute values, so it
never has to change when they do.
"""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def crockford32(number: int, digits: int) -> str:
    """``number`` as ``digits`` Crockford base32 characters, most significant first."""
    chars = []
    for _ in range(digits):
        number, rest = divmod(number, 32)
        chars.append(_ALPHABET[rest])
    return "".join(reversed(chars))


def new_golden_id(prefix: str) -> str:
    return f"{prefix}-{crockford32(int.from_bytes(secrets.token_bytes(10), 'big'), 16)}"
