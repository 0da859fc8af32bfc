"""Batch linking: a whole file of records, blocked, scored and clustered in memory.

The hub's incremental path (one record against its blocking index in the database) and this
path call the same functions over the same neighbourhoods, so they reach the same clusters:
a neighbourhood is a connected component of the pairs that at least reach review (plus the
stewards' must-links), and each is clustered on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from matching.blocking import candidate_pairs
from matching.clustering import (
    NO_CONSTRAINTS,
    Clustering,
    Constraints,
    Pair,
    Verdict,
    cluster,
    components,
    pair_key,
    verdict,
)
from matching.features import MatchRecord
from matching.scoring import PairScore, score_pairs
from matching.settings import MatchSettings


def linking_edges(
    settings: MatchSettings, scores: Iterable[PairScore], constraints: Constraints
) -> list[Pair]:
    """The pairs that tie records into one neighbourhood: review or better, and must-links."""
    edges = [
        pair_key(s.left, s.right)
        for s in scores
        if verdict(settings, s) in (Verdict.MATCH, Verdict.REVIEW)
    ]
    return edges + sorted(constraints.must_link)


@dataclass(slots=True)
class LinkResult:
    clustering: Clustering
    scores: dict[Pair, PairScore] = field(default_factory=dict)
    compared_pairs: int = 0


def link(
    settings: MatchSettings,
    records: Sequence[MatchRecord],
    constraints: Constraints = NO_CONSTRAINTS,
) -> LinkResult:
    by_key = {r.key: r for r in records}
    pairs = list(candidate_pairs(settings, records))
    scores: dict[Pair, PairScore] = dict(
        zip(pairs, score_pairs(settings, [(by_key[a], by_key[b]) for a, b in pairs]), strict=True)
    )
    must = Constraints(
        frozenset(p for p in constraints.must_link if p[0] in by_key and p[1] in by_key),
        constraints.cannot_link,
    )
    combined = Clustering(clusters=[])
    groups = components(by_key, linking_edges(settings, scores.values(), must))
    component_of = {key: index for index, group in enumerate(groups) for key in group}
    # Each scored pair goes to its component in one pass (pairs across components tie nothing).
    scores_of: list[dict[Pair, PairScore]] = [{} for _ in groups]
    for pair, score in scores.items():
        if component_of[pair[0]] == component_of[pair[1]]:
            scores_of[component_of[pair[0]]][pair] = score
    for index, component in enumerate(groups):
        if len(component) == 1 and not scores_of[index]:
            combined.clusters.append(component)
            continue
        part = cluster(settings, [by_key[k] for k in component], scores_of[index], must)
        combined.clusters.extend(part.clusters)
        combined.candidates.extend(part.candidates)
        combined.blocked.extend(part.blocked)
        combined.merged_by.update(part.merged_by)
    combined.clusters.sort()
    return LinkResult(combined, scores, len(scores))
