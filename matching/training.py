"""Training: estimate ``u`` from random pairs, ``m`` by expectation–maximisation, term frequencies.

* ``u`` (how often non-matches reach a level) from random record pairs of the hub's own data:
  almost every random pair is a non-match.
* ``m`` (how often matches reach a level) by EM, ``u`` held fixed, one blocking rule at a time
  (as Splink does): the pairs a rule blocks all agree on the attributes it blocks on, so the
  comparisons of those attributes are left out of that rule's session, and each comparison's
  ``m`` is the mean over the sessions that could estimate it. Pairs a steward decided enter
  with their class fixed instead of estimated.
* The prior: the share of matches among all blocked pairs under the estimated ``m`` and ``u``,
  scaled to all pairs.
* Term frequencies of the features whose exact level is frequency-adjusted.

Everything is deterministic for a given seed, and the result is a new :class:`MatchSettings`.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from matching.blocking import candidate_pairs_by_rule
from matching.comparisons import MISSING, compare
from matching.defaults import DEFAULT_SETTINGS, default_settings
from matching.features import MatchRecord
from matching.settings import (
    MatchSettings,
    TermFrequencies,
    Training,
    bounded_probability,
)

Pattern = tuple[int, ...]
_SMOOTHING = 0.5  # added to every level's count, so an unseen level is rare, not impossible
_MIN_U = 1e-6
_TF_TOP = 1000
_MIN_OBSERVED_MATCHES = 5.0
_MIN_OBSERVED_PAIRS = 50


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
    # A comparison random pairs rarely had values for (an NPI no system sends) keeps its u.
    return [
        [max(share, _MIN_U) for share in _level_shares(c)]
        if sum(c) >= _MIN_OBSERVED_PAIRS
        else [level.u for level in comparison.levels]
        for c, comparison in zip(counts, settings.comparisons, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class EMResult:
    m: list[list[float]]
    share: float  # of matches among the pairs
    iterations: int
    converged: bool
    # Per comparison, the expected number of matches with a value on both sides: a comparison
    # a session saw (almost) no matches on learned nothing there.
    observed: list[float]


def estimate_m(
    settings: MatchSettings,
    patterns: Counter[Pattern],
    u: list[list[float]],
    *,
    labelled: Sequence[tuple[Pattern, bool]] = (),
    max_iterations: int,
    tolerance: float,
    fixed_m: bool = False,
) -> EMResult:
    """EM over pattern counts with ``u`` fixed (and ``m`` too when ``fixed_m``: prior only)."""
    m = [[level.m for level in c.levels] for c in settings.comparisons]
    observed = [0.0 for _ in settings.comparisons]
    share = 0.1
    total = sum(patterns.values()) + len(labelled)
    iterations, converged = 0, False
    weighted: list[tuple[Pattern, float, bool | None]] = [
        (p, float(n), None) for p, n in patterns.items()
    ]
    weighted += [(p, 1.0, is_match) for p, is_match in labelled]
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - reported after the loop
        counts = [[0.0] * len(c.levels) for c in settings.comparisons]
        expected_matches = 0.0
        for vector, n, fixed in weighted:
            if fixed is None:
                log_m = math.log(share) + sum(
                    math.log(m[i][lvl]) for i, lvl in enumerate(vector) if lvl != MISSING
                )
                log_u = math.log(1 - share) + sum(
                    math.log(u[i][lvl]) for i, lvl in enumerate(vector) if lvl != MISSING
                )
                posterior = 1.0 / (1.0 + math.exp(min(700.0, log_u - log_m)))
            else:
                posterior = 1.0 if fixed else 0.0
            expected_matches += posterior * n
            for i, lvl in enumerate(vector):
                if lvl != MISSING:
                    counts[i][lvl] += posterior * n
        observed = [sum(c) for c in counts]
        new_m = m if fixed_m else [_level_shares(c) for c in counts]
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
    return EMResult(m, share, iterations, converged, observed)


def _attributes(settings: MatchSettings, feature: str) -> set[str]:
    return {path.split(".")[0] for path in settings.feature(feature).attribute.split("+")}


def _masked(pattern: Pattern, excluded: set[int]) -> Pattern:
    return tuple(MISSING if i in excluded else lvl for i, lvl in enumerate(pattern))


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


def _with_parameters(
    settings: MatchSettings, m: list[list[float]], u: list[list[float]]
) -> MatchSettings:
    # Copies, so that everything but m and u (labels, kinds, flags) carries over as it was.
    comparisons = tuple(
        c.model_copy(
            update={
                "levels": tuple(
                    level.model_copy(
                        update={
                            "m": bounded_probability(m[i][j]),
                            "u": bounded_probability(u[i][j]),
                        }
                    )
                    for j, level in enumerate(c.levels)
                )
            }
        )
        for i, c in enumerate(settings.comparisons)
    )
    return settings.model_copy(update={"comparisons": comparisons})


def contrary_floor(settings: MatchSettings) -> tuple[tuple[str, float], ...]:
    """The weights training may not soften ("bridged" chain guard only; see ``Training``):
    each level that weighs against a pair on a comparison that ``contradicts``, at the weight
    the governance team stated for it.

    * A rule set that was never trained states them itself.
    * A trained rule set carries its lineage's floor on (``training.contrary_floor``), so a
      retrain floors against what was stated, not against the last estimate.
    * A level the lineage's floor does not name (a rule set trained before floors existed,
      or a comparison added since) takes the shipped default's weight for it when the
      domain's default has that level, and its own weight otherwise: an estimate from before
      floors existed is no statement (EM may have taken relatives for copies).
    """
    if settings.chain_guard != "bridged":
        return ()
    carried = dict(settings.training.contrary_floor) if settings.training is not None else {}
    shipped = _shipped_weights(settings.domain) if settings.training is not None else {}
    floor = []
    for c in settings.comparisons:
        if not c.contradicts:
            continue
        for name, level in c.named_levels():
            stated = carried.get(name, shipped.get(name, level.weight))
            if stated < 0:
                floor.append((name, stated))
    return tuple(floor)


def _shipped_weights(domain: str) -> dict[str, float]:
    """The shipped default's level weights for ``domain`` ("birth_date/else"), if it has one."""
    if domain not in DEFAULT_SETTINGS:
        return {}
    return {
        name: level.weight
        for c in default_settings(domain).comparisons
        for name, level in c.named_levels()
    }


def _contrary_evidence_kept(
    settings: MatchSettings,
    m: list[list[float]],
    u: list[list[float]],
    floor: tuple[tuple[str, float], ...],
) -> tuple[list[list[float]], tuple[str, ...]]:
    """``m`` with no level in ``floor`` weaker evidence against a pair than its stated weight,
    and the levels that needed it ("birth_date/else").

    Unsupervised EM cannot tell a household's relatives (one name, one address, another birth
    date and another SSN) from one person's mistyped copies: on a file that holds relatives
    it counts them as matches, and learns that another birth date is weak evidence against a
    match. The "bridged" chain guard sums exactly these weights (``contradiction_weight``), so
    trained weights would let relatives merge. What counts as contrary evidence is the rule
    set's statement: training may make it stronger, never weaker, and steward decisions
    (labelled pairs) cannot soften it either. The prior is estimated before this, with ``m``
    as EM left it.
    """
    stated = dict(floor)
    kept = [list(levels) for levels in m]
    floored: list[str] = []
    for i, comparison in enumerate(settings.comparisons):
        for j, (name, _) in enumerate(comparison.named_levels()):
            if name not in stated:
                continue
            trained = math.log2(bounded_probability(m[i][j]) / bounded_probability(u[i][j]))
            if trained > stated[name]:
                kept[i][j] = bounded_probability(u[i][j]) * 2 ** stated[name]
                floored.append(name)
    return kept, tuple(floored)


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
    by_key = {r.key: r for r in records}
    patterns: dict[tuple[str, str], Pattern] = {}
    sessions: list[tuple[set[int], Counter[Pattern]]] = []
    blocked_by_rule = candidate_pairs_by_rule(settings, records)
    for rule in settings.blocking:
        blocked_on = set().union(*(_attributes(settings, f) for f in rule.features))
        excluded = {
            i
            for i, c in enumerate(settings.comparisons)
            if _attributes(settings, c.feature) & blocked_on
        }
        counts: Counter[Pattern] = Counter()
        for a, b in sorted(blocked_by_rule[rule.name]):
            if (a, b) not in patterns:
                patterns[(a, b)] = pattern(settings, by_key[a], by_key[b])
            counts[_masked(patterns[(a, b)], excluded)] += 1
        if counts:
            sessions.append((excluded, counts))
    labels = [(pattern(settings, p.left, p.right), p.is_match) for p in labelled]
    # estimates[comparison][level]: the m each session that could estimate it found.
    estimates: list[list[list[float]]] = [[[] for _ in c.levels] for c in settings.comparisons]
    iterations, converged = 0, True
    for excluded, counts in sessions:
        result = estimate_m(
            settings,
            counts,
            u,
            labelled=[(_masked(p, excluded), is_match) for p, is_match in labels],
            max_iterations=max_iterations,
            tolerance=tolerance,
        )
        iterations = max(iterations, result.iterations)
        converged = converged and result.converged
        for i in range(len(settings.comparisons)):
            if i not in excluded and result.observed[i] >= _MIN_OBSERVED_MATCHES:
                for j, value in enumerate(result.m[i]):
                    estimates[i][j].append(value)
    m = [
        [
            sum(values) / len(values) if values else level.m
            for values, level in zip(estimates[i], c.levels, strict=True)
        ]
        for i, c in enumerate(settings.comparisons)
    ]
    # With m and u settled, the share of matches among all blocked pairs gives the prior.
    everything: Counter[Pattern] = Counter(patterns.values())
    trained_m_settings = _with_parameters(settings, m, u)
    share = estimate_m(
        trained_m_settings,
        everything,
        u,
        labelled=labels,
        max_iterations=max_iterations,
        tolerance=tolerance,
        fixed_m=True,
    ).share
    blocked = len(patterns)
    n = len(records)
    all_pairs = n * (n - 1) / 2 if n > 1 else 1.0
    prior = bounded_probability(share * blocked / all_pairs) if blocked else settings.prior
    floor = contrary_floor(settings)
    m, floored = _contrary_evidence_kept(settings, m, u, floor)
    return _with_parameters(settings, m, u).model_copy(
        update={
            "version": version,
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
                contrary_floor=floor,
                contrary_evidence_kept=floored,
            ),
        }
    )
