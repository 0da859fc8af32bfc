"""Fellegi–Sunter scoring of a record pair, with the explanation a steward reads.

The match weight is ``log2(prior odds) + sum(log2(m/u))`` over the comparisons; its probability
is ``1 / (1 + 2**-weight)``. With term-frequency adjustment, an exact agreement on a value uses
that value's own frequency as ``u``: two providers sharing the surname "Nguyen" in a hub full of
Nguyens get less weight than two sharing "Przybylski".

Hard rules sit beside the weight: a *cannot-link* feature (different valid NPIs) forbids the
pair whatever the weight; a *decisive* feature (the same valid NPI) makes it a match.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from matching.comparisons import MISSING, compare
from matching.features import MatchRecord, mask
from matching.settings import MAX_LEVEL_WEIGHT, Comparison, MatchSettings, probability


@dataclass(frozen=True, slots=True)
class ComparisonExplanation:
    comparison: str
    left: str | None
    right: str | None
    level: str
    level_index: int
    weight: float
    similarity: float | None = None
    tf_adjusted: bool = False

    def describe(self) -> str:
        shown = f"{self.level} {self.weight:+.1f}"
        if self.similarity is not None and self.level != "else":
            shown = f"{self.level} ({self.similarity:.2f}) {self.weight:+.1f}"
        return f"{self.comparison} {shown}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "left": self.left,
            "right": self.right,
            "level": self.level,
            "level_index": self.level_index,
            "weight": round(self.weight, 3),
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "tf_adjusted": self.tf_adjusted,
        }


@dataclass(frozen=True, slots=True)
class PairScore:
    left: str
    right: str
    weight: float
    comparisons: tuple[ComparisonExplanation, ...]
    prior_weight: float
    cannot_link: tuple[str, ...] = ()
    decisive: tuple[str, ...] = ()
    settings_version: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def probability(self) -> float:
        return probability(self.weight)

    @property
    def pattern(self) -> tuple[int, ...]:
        """The comparison vector: the level index reached on each comparison (-1 missing)."""
        return tuple(c.level_index for c in self.comparisons)

    def describe(self) -> str:
        """One line a steward can read: hard rules first, then each comparison's weight."""
        parts = [f"{f} differs (cannot link)" for f in self.cannot_link]
        parts += [f"{f} identical (decisive)" for f in self.decisive]
        parts += [c.describe() for c in self.comparisons if c.level_index != MISSING]
        return f"weight {self.weight:+.1f}: " + ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "weight": round(self.weight, 3),
            "probability": round(self.probability, 6),
            "prior_weight": round(self.prior_weight, 3),
            "cannot_link": list(self.cannot_link),
            "decisive": list(self.decisive),
            "settings_version": self.settings_version,
            "comparisons": [c.as_dict() for c in self.comparisons],
            "summary": self.describe(),
        }


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return bool(set(a) & set(b))


def hard_rules(
    settings: MatchSettings, left: MatchRecord, right: MatchRecord
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(cannot-link features that differ, decisive features that agree) for a pair."""
    cannot = tuple(
        f
        for f in settings.cannot_link
        if left.values(f) and right.values(f) and not _shared(left.values(f), right.values(f))
    )
    decisive = tuple(f for f in settings.decisive if _shared(left.values(f), right.values(f)))
    return cannot, decisive


def level_weight(
    settings: MatchSettings, comparison: Comparison, index: int, value: str | None
) -> tuple[float, bool]:
    if index == MISSING:
        return 0.0, False
    level = comparison.levels[index]
    if level.tf_adjust and value is not None:
        table = settings.term_frequencies_of(comparison.feature)
        if table is not None:
            # A value's own frequency is the chance two random records share it by accident.
            u = table.values.get(value, min(table.floor, level.u))
            weight = math.log2(level.m / max(u, 1e-9))
            return max(-MAX_LEVEL_WEIGHT, min(MAX_LEVEL_WEIGHT, weight)), True
    return level.weight, False


def score_pair(settings: MatchSettings, left: MatchRecord, right: MatchRecord) -> PairScore:
    explained: list[ComparisonExplanation] = []
    total = settings.prior_weight
    for comparison in settings.comparisons:
        outcome = compare(
            comparison, left.values(comparison.feature), right.values(comparison.feature)
        )
        weight, adjusted = level_weight(settings, comparison, outcome.level, outcome.left)
        total += weight
        shown = mask if settings.feature(comparison.feature).sensitive else _same
        explained.append(
            ComparisonExplanation(
                comparison.name,
                shown(outcome.left),
                shown(outcome.right),
                outcome.level_label,
                outcome.level,
                weight,
                outcome.similarity,
                adjusted,
            )
        )
    cannot, decisive = hard_rules(settings, left, right)
    return PairScore(
        left.key,
        right.key,
        total,
        tuple(explained),
        settings.prior_weight,
        cannot,
        decisive,
        settings.version,
    )


def _same(value: str | None) -> str | None:
    return value
