"""Golden IDs: a domain prefix and 16 Crockford base32 characters (80 random bits).

Opaque on purpose: nothing in the ID depends on a source system or on attribute values, so it
never has to change when they do.
"""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_golden_id(prefix: str) -> str:
    number = int.from_bytes(secrets.token_bytes(10), "big")
    chars = []
    for _ in range(16):
        number, rest = divmod(number, 32)
        chars.append(_ALPHABET[rest])
    return f"{prefix}-{''.join(reversed(chars))}"
