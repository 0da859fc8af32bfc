"""Training: estimate ``u`` from random pairs, ``m`` by expectation–maximisation, term frequencies.

* ``u`` (how often non-matches reach a level) from random record pairs of the hub's own data:
  almost every random pair is a non-match.
* ``m`` (how often matches reach a level) by EM over the blocked candidate pairs, ``u`` held fixed
  (as Splink does), starting from the current settings. Pairs a steward decided enter with their
  class fixed instead of estimated.
* The prior: the share of matches EM finds among blocked pairs, scaled to all pairs.
* Term frequencies of the features whose exact level is frequency-adjusted.

Everything is deterministic for a given seed, and the result is a new :class:`MatchSettings`.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from matching.blocking import candidate_pairs
from matching.comparisons import MISSING, compare
from matching.features import MatchRecord
from matching.settings import (
    Comparison,
    Level,
    MatchSettings,
    TermFrequencies,
    Training,
    bounded_probability,
)

Pattern = tuple[int, ...]
_SMOOTHING = 0.5  # added to every level's count, so an unseen level is rare, not impossible
_MIN_U = 1e-6
_TF_TOP = 1000


@dataclass(frozen=True, slots=True)
class LabelledPair:
    left: MatchRecord
    right: MatchRecord
    is_match: bool


def pattern(settings: MatchSettings, left: MatchRecord, right: MatchRecord) -> Pattern:
    return tuple(
        compare(c, left.values(c.feature), right.values(c.feature)).level
        for c in settings.comparisons
    )


def _level_shares(counts: Sequence[float]) -> list[float]:
    total = sum(counts) + _SMOOTHING * len(counts)
    return [(n + _SMOOTHING) / total for n in counts]


def estimate_u(
    settings: MatchSettings, records: Sequence[MatchRecord], *, pairs: int, seed: int
) -> list[list[float]]:
    """Per comparison, per level: the share of random pairs reaching it (missing excluded)."""
    rng = random.Random(seed)
    counts = [[0.0] * len(c.levels) for c in settings.comparisons]
    if len(records) < 2:
        return [[level.u for level in c.levels] for c in settings.comparisons]
    for _ in range(pairs):
        a, b = rng.sample(range(len(records)), 2)
        for i, level in enumerate(pattern(settings, records[a], records[b])):
            if level != MISSING:
                counts[i][level] += 1
    return [[max(share, _MIN_U) for share in _level_shares(c)] for c in counts]


def estimate_m(
    settings: MatchSettings,
    patterns: Counter[Pattern],
    u: list[list[float]],
    *,
    labelled: Sequence[tuple[Pattern, bool]] = (),
    max_iterations: int,
    tolerance: float,
) -> tuple[list[list[float]], float, int, bool]:
    """EM over pattern counts with ``u`` fixed.

    Returns (m, share of matches among the pairs, iterations, converged).
    """
    m = [[level.m for level in c.levels] for c in settings.comparisons]
    share = 0.1
    total = sum(patterns.values())
    iterations, converged = 0, False
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - reported after the loop
        counts = [[0.0] * len(c.levels) for c in settings.comparisons]
        expected_matches = 0.0
        weighted: list[tuple[Pattern, float, bool | None]] = [
            (p, float(n), None) for p, n in patterns.items()
        ]
        weighted += [(p, 1.0, is_match) for p, is_match in labelled]
        for vector, n, fixed in weighted:
            if fixed is None:
                log_m = math.log(share) + sum(
                    math.log(m[i][lvl]) for i, lvl in enumerate(vector) if lvl != MISSING
                )
                log_u = math.log(1 - share) + sum(
                    math.log(u[i][lvl]) for i, lvl in enumerate(vector) if lvl != MISSING
                )
                posterior = 1.0 / (1.0 + math.exp(min(700.0, log_u - log_m)))
                expected_matches += posterior * n
            else:
                posterior = 1.0 if fixed else 0.0
            for i, lvl in enumerate(vector):
                if lvl != MISSING:
                    counts[i][lvl] += posterior * n
        new_m = [_level_shares(c) for c in counts]
        new_share = bounded_probability(expected_matches / total) if total else share
        change = max(
            [
                abs(a - b)
                for old, new in zip(m, new_m, strict=True)
                for a, b in zip(old, new, strict=True)
            ]
            + [abs(new_share - share)]
        )
        m, share = new_m, new_share
        if change < tolerance:
            converged = True
            break
    return m, share, iterations, converged


def term_frequencies(
    settings: MatchSettings, records: Sequence[MatchRecord]
) -> tuple[TermFrequencies, ...]:
    tables: list[TermFrequencies] = []
    adjusted = sorted(
        {c.feature for c in settings.comparisons if any(lv.tf_adjust for lv in c.levels)}
    )
    for feature in adjusted:
        counts: Counter[str] = Counter(v for r in records for v in r.values(feature))
        total = sum(counts.values())
        if not total:
            continue
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:_TF_TOP]
        values = {value: n / total for value, n in top}
        floor = 1 / total if len(counts) <= _TF_TOP else min(values.values())
        tables.append(TermFrequencies(feature=feature, values=values, floor=floor))
    return tuple(tables)


def train(
    settings: MatchSettings,
    records: Sequence[MatchRecord],
    *,
    version: str,
    labelled: Sequence[LabelledPair] = (),
    random_pairs: int = 20_000,
    seed: int = 0,
    max_iterations: int = 100,
    tolerance: float = 1e-5,
) -> MatchSettings:
    """A new version of ``settings`` with ``m``, ``u``, prior and term frequencies estimated."""
    u = estimate_u(settings, records, pairs=random_pairs, seed=seed)
    patterns: Counter[Pattern] = Counter()
    by_key = {r.key: r for r in records}
    blocked = 0
    for a, b in candidate_pairs(settings, records):
        patterns[pattern(settings, by_key[a], by_key[b])] += 1
        blocked += 1
    labels = [(pattern(settings, p.left, p.right), p.is_match) for p in labelled]
    m, share, iterations, converged = estimate_m(
        settings, patterns, u, labelled=labels, max_iterations=max_iterations, tolerance=tolerance
    )
    comparisons = tuple(
        Comparison(
            name=c.name,
            feature=c.feature,
            description=c.description,
            levels=tuple(
                Level(
                    label=level.label,
                    kind=level.kind,
                    threshold=level.threshold,
                    m=bounded_probability(m[i][j]),
                    u=bounded_probability(u[i][j]),
                    tf_adjust=level.tf_adjust,
                )
                for j, level in enumerate(c.levels)
            ),
        )
        for i, c in enumerate(settings.comparisons)
    )
    n = len(records)
    all_pairs = n * (n - 1) / 2 if n > 1 else 1.0
    prior = bounded_probability(share * blocked / all_pairs) if blocked else settings.prior
    return settings.model_copy(
        update={
            "version": version,
            "comparisons": comparisons,
            "prior": prior,
            "term_frequencies": term_frequencies(settings, records),
            "training": Training(
                records=n,
                random_pairs=random_pairs,
                blocked_pairs=blocked,
                em_iterations=iterations,
                converged=converged,
                labelled_pairs=len(labelled),
                proportion_matched=share,
            ),
        }
    )
