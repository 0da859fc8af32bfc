"""Clustering: from scored pairs to groups of records that are one real thing.

The result is a function of the set of records, their scored pairs and the stewards' constraints,
never of the order records arrived in: edges are taken strongest first with a total order, and
every merge is checked against the clusters as they stand. So the hub can re-cluster the
neighbourhood of a changed record at any time and a whole file in one go, with the same result.

A merge of two clusters along a strong edge happens only when

* no cannot-link feature differs between them (two different valid NPIs never share a cluster,
  however the records chain together),
* no steward said "not a match" for any pair across them,
* the merged cluster stays within the size guard, and
* every pair across them is a match, or in the review band with no contrary evidence (see
  :func:`contradicted`): a record that strongly matches two clusters that do not match each
  other does not chain them silently; the two go to a steward as a cluster-to-cluster
  candidate. With the "bridged" chain guard (HR files), a pair below review without contrary
  evidence passes too when the chain through the edge outweighs it (see ``chain_guard`` in
  :class:`matching.settings.MatchSettings`). A cluster a steward merged (must-links), with
  whatever joined it since, counts as one record here: agreeing with one of its records is
  enough.

Pairs in the review band between different clusters become candidates for a steward, and so do
strong pairs that contrary evidence refutes under the "bridged" chain guard (see :func:`verdict`
and ``strong_pair_guard``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from matching.features import MatchRecord
from matching.scoring import PairScore, score_pair
from matching.settings import MatchSettings, PerSettings

Pair = tuple[str, str]


def pair_key(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


class Verdict(StrEnum):
    MATCH = "match"
    REVIEW = "review"
    NON_MATCH = "non_match"
    CANNOT_LINK = "cannot_link"


def is_strong(settings: MatchSettings, score: PairScore) -> bool:
    """Enough to merge on its own: a decisive identifier, or the auto-match weight. A strong
    pair that a cannot-link refuses is worth explaining even though it never merges."""
    return bool(score.decisive) or score.weight >= settings.thresholds.auto_match


def verdict(settings: MatchSettings, score: PairScore) -> Verdict:
    if score.cannot_link:
        return Verdict.CANNOT_LINK
    if is_strong(settings, score):
        if score.decisive or settings.chain_guard != "bridged":
            return Verdict.MATCH
        # Strong on the whole, yet contrary evidence says two people ("bridged" guard only):
        # a father and son at one address share a name, street, number, suburb and phone;
        # a JR against a SR ("single"), or their birth dates and SSNs ("summed", the evidence
        # that keeps a chain apart, see ``contradicted``), tell them apart. A steward decides.
        if settings.strong_pair_guard == "summed":
            refuted = contradicted(settings, score)
        else:
            refuted = _refuted(settings, score)
        return Verdict.REVIEW if refuted else Verdict.MATCH
    if score.weight >= settings.thresholds.review:
        return Verdict.REVIEW
    return Verdict.NON_MATCH


def contradicted(settings: MatchSettings, score: PairScore) -> bool:
    """Whether the pair's contrary evidence reaches ``contradiction_weight``: its strongest
    disagreement ("strict" chain guard) or all its disagreements summed ("bridged"). Only
    comparisons marked ``contradicts`` count: missing data is no evidence, and a change of
    address, phone or job is not contrary evidence about a person."""
    if settings.chain_guard == "bridged":
        against = _against(settings, score)
        return bool(against) and sum(against) <= settings.contradiction_weight
    return _refuted(settings, score)


def _refuted(settings: MatchSettings, score: PairScore) -> bool:
    """Whether one comparison that ``contradicts`` weighs ``contradiction_weight`` or less."""
    against = _against(settings, score)
    return bool(against) and min(against) <= settings.contradiction_weight


def _against(settings: MatchSettings, score: PairScore) -> list[float]:
    """The pair's negative weights on comparisons that ``contradicts``."""
    stable = _contradicting(settings)
    return [c.weight for c in score.comparisons if c.weight < 0 and c.comparison in stable]


# The guard asks for every strong pair several times over (25,000 times in a Febrl 4 load).
_contradicting = PerSettings(
    lambda settings: frozenset(c.name for c in settings.comparisons if c.contradicts)
)


class CandidateReason(StrEnum):
    REVIEW_BAND = "review_band"
    # A pair strong enough to merge that contrary evidence sends to a steward instead (a JR
    # against a SR; another birth date and another SSN; "bridged" chain guard only).
    CONTRARY_EVIDENCE = "contrary_evidence"
    # A strong edge the guards refused: a chain through a third record, or the size guard.
    CHAIN_GUARD = "chain_guard"
    SIZE_GUARD = "size_guard"


@dataclass(frozen=True, slots=True)
class Constraints:
    """What stewards decided: pairs of record keys that must, or must never, share a cluster."""

    must_link: frozenset[Pair] = frozenset()
    cannot_link: frozenset[Pair] = frozenset()

    @classmethod
    def of(cls, must: Iterable[Pair] = (), cannot: Iterable[Pair] = ()) -> Constraints:
        return cls(frozenset(pair_key(*p) for p in must), frozenset(pair_key(*p) for p in cannot))


NO_CONSTRAINTS = Constraints()


@dataclass(frozen=True, slots=True)
class ClusterCandidate:
    """Two clusters a steward should look at, with the strongest pair between them."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    best: PairScore
    reason: CandidateReason


@dataclass(frozen=True, slots=True)
class Blocked:
    """A strong edge refused by a hard rule, kept so the refusal can be explained."""

    pair: PairScore
    rule: str


@dataclass(slots=True)
class Clustering:
    clusters: list[tuple[str, ...]]
    candidates: list[ClusterCandidate] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    # For each record that joined others: the edge that brought its cluster together.
    merged_by: dict[str, PairScore] = field(default_factory=dict)

    def cluster_of(self, key: str) -> tuple[str, ...]:
        for cluster in self.clusters:
            if key in cluster:
                return cluster
        raise KeyError(key)


class _Clusters:
    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}
        self.members: dict[str, set[str]] = {k: {k} for k in self.parent}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        # The smaller key stays the root, so roots do not depend on the order of unions.
        keep, gone = (ra, rb) if ra < rb else (rb, ra)
        self.parent[gone] = keep
        self.members[keep] |= self.members.pop(gone)


def components(keys: Iterable[str], edges: Iterable[Pair]) -> list[tuple[str, ...]]:
    """Connected components, each sorted, listed by their smallest key."""
    found = _Clusters(keys)
    for a, b in edges:
        found.union(a, b)
    return sorted(tuple(sorted(m)) for m in found.members.values())


def cluster(
    settings: MatchSettings,
    records: Sequence[MatchRecord],
    scores: Mapping[Pair, PairScore],
    constraints: Constraints = NO_CONSTRAINTS,
    *,
    score: Callable[[MatchRecord, MatchRecord], PairScore] | None = None,
) -> Clustering:
    """Cluster ``records`` given the scores of their blocked pairs (keyed by :func:`pair_key`).

    Pairs not in ``scores`` are scored on demand when a merge needs them checked.
    """
    by_key = {r.key: r for r in records}
    scorer = score or (lambda a, b: score_pair(settings, a, b))
    cache: dict[Pair, PairScore] = dict(scores)

    def scored(a: str, b: str) -> PairScore:
        key = pair_key(a, b)
        if key not in cache:
            cache[key] = scorer(by_key[key[0]], by_key[key[1]])
        return cache[key]

    found = _Clusters(by_key)
    result = Clustering(clusters=[])
    # Stewards' merges first: they hold whatever the scores say.
    for a, b in sorted(constraints.must_link):
        if a in by_key and b in by_key:
            found.union(a, b)
    # Clusters a steward merged, and what later joins them: one thing by a steward's word.
    stewarded = {found.find(a) for a, b in constraints.must_link if a in by_key and b in by_key}

    def identifiers(root: str, feature: str) -> set[str]:
        return {v for k in found.members[root] for v in by_key[k].values(feature)}

    def bridged(x: str, y: str, weak: PairScore, edge: PairScore) -> bool:
        """Whether the chain x - edge.left - edge.right - y outweighs the weak pair x, y: its
        weakest link's weight plus the pair's own weight still reaches auto-match (a
        "bridged" chain guard only; the pair is not contradicted, which the caller checked)."""
        if settings.chain_guard != "bridged":
            return False
        links = [edge.weight]
        if x != edge.left:
            links.append(scored(x, edge.left).weight)
        if y != edge.right:
            links.append(scored(edge.right, y).weight)
        return min(links) + weak.weight >= settings.thresholds.auto_match

    def refusal(edge: PairScore) -> CandidateReason | str | None:
        ra, rb = found.find(edge.left), found.find(edge.right)
        for feature in settings.cannot_link:
            left, right = identifiers(ra, feature), identifiers(rb, feature)
            if left and right and not left & right:
                return f"cannot_link:{feature}"
        across = [(x, y) for x in found.members[ra] for y in found.members[rb]]
        if any(pair_key(x, y) in constraints.cannot_link for x, y in across):
            return "steward_rejected"
        if len(found.members[ra]) + len(found.members[rb]) > settings.max_cluster_size:
            return CandidateReason.SIZE_GUARD
        # A cluster a steward merged counts as one thing for the guard: a record needs to agree
        # with one of its records, not all (a steward's merge of "Grace Okafor" and her
        # maiden name must not push out a record that matches only the first).
        groups: dict[Pair, list[Pair]] = {}
        for x, y in sorted(across):
            unit = (ra if ra in stewarded else x, rb if rb in stewarded else y)
            groups.setdefault(unit, []).append((x, y))
        for pairs in groups.values():
            first_failure: str | CandidateReason | None = None
            for x, y in pairs:
                pair = scored(x, y)
                v = verdict(settings, pair)
                if v is Verdict.CANNOT_LINK:
                    why: str | CandidateReason | None = "cannot_link:" + ",".join(pair.cannot_link)
                elif v is Verdict.REVIEW and contradicted(settings, pair):
                    why = CandidateReason.CHAIN_GUARD
                elif v is Verdict.NON_MATCH and (
                    contradicted(settings, pair) or not bridged(x, y, pair, edge)
                ):
                    why = CandidateReason.CHAIN_GUARD
                else:
                    why = None
                if why is None:
                    first_failure = None
                    break
                if first_failure is None:
                    first_failure = why
            if first_failure is not None:
                return first_failure
        return None

    ordered = sorted(
        cache.values(), key=lambda s: (not s.decisive, -s.weight, pair_key(s.left, s.right))
    )
    refused_strong: list[tuple[PairScore, CandidateReason]] = []
    for pair in ordered:
        if verdict(settings, pair) is not Verdict.MATCH:
            if pair.cannot_link and is_strong(settings, pair):
                result.blocked.append(Blocked(pair, "cannot_link:" + ",".join(pair.cannot_link)))
            continue
        ra, rb = found.find(pair.left), found.find(pair.right)
        if ra == rb:
            continue
        why = refusal(pair)
        if why is None:
            found.union(ra, rb)
            if ra in stewarded or rb in stewarded:
                stewarded.add(found.find(ra))
            for key in (pair.left, pair.right):
                result.merged_by.setdefault(key, pair)
        elif isinstance(why, CandidateReason):
            refused_strong.append((pair, why))
        else:
            result.blocked.append(Blocked(pair, why))

    result.clusters = sorted(tuple(sorted(m)) for m in found.members.values())
    best: dict[tuple[str, str], tuple[PairScore, CandidateReason]] = {}

    def offer(pair: PairScore, reason: CandidateReason) -> None:
        ra, rb = sorted((found.find(pair.left), found.find(pair.right)))
        if ra == rb:
            return
        across = ((x, y) for x in found.members[ra] for y in found.members[rb])
        if any(pair_key(x, y) in constraints.cannot_link for x, y in across):
            return  # a steward already said these are different
        for feature in settings.cannot_link:
            left, right = identifiers(ra, feature), identifiers(rb, feature)
            if left and right and not left & right:
                return  # a hard rule forbids the merge: nothing for a steward to decide
        current = best.get((ra, rb))
        if current is None or (pair.weight, pair_key(pair.left, pair.right)) > (
            current[0].weight,
            pair_key(current[0].left, current[0].right),
        ):
            best[(ra, rb)] = (pair, reason)

    for pair, reason in refused_strong:
        offer(pair, reason)
    for pair in ordered:
        if verdict(settings, pair) is Verdict.REVIEW:
            contrary = is_strong(settings, pair)
            offer(
                pair,
                CandidateReason.CONTRARY_EVIDENCE if contrary else CandidateReason.REVIEW_BAND,
            )
    for (ra, rb), (pair, reason) in sorted(best.items()):
        result.candidates.append(
            ClusterCandidate(
                tuple(sorted(found.members[ra])), tuple(sorted(found.members[rb])), pair, reason
            )
        )
    return result
