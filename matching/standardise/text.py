"""Tiny text helpers shared by the standardisers."""

import unicodedata

__all__ = ["collapse_whitespace", "strip_accents"]


def collapse_whitespace(s: str) -> str:
    """Trim and collapse every run of whitespace (any Unicode space) to one ASCII space.

    >>> collapse_whitespace("  St\\u00a0Luke's \\t Hospital ")
    "St Luke's Hospital"
    """
    return " ".join(s.split())


def strip_accents(s: str) -> str:
    """Remove diacritics so that "José" and "Jose" compare equal.

    NFKD also folds compatibility characters (ligatures, superscripts), which is what
    matching wants: sources disagree on those far more often than on meaning.

    >>> strip_accents("Peña Muñoz")
    'Pena Munoz'
    """
    if s.isascii():
        return s  # NFKD leaves ASCII as it is, and ASCII has no combining marks
    decomposed = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
