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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from matching.comparisons import MISSING, compare, compare_column
from matching.features import FeatureValues, MatchRecord, mask
from matching.settings import (
    MAX_LEVEL_WEIGHT,
    Comparison,
    MatchSettings,
    PerSettings,
    TermFrequencies,
    probability,
)


class ComparisonExplanation(NamedTuple):
    """One comparison of a pair as a steward reads it (a named tuple: made fifteen times per
    pair scored)."""

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
    if len(a) == 1 and len(b) == 1:
        return a[0] == b[0]
    return not set(a).isdisjoint(b)


def hard_rules(
    settings: MatchSettings, left: MatchRecord, right: MatchRecord
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(cannot-link features that differ, decisive features that agree) for a pair."""
    left_values, right_values = left.features.get, right.features.get
    cannot: list[str] = []
    for f in settings.cannot_link:
        a, b = left_values(f, ()), right_values(f, ())
        if a and b and not _shared(a, b):
            cannot.append(f)
    decisive: list[str] = []
    for f in settings.decisive:
        a, b = left_values(f, ()), right_values(f, ())
        if a and b and _shared(a, b):
            decisive.append(f)
    return tuple(cannot), tuple(decisive)


def _tf_weight(m: float, u: float, table: TermFrequencies, value: str) -> float:
    # A value's own frequency is the chance two random records share it by accident.
    weight = math.log2(m / max(table.values.get(value, min(table.floor, u)), 1e-9))
    return max(-MAX_LEVEL_WEIGHT, min(MAX_LEVEL_WEIGHT, weight))


@dataclass(frozen=True, slots=True)
class _Step:
    """One comparison with what scoring it needs worked out once per settings."""

    comparison: Comparison
    sensitive: bool
    weights: tuple[float, ...]
    # Per level: (m, u, the feature's table) when the level is frequency-adjusted and the
    # settings hold a table for the feature; else None (the level's own weight counts).
    adjusted: tuple[tuple[float, float, TermFrequencies] | None, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    prior_weight: float
    steps: tuple[_Step, ...]


def _make_plan(settings: MatchSettings) -> _Plan:
    steps = []
    for comparison in settings.comparisons:
        table = settings.term_frequencies_of(comparison.feature)
        steps.append(
            _Step(
                comparison,
                settings.feature(comparison.feature).sensitive,
                tuple(level.weight for level in comparison.levels),
                tuple(
                    (level.m, level.u, table) if level.tf_adjust and table is not None else None
                    for level in comparison.levels
                ),
            )
        )
    return _Plan(settings.prior_weight, tuple(steps))


# One plan per settings object.
_plan = PerSettings(_make_plan)


def score_pair(settings: MatchSettings, left: MatchRecord, right: MatchRecord) -> PairScore:
    """One pair (see :func:`score_pairs` for many: the same scores)."""
    plan = _plan(settings)
    left_values, right_values = left.features.get, right.features.get
    explained = []
    for step in plan.steps:
        feature = step.comparison.feature
        outcome = compare(step.comparison, left_values(feature, ()), right_values(feature, ()))
        explained.append(
            _explanation(
                step,
                outcome.level,
                outcome.level_label,
                outcome.left,
                outcome.right,
                outcome.similarity,
            )
        )
    return _pair_score(settings, plan, left, right, tuple(explained))


def score_pairs(
    settings: MatchSettings, pairs: Iterable[tuple[MatchRecord, MatchRecord]]
) -> list[PairScore]:
    """:func:`score_pair` of each pair, in order.

    A file's candidate pairs are scored one comparison at a time over all of them
    (:func:`~matching.comparisons.compare_column`) rather than one pair at a time: the same
    outcomes, weights and explanations, for a fraction of the interpreter's work per pair.
    """
    plan = _plan(settings)
    pairs = list(pairs)
    # Each record's values of every compared feature, read once (a record is in many pairs).
    features = [step.comparison.feature for step in plan.steps]
    values_of: dict[int, tuple[FeatureValues, ...]] = {}
    for pair in pairs:
        for record in pair:
            if id(record) not in values_of:
                get = record.features.get
                values_of[id(record)] = tuple([get(f, ()) for f in features])
    left_values = [values_of[id(left)] for left, _ in pairs]
    right_values = [values_of[id(right)] for _, right in pairs]
    columns: list[list[ComparisonExplanation]] = []
    for number, step in enumerate(plan.steps):
        comparison = step.comparison
        levels, lefts, rights, similarities = compare_column(
            comparison, [v[number] for v in left_values], [v[number] for v in right_values]
        )
        # Indexed by level, with "missing" (-1) last.
        labels = [level.label for level in comparison.levels] + ["missing"]
        rows = zip(levels, lefts, rights, similarities, strict=True)
        if not step.sensitive and not any(step.adjusted):
            # The usual comparison, where :func:`_explanation` comes down to each level's own
            # weight and the values as they are: made here directly, the hottest loop of all.
            name, fixed = comparison.name, [*step.weights, 0.0]
            columns.append(
                [
                    ComparisonExplanation(name, a, b, labels[i], i, fixed[i], similarity, False)
                    for i, a, b, similarity in rows
                ]
            )
        else:
            columns.append(
                [_explanation(step, i, labels[i], a, b, similarity) for i, a, b, similarity in rows]
            )
    explained: Iterable[tuple[ComparisonExplanation, ...]] = (
        zip(*columns, strict=True) if columns else (() for _ in pairs)
    )
    return [
        _pair_score(settings, plan, left, right, explanations)
        for (left, right), explanations in zip(pairs, explained, strict=True)
    ]


def _explanation(
    step: _Step,
    index: int,
    label: str,
    left: str | None,
    right: str | None,
    similarity: float | None,
) -> ComparisonExplanation:
    """One comparison's outcome with its weight: the level's own, or the value's
    frequency-adjusted one; nothing for a missing value."""
    if index == MISSING:
        weight, adjusted = 0.0, False
    else:
        parameters = step.adjusted[index]
        if parameters is not None and left is not None:
            weight, adjusted = _tf_weight(*parameters, left), True
        else:
            weight, adjusted = step.weights[index], False
    shown = mask if step.sensitive else _same
    return ComparisonExplanation(
        step.comparison.name,
        shown(left),
        shown(right),
        label,
        index,
        weight,
        similarity,
        adjusted,
    )


def _pair_score(
    settings: MatchSettings,
    plan: _Plan,
    left: MatchRecord,
    right: MatchRecord,
    explanations: tuple[ComparisonExplanation, ...],
) -> PairScore:
    # Added in comparison order, as one running total: the same float whatever the path
    # (``sum`` of floats is compensated from Python 3.12 and would differ in the last bit).
    total = plan.prior_weight
    for explanation in explanations:
        total += explanation.weight
    cannot, decisive = hard_rules(settings, left, right)
    return PairScore(
        left.key,
        right.key,
        total,
        explanations,
        plan.prior_weight,
        cannot,
        decisive,
        settings.version,
    )


def _same(value: str | None) -> str | None:
    return value
