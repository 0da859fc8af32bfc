"""What counts as a value, and when two values are the same."""

from __future__ import annotations

import json
from typing import Any


def is_empty(value: Any) -> bool:
    """``None``, ``""``, ``[]`` and ``{}`` are no value: they never win and never count."""
    return value is None or value == "" or value == [] or value == {}


def canonical(value: Any) -> str:
    """One text per value, so that ``{"a": 1, "b": 2}`` and ``{"b": 2, "a": 1}`` are equal.

    Standardised attributes are JSON already; ``default=str`` only keeps an odd value (a date
    object from a caller) from failing the whole resolution.
    """
    # Most values are plain text, or a structured value of plain text (an address, a group of
    # name parts): build exactly what json.dumps would, without its machinery (resolution
    # compares every candidate value several times).
    kind = type(value)
    if kind is str:
        if _plain(value):
            return f'"{value}"'
    elif kind is int:
        return str(value)
    elif kind is dict and all(
        type(k) is str and type(v) is str and _plain(k) and _plain(v) for k, v in value.items()
    ):
        return "{" + ", ".join(f'"{k}": "{value[k]}"' for k in sorted(value)) + "}"
    return json.dumps(value, sort_keys=True, default=str)


def _plain(text: str) -> bool:
    """Text that JSON writes as it is, between quotes."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text
