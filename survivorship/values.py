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
    # Most values are plain text: build exactly what json.dumps would, without its machinery
    # (resolution compares every candidate value several times).
    kind = type(value)
    if kind is str and value.isascii() and value.isprintable() and '"' not in value:
        if "\\" not in value:
            return f'"{value}"'
    elif kind is int:
        return str(value)
    return json.dumps(value, sort_keys=True, default=str)
