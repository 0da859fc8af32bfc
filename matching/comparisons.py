"""Comparisons: which level two feature values reach, and with what similarity.

Levels are tried in order; the first one the values reach is the outcome. A record with no value
for the feature gives the implicit ``missing`` outcome (weight 0: absence is no evidence). When
either side holds several values, the best outcome over all value pairs counts.

>>> from matching.settings import Comparison, Level
>>> surname = Comparison(name="surname", feature="last", levels=(
...     Level(label="exact", kind="exact", m=0.9, u=0.01),
...     Level(label="jw>=0.92", kind="jaro_winkler", threshold=0.92, m=0.07, u=0.02),
...     Level(label="else", kind="else", m=0.03, u=0.97),
... ))
>>> compare(surname, ("JOHNSON",), ("JOHNSTON",)).level_label
'jw>=0.92'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from matching.features import FeatureValues
from matching.settings import Comparison, Level

MISSING = -1


class Outcome(NamedTuple):
    """The level two records reached on one comparison; ``level`` is -1 when a value is missing.

    A named tuple rather than a dataclass: scoring makes fifteen per pair, and a tuple is made
    several times faster than a frozen dataclass.
    """

    level: int
    level_label: str
    left: str | None
    right: str | None
    similarity: float | None = None


# The measured level kinds, each as it is reported (a similarity, or a distance in edits), and
# whether a higher value is closer. Damerau-Levenshtein counts a swap of two neighbouring
# characters as one edit: "2295" and "2259".
def _jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


def _levenshtein(a: str, b: str) -> float:
    return float(Levenshtein.distance(a, b))


def _damerau_levenshtein(a: str, b: str) -> float:
    return float(DamerauLevenshtein.distance(a, b))


def _token_set(a: str, b: str) -> float:
    return fuzz.token_set_ratio(a, b) / 100.0


def _token_sort(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(a, b) / 100.0


_MEASURES = {
    "jaro_winkler": (_jaro_winkler, True),  # (measure, higher is closer)
    "levenshtein": (_levenshtein, False),
    "damerau_levenshtein": (_damerau_levenshtein, False),
    "token_set": (_token_set, True),
    "token_sort": (_token_sort, True),
}


def _reaches(level: Level, a: str, b: str, measured: dict[str, float]) -> tuple[bool, float | None]:
    """Whether ``a`` and ``b`` reach ``level``; ``measured`` keeps each similarity of this value
    pair once computed, as the levels of one comparison often share a measure (Jaro-Winkler at
    0.95 and at 0.88)."""
    kind = level.kind
    threshold = level.threshold if level.threshold is not None else 0.0
    if kind == "exact":
        return a == b, None
    if kind in _MEASURES:
        measure, higher_is_closer = _MEASURES[kind]
        value = measured.get(kind)
        if value is None:
            value = measured[kind] = measure(a, b)
        return (value >= threshold if higher_is_closer else value <= threshold), value
    if kind == "initial":
        # "J" against "JOHN": a bare initial agrees with any name it begins.
        return bool(a and b) and (len(a) == 1 or len(b) == 1) and a[0] == b[0], None
    if kind == "swapped":
        # Composite values "GIVEN|SURNAME" against "SURNAME|GIVEN": the same parts, swapped.
        # With a threshold, each crossed part needs that Jaro-Winkler similarity ("WEBF|LAURA"
        # against "LAURA|WEBB": a form filled in the wrong boxes, with a typo as well).
        left, right = a.split("|"), b.split("|")
        if len(left) != 2 or len(right) != 2 or left == right:
            return False, None
        if level.threshold is None:
            return left == right[::-1], None
        crossed = min(
            JaroWinkler.similarity(left[0], right[1]), JaroWinkler.similarity(left[1], right[0])
        )
        # The swap must explain the pair better than the names as they stand: THOMAS THOMAS
        # against THOMAS THOMSON is alike crossed and straight, and is no swap.
        straight = min(
            JaroWinkler.similarity(left[0], right[0]), JaroWinkler.similarity(left[1], right[1])
        )
        return crossed >= threshold and crossed > straight, crossed
    if kind == "date_transposed":
        return _date_typo(a, b), None
    if kind == "date_same_year":
        return a[:4] == b[:4], None
    if kind == "numeric_within":
        try:
            return abs(float(a) - float(b)) <= threshold, abs(float(a) - float(b))
        except ValueError:
            return False, None
    return True, None  # "else"


def _date_typo(a: str, b: str) -> bool:
    """ISO dates that differ by a swapped day and month, or by one mistyped or swapped digit."""
    if len(a) != 10 or len(b) != 10:
        return False
    ya, ma, da = a[:4], a[5:7], a[8:10]
    yb, mb, db = b[:4], b[5:7], b[8:10]
    if ya == yb and ma == db and da == mb:
        return True
    return DamerauLevenshtein.distance(a.replace("-", ""), b.replace("-", "")) <= 1


def compare(comparison: Comparison, left: FeatureValues, right: FeatureValues) -> Outcome:
    if not left or not right:
        return Outcome(MISSING, "missing", left[0] if left else None, right[0] if right else None)
    levels = comparison.levels
    best: Outcome | None = None
    for a in left:
        for b in right:
            measured: dict[str, float] = {}
            for index, level in enumerate(levels):
                if best is not None and index >= best.level:
                    break
                reached, similarity = _reaches(level, a, b, measured)
                if reached:
                    best = Outcome(index, level.label, a, b, similarity)
                    break
            if best is not None and best.level == 0:
                return best
    assert best is not None, "the last level is 'else' and always reached"
    return best


class Column(NamedTuple):
    """:func:`compare` of many value pairs at once, as four columns: the level index reached
    (-1 missing), the two values the level was reached on, and the similarity measured."""

    levels: list[int]
    lefts: list[str | None]
    rights: list[str | None]
    similarities: list[float | None]


def compare_column(
    comparison: Comparison,
    lefts: Sequence[FeatureValues],
    rights: Sequence[FeatureValues],
) -> Column:
    """:func:`compare` of ``lefts[i]`` against ``rights[i]`` for every ``i``, the same outcomes.

    Scoring a file's candidate pairs one comparison at a time rather than one pair at a time:
    the value pairs go through the levels together, each level taking those no earlier level
    took, and each measure runs once per value pair over a plain list.
    """
    size = len(lefts)
    if len(rights) != size:
        raise ValueError("compare_column needs as many right values as left values")
    column = Column([MISSING] * size, [None] * size, [None] * size, [None] * size)
    levels_of, lefts_of, rights_of, similarities_of = column
    # Every value pair, with the position it belongs to: one for single values, one per
    # combination where a side holds several (the best level over them counts, and among equals
    # the first in :func:`compare`'s order, which is the order they are listed here).
    positions: list[int] = []
    a_values: list[str] = []
    b_values: list[str] = []
    for i, (left, right) in enumerate(zip(lefts, rights, strict=True)):
        if not left or not right:
            lefts_of[i] = left[0] if left else None
            rights_of[i] = right[0] if right else None
        elif len(left) == 1 and len(right) == 1:
            positions.append(i)
            a_values.append(left[0])
            b_values.append(right[0])
        else:
            for a in left:
                for b in right:
                    positions.append(i)
                    a_values.append(a)
                    b_values.append(b)
    # ``remaining``: indices into the value-pair lists whose position no level has taken yet.
    remaining = list(range(len(positions)))
    measured: dict[str, list[float]] = {}
    for index, level in enumerate(comparison.levels):
        if not remaining:
            break
        kind = level.kind
        threshold = level.threshold if level.threshold is not None else 0.0
        # The measure of each value pair, for the pairs this level takes.
        similarity: Sequence[float] | Mapping[int, float | None] | None = None
        if kind == "exact":
            taken = [j for j in remaining if a_values[j] == b_values[j]]
        elif kind == "else":
            taken = remaining
        elif kind in _MEASURES:
            measure, higher_is_closer = _MEASURES[kind]
            similarity = measured.get(kind)
            if similarity is None:
                # Measured once for the pairs still open; a later level of the same kind sees
                # only pairs among these.
                similarity = measured[kind] = [0.0] * len(positions)
                for j in remaining:
                    similarity[j] = measure(a_values[j], b_values[j])
            if higher_is_closer:
                taken = [j for j in remaining if similarity[j] >= threshold]
            else:
                taken = [j for j in remaining if similarity[j] <= threshold]
        else:
            # The rarer kinds (initials, swapped names, date typos, numbers) pair by pair.
            found: dict[int, float | None] = {}
            for j in remaining:
                reached, value = _reaches(level, a_values[j], b_values[j], {})
                if reached:
                    found[j] = value
            taken, similarity = list(found), found
        decided: set[int] = set()
        for j in taken:
            i = positions[j]
            if i in decided:
                continue  # a combination listed earlier reached this level first
            decided.add(i)
            levels_of[i], lefts_of[i], rights_of[i] = index, a_values[j], b_values[j]
            if similarity is not None:
                similarities_of[i] = similarity[j]
        if decided:
            # A position is decided by its best level: its other combinations drop out.
            remaining = [j for j in remaining if positions[j] not in decided]
    if remaining:
        raise AssertionError("the last level is 'else' and always reached")
    return column
