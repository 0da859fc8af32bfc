"""Match records into golden records: incremental (one record against the blocking index) and
whole-domain (re-match everything, e.g. when a rule set is activated).

For a new or changed record the hub

1. derives its match features and blocking keys, and locks those keys (PostgreSQL);
2. finds the records sharing a key in the database's blocking index and scores the record
   against each;
3. gathers its *neighbourhood*: the records tied to it by pairs that reach review or better, by
   stewards' must-links, and by shared golden records, transitively;
4. clusters that neighbourhood with the pure :func:`matching.clustering.cluster`, the same call
   batch linking makes, so the result does not depend on the order records arrived in;
5. applies the clusters to golden records: each cluster keeps the golden record that holds most
   of it (the older one on a tie), records move, emptied golden records are retired into the
   one that took their records (their IDs keep resolving), and candidates go to stewards.

Every decision stores the score, the explanation and the rule-set version.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from matching.blocking import blocking_keys, candidate_pairs, key_texts, rule_keys
from matching.clustering import (
    CandidateReason,
    Clustering,
    Constraints,
    Pair,
    Verdict,
    cluster,
    is_strong,
    verdict,
)
from matching.defaults import default_settings
from matching.features import MatchRecord, match_record
from matching.linking import link
from matching.scoring import PairScore, score_pair, score_pairs
from matching.settings import MatchSettings
from mdm.audit import service as audit
from mdm.crosswalk import service as crosswalk
from mdm.db import bulk
from mdm.domains import DomainSpec, get_domain
from mdm.domains.standardise import invalid_attributes
from mdm.errors import NotFound
from mdm.events import service as events
from mdm.golden import service as golden
from mdm.match import provenance, repository
from mdm.models import (
    STEWARD_REQUEST,
    CandidateKind,
    CandidateStatus,
    DecisionOutcome,
    GoldenMerge,
    GoldenRecord,
    GoldenSplit,
    LinkKind,
    MatchCandidate,
    MatchDecision,
    PairVerdict,
    SourceRecord,
    SourceRecordStatus,
    StewardLink,
)
from mdm.models.base import utcnow

# A neighbourhood larger than this, per record being matched, is cut off (and the decision says
# so): it means a chain of review pairs ties together far more records than one real-world
# thing has. A batch gets this budget for each of its records.
MAX_NEIGHBOURHOOD = 500
MAX_BLOCK = 200

_settings_cache: dict[str, MatchSettings] = {}


# --- rule sets -------------------------------------------------------------------------------


def settings_for(session: Session, domain: str) -> MatchSettings:
    """The domain's active match settings: the active rule set, or the shipped defaults."""
    row = repository.active_rule_set(session, domain)
    if row is None:
        return default_settings(domain)
    # Versions are immutable, so parsed settings can be reused across requests.
    cached = _settings_cache.get(row.version)
    if cached is None:
        cached = MatchSettings.model_validate(row.settings)
        _settings_cache[row.version] = cached
    return cached


# --- records as matching sees them -----------------------------------------------------------


def record_key(record: SourceRecord) -> str:
    """``system code:source key``: unlike row IDs it does not depend on the order records or
    systems arrived in, so ties between equal weights break the same way everywhere."""
    return f"{record.source_system.code}:{record.source_key}"


# Derived features of stored records, keyed by what they are derived from: the settings
# version, the record's key and the hash of its payload (standardisation is deterministic). A
# pure cache: it never decides anything a database read would not decide the same way.
_FEATURE_CACHE: OrderedDict[tuple[str, str, str], MatchRecord] = OrderedDict()
_FEATURE_CACHE_SIZE = 100_000


def to_match_record(settings: MatchSettings, record: SourceRecord) -> MatchRecord:
    key = record_key(record)
    cache_key = (settings.version, key, record.payload_hash)
    if record.payload_hash:
        cached = _FEATURE_CACHE.get(cache_key)
        if cached is not None:
            _FEATURE_CACHE.move_to_end(cache_key)
            return cached
    derived = match_record(
        settings, key, record.attributes or {}, invalid_attributes(record.quality_issues)
    )
    if record.payload_hash:
        _FEATURE_CACHE[cache_key] = derived
        if len(_FEATURE_CACHE) > _FEATURE_CACHE_SIZE:
            _FEATURE_CACHE.popitem(last=False)
    return derived


# --- the outcome of matching one record ------------------------------------------------------


@dataclass(slots=True)
class MatchOutcome:
    golden_id: str
    outcome: DecisionOutcome
    rule_set_version: str
    weight: float | None = None
    candidates: list[int] = field(default_factory=list)
    summary: str = ""


@dataclass(slots=True)
class _Applied:
    targets: dict[str, str]  # record key -> golden ID after matching
    founded: dict[str, GoldenRecord] = field(default_factory=dict)  # new golden records
    moved: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # key -> (old, new)
    candidate_ids: list[int] = field(default_factory=list)
    # Record key -> the candidates that concern its cluster.
    candidates_of: dict[str, list[int]] = field(default_factory=dict)
    # Golden records a merge had absorbed, brought back for records that separated again.
    revived: dict[str, GoldenMerge] = field(default_factory=dict)
    # Golden records emptied and retired into another: absorbed ID -> the merge recorded.
    merges: dict[str, GoldenMerge] = field(default_factory=dict)


def match(
    session: Session,
    *,
    spec: DomainSpec,
    record: SourceRecord,
    actor: str,
    trigger: str,
) -> MatchOutcome:
    """Place one new (not yet added) or changed record; see :func:`match_many`."""
    return match_many(session, spec=spec, records=[record], actor=actor, trigger=trigger)[0]


def match_many(
    session: Session,
    *,
    spec: DomainSpec,
    records: Sequence[SourceRecord],
    actor: str,
    trigger: str,
) -> list[MatchOutcome]:
    """Place new (not yet added) or changed records together, as one batch.

    A new record has ``golden_id`` None and is added to the session here, once its golden record
    is known, so that a record that joins an existing golden record never founds one first.
    The records are blocked against each other in memory and against the hub through the
    blocking index, then clustered with their neighbourhood: the same pairs, and so the same
    golden records, as sending them one by one in any order.
    """
    settings = settings_for(session, spec.name)
    incoming = [to_match_record(settings, r) for r in records]
    batch = {m.key: r for m, r in zip(incoming, records, strict=True)}
    if len(batch) != len(records):
        raise ValueError("match_many needs each source record once; a batch repeated a key")
    batch_ids = {r.id for r in records if r.id is not None}
    keys = {m.key: rule_keys(settings, m) for m in incoming}
    hashes = {
        key: {repository.hash_key(spec.name, text) for text in key_texts(its_keys)}
        for key, its_keys in keys.items()
    }
    repository.lock_keys(session, set().union(*hashes.values()))

    # Each incoming record against the hub's blocking index.
    blocks = repository.block_members(
        session, domain=spec.name, hashes=set().union(*hashes.values()), max_block=MAX_BLOCK
    )
    wanted = {rid for ids in blocks.values() for rid in ids} - batch_ids
    candidates = {r.id: r for r in repository.records(session, wanted) if _matchable(r)}
    candidate_inputs = {rid: to_match_record(settings, r) for rid, r in candidates.items()}
    # Every incoming record against the stored records it shares a block with, and the
    # incoming records against each other, blocked in memory with the same keys: all scored
    # in one pass.
    own_pairs: list[tuple[str, int]] = []
    to_score: list[tuple[MatchRecord, MatchRecord]] = []
    for m in incoming:
        mine = {rid for h in hashes[m.key] for rid in blocks.get(h, ())} & candidates.keys()
        for rid in sorted(mine):
            own_pairs.append((m.key, rid))
            to_score.append(_oriented(m, candidate_inputs[rid]))
    by_input = {m.key: m for m in incoming}
    in_batch = list(candidate_pairs(settings, incoming, max_block=MAX_BLOCK, keys=keys))
    to_score += [(by_input[a], by_input[b]) for a, b in in_batch]
    scored = score_pairs(settings, to_score)
    own_scores: dict[str, dict[int, PairScore]] = {m.key: {} for m in incoming}
    for (key, rid), score in zip(own_pairs, scored, strict=False):
        own_scores[key][rid] = score
    batch_scores = dict(zip(in_batch, scored[len(own_pairs) :], strict=True))

    seeds = {
        rid
        for scores in own_scores.values()
        for rid, s in scores.items()
        if verdict(settings, s) in (Verdict.MATCH, Verdict.REVIEW)
    }
    old_goldens = {r.golden_id for r in records if r.golden_id is not None}
    seeds |= {m.id for m in repository.matchable_members(session, old_goldens)}
    seeds |= {
        other
        for link_row in repository.steward_links_touching(session, batch_ids)
        if link_row.kind is LinkKind.MUST_LINK
        for other in (link_row.record_a_id, link_row.record_b_id)
    }
    seeds -= batch_ids
    hood, truncated = _neighbourhood(
        session,
        seeds,
        exclude=batch_ids,
        limit=MAX_NEIGHBOURHOOD * len(records),
        known=candidates,
    )

    stored = {r.id: r for r in _records(session, hood, candidates) if _matchable(r)}
    by_key: dict[str, SourceRecord] = {record_key(r): r for r in stored.values()}
    inputs = {record_key(r): to_match_record(settings, r) for r in stored.values()}
    key_of = {rid: record_key(r) for rid, r in stored.items()}
    stored_pairs: list[Pair] = []
    for pair in repository.pairs_among(session, stored.keys()):
        if pair.record_a_id in batch_ids or pair.record_b_id in batch_ids:
            continue
        left, right = sorted((key_of[pair.record_a_id], key_of[pair.record_b_id]))
        stored_pairs.append((left, right))
    rescored = score_pairs(settings, [(inputs[a], inputs[b]) for a, b in stored_pairs])
    scores: dict[Pair, PairScore] = dict(zip(stored_pairs, rescored, strict=True))
    for own in own_scores.values():
        for rid, score in own.items():
            if rid in stored:
                scores[(score.left, score.right)] = score
    scores.update(batch_scores)
    constraints = steward_constraints(
        session,
        [*stored.values(), *records],
        key_of | {r.id: m.key for m, r in zip(incoming, records, strict=True) if r.id},
    )
    clustering = cluster(settings, [*inputs.values(), *incoming], scores, constraints)

    old = {key: r.golden_id for key, r in batch.items()}
    by_key.update(batch)
    applied = _apply(
        session,
        spec=spec,
        settings=settings,
        clustering=clustering,
        records=by_key,
        incoming=set(batch),
        actor=actor,
        trigger=trigger,
    )
    forms = _Shown()
    # New records have no stored pairs or keys yet: nothing to delete first.
    for m, record in zip(incoming, records, strict=True):
        is_new = old[m.key] is None
        _store_pairs(
            session, settings, record, candidates, own_scores[m.key], is_new=is_new, shown=forms
        )
    repository.replace_blocking_keys_of(
        session,
        domain=spec.name,
        keys={record.id: hashes[m.key] for m, record in zip(incoming, records, strict=True)},
        changed=[record.id for m, record in zip(incoming, records, strict=True) if old[m.key]],
    )
    repository.add_pairs(
        session,
        [
            row
            for (a, b), score in sorted(batch_scores.items())
            if (row := _pair_row(settings, batch[a], batch[b], score, forms)) is not None
        ],
    )

    outcomes: list[MatchOutcome] = []
    explainer = _Explainer(clustering, applied, len(stored), truncated, forms)
    for m, record in zip(incoming, records, strict=True):
        target = applied.targets[m.key]
        if old[m.key] is None:
            outcome = (
                DecisionOutcome.FOUNDED if target in applied.founded else DecisionOutcome.JOINED
            )
        else:
            outcome = DecisionOutcome.STAYED if target == old[m.key] else DecisionOutcome.MOVED
        merged_by = clustering.merged_by.get(m.key)
        explanation = explainer.of(m.key)
        # Pairs a hard rule refused outright never enter the neighbourhood; say so all the same.
        shown = {tuple(r["pair"]) for r in explanation["refused"]}
        for score in sorted(own_scores[m.key].values(), key=lambda x: (x.left, x.right)):
            if (
                score.cannot_link
                and is_strong(settings, score)
                and (score.left, score.right) not in shown
            ):
                explanation["refused"].append(
                    {
                        "rule": "cannot_link:" + ",".join(score.cannot_link),
                        "pair": [score.left, score.right],
                        "summary": score.describe(),
                    }
                )
        _decide(
            session,
            spec=spec,
            settings=settings,
            record=record,
            golden_id=target,
            outcome=outcome,
            merged_by=merged_by,
            explanation=explanation,
            actor=actor,
            trigger=trigger,
        )
        outcomes.append(
            MatchOutcome(
                golden_id=target,
                outcome=outcome,
                rule_set_version=settings.version,
                weight=merged_by.weight if merged_by else None,
                candidates=applied.candidates_of.get(m.key, []),
                summary=_summary(forms, merged_by, applied.candidates_of.get(m.key, [])),
            )
        )
    _decide_moved(
        session,
        spec=spec,
        settings=settings,
        clustering=clustering,
        applied=applied,
        records=by_key,
        explainer=explainer,
        actor=actor,
        trigger=f"re-clustered after {trigger}",
        skip=set(batch),
    )
    return outcomes


def forget(
    session: Session, *, spec: DomainSpec, record: SourceRecord, actor: str, trigger: str
) -> None:
    """A deleted record leaves matching; the rest of its golden record is re-clustered."""
    repository.delete_pairs_of(session, record.id)
    repository.delete_blocking_keys_of(session, record.id)
    others = [
        m for m in repository.matchable_members(session, [record.golden_id]) if m.id != record.id
    ]
    _keep_steward_links(session, record=record, others=others, actor=actor, trigger=trigger)
    if others:
        recluster(session, spec=spec, records=others, actor=actor, trigger=trigger)
    # Whatever still proposes the deleted record, or a golden record left with nothing to
    # match, is stale: re-clustering re-proposed what still stands without it.
    stale = list(repository.open_candidates_of_record(session, record.id))
    if not others:
        stale += repository.open_candidates_touching(session, [record.golden_id])
    now = utcnow()
    for row in stale:
        row.status = CandidateStatus.SUPERSEDED
        row.updated_at = now


def _keep_steward_links(
    session: Session,
    *,
    record: SourceRecord,
    others: Sequence[SourceRecord],
    actor: str,
    trigger: str,
) -> None:
    """A deleted record leaves matching, but a steward's merge through it must hold.

    Its must-links are handed to the lowest-ID record still in its golden record, so what a
    steward joined stays joined without it.
    """
    if not others:
        return
    heir = min(others, key=lambda r: r.id)
    partners = [
        link_row.record_b_id if link_row.record_a_id == record.id else link_row.record_a_id
        for link_row in repository.steward_links_touching(session, [record.id])
        if link_row.kind is LinkKind.MUST_LINK
    ]
    for partner in repository.records(session, sorted(set(partners) - {heir.id})):
        low, high = sorted((heir.id, partner.id))
        existing = repository.steward_link(session, low, high)
        if partner.status is SourceRecordStatus.DELETED or existing is not None:
            # A steward's own word on that pair (either way) stands.
            continue
        remember_link(
            session,
            record_a=heir,
            record_b=partner,
            kind=LinkKind.MUST_LINK,
            actor=actor,
            reason=f"kept a steward's merge after {trigger}",
        )


def recluster(
    session: Session,
    *,
    spec: DomainSpec,
    records: Sequence[SourceRecord],
    actor: str,
    trigger: str,
    split: GoldenSplit | None = None,
    leaving: Collection[SourceRecord] = (),
) -> _Applied:
    """Re-cluster the neighbourhood of ``records`` from the stored pairs.

    ``split`` is a steward's split being carried out: merges it undoes are recorded on it, and
    the records it takes out (``leaving``) leave the golden record to those that stay.
    """
    settings = settings_for(session, spec.name)
    hood, truncated = _neighbourhood(
        session,
        {r.id for r in records},
        exclude=set(),
        limit=MAX_NEIGHBOURHOOD * max(1, len(records)),
    )
    stored = {r.id: r for r in repository.records(session, hood) if _matchable(r)}
    inputs = {record_key(r): to_match_record(settings, r) for r in stored.values()}
    key_of = {rid: record_key(r) for rid, r in stored.items()}
    scores: dict[Pair, PairScore] = {}
    for pair in repository.pairs_among(session, stored.keys()):
        left, right = sorted((key_of[pair.record_a_id], key_of[pair.record_b_id]))
        scores[(left, right)] = score_pair(settings, inputs[left], inputs[right])
    constraints = steward_constraints(session, list(stored.values()), key_of)
    clustering = cluster(settings, list(inputs.values()), scores, constraints)
    by_key = {record_key(r): r for r in stored.values()}
    applied = _apply(
        session,
        spec=spec,
        settings=settings,
        clustering=clustering,
        records=by_key,
        incoming=set(),
        actor=actor,
        trigger=trigger,
        split=split,
        leaving=frozenset(record_key(r) for r in leaving),
    )
    _decide_moved(
        session,
        spec=spec,
        settings=settings,
        clustering=clustering,
        applied=applied,
        records=by_key,
        explainer=_Explainer(clustering, applied, len(stored), truncated),
        actor=actor,
        trigger=f"re-clustered after {trigger}",
    )
    return applied


@dataclass(slots=True)
class DomainRematch:
    records: int
    compared_pairs: int
    clusters: int
    moved: int
    founded: int
    candidates: int


def rematch_domain(session: Session, *, domain: str, actor: str, trigger: str) -> DomainRematch:
    """Re-match a whole domain in one batch, as after activating a rule set.

    Rebuilds the blocking index and the stored pairs, links every record in memory with
    :func:`matching.linking.link` and applies the clusters as the incremental path does.
    """
    with bulk.work(session):
        return _rematch_domain(session, domain=domain, actor=actor, trigger=trigger)


def _rematch_domain(session: Session, *, domain: str, actor: str, trigger: str) -> DomainRematch:
    spec = get_domain(domain)
    settings = settings_for(session, domain)
    records = list(repository.matchable_records_of_domain(session, domain))
    inputs = [to_match_record(settings, r) for r in records]
    by_key = {record_key(r): r for r in records}
    constraints = steward_constraints(session, records, {r.id: record_key(r) for r in records})
    result = link(settings, inputs, constraints)
    repository.delete_pairs_of_domain(session, domain)
    rows: list[dict[str, Any]] = []
    for (a, b), score in result.scores.items():
        stored = _pair_row(settings, by_key[a], by_key[b], score)
        if stored is not None:
            rows.append(stored)
    repository.add_pairs(session, rows)
    repository.replace_blocking_keys_of(
        session,
        domain=domain,
        keys={
            record.id: {repository.hash_key(domain, k) for k in blocking_keys(settings, m)}
            for record, m in zip(records, inputs, strict=True)
        },
        changed=[record.id for record in records],
    )
    applied = _apply(
        session,
        spec=spec,
        settings=settings,
        clustering=result.clustering,
        records=by_key,
        incoming=set(),
        actor=actor,
        trigger=trigger,
    )
    _decide_moved(
        session,
        spec=spec,
        settings=settings,
        clustering=result.clustering,
        applied=applied,
        records=by_key,
        explainer=_Explainer(result.clustering, applied, len(records), truncated=False),
        actor=actor,
        trigger=trigger,
    )
    return DomainRematch(
        records=len(records),
        compared_pairs=result.compared_pairs,
        clusters=len(result.clustering.clusters),
        moved=len(applied.moved),
        founded=len(applied.founded),
        candidates=len(applied.candidate_ids),
    )


# --- stewards' constraints -------------------------------------------------------------------


def remember_link(
    session: Session,
    *,
    record_a: SourceRecord,
    record_b: SourceRecord,
    kind: LinkKind,
    actor: str,
    reason: str,
) -> StewardLink:
    """Record that two source records are (must_link) or are never (cannot_link) the same."""
    low, high = sorted((record_a.id, record_b.id))
    reason = reason[:500]
    existing = repository.steward_link(session, low, high)
    if existing is not None:
        existing.kind = kind
        existing.actor = actor
        existing.reason = reason
        existing.created_at = utcnow()
        link_row = existing
    else:
        link_row = StewardLink(
            domain=record_a.domain,
            record_a_id=low,
            record_b_id=high,
            kind=kind,
            actor=actor,
            reason=reason,
            created_at=utcnow(),
        )
        repository.add_steward_link(session, link_row)
    audit.record(
        session,
        actor=actor,
        action=f"steward.{kind.value}",
        entity_type="source_record_pair",
        entity_id=f"{low}:{high}",
        detail={"reason": reason},
    )
    return link_row


def decisions_for(
    session: Session, *, source_code: str, domain: str, source_key: str
) -> Sequence[MatchDecision]:
    get_domain(domain)
    record = source_record(session, source_code=source_code, domain=domain, source_key=source_key)
    return repository.decisions_of(session, record.id)


def candidate(session: Session, candidate_id: int) -> MatchCandidate:
    row = repository.candidate(session, candidate_id)
    if row is None:
        raise NotFound(f"match candidate #{candidate_id} does not exist", code="unknown_candidate")
    return row


def active_settings(session: Session, domain: str) -> MatchSettings:
    get_domain(domain)
    return settings_for(session, domain)


def candidates_page(
    session: Session,
    *,
    domain: str | None,
    status: CandidateStatus | None,
    after_id: int | None,
    limit: int,
) -> Sequence[MatchCandidate]:
    if domain:
        get_domain(domain)
    return repository.candidates_page(
        session, domain=domain, status=status, after_id=after_id, limit=limit
    )


def candidate_counts(session: Session) -> dict[str, dict[str, int]]:
    return repository.candidate_counts(session)


# --- internals -------------------------------------------------------------------------------


def _matchable(record: SourceRecord) -> bool:
    return record.status is not SourceRecordStatus.DELETED


def _oriented(x: MatchRecord, y: MatchRecord) -> tuple[MatchRecord, MatchRecord]:
    """Scores are symmetric; a pair is taken with ``left`` the smaller key, as batch linking
    takes it, so its explanation reads the same whichever record arrived first."""
    return (x, y) if x.key <= y.key else (y, x)


def _score(settings: MatchSettings, x: MatchRecord, y: MatchRecord) -> PairScore:
    return score_pair(settings, *_oriented(x, y))


def _records(
    session: Session, record_ids: Collection[int], known: Mapping[int, SourceRecord]
) -> list[SourceRecord]:
    """:func:`repository.records`, with those already read in this transaction taken from
    ``known``: a query would hand back the very same objects (the session's identity map), and
    a file's chunk would otherwise query its thousands of candidates by ID twice more (for the
    neighbourhood, then for the clustering)."""
    missing = [i for i in record_ids if i not in known]
    found = [known[i] for i in record_ids if i in known] + repository.records(session, missing)
    return sorted(found, key=lambda r: r.id)


def _neighbourhood(
    session: Session,
    seeds: set[int],
    *,
    exclude: set[int],
    limit: int,
    known: Mapping[int, SourceRecord] | None = None,
) -> tuple[set[int], bool]:
    """Records tied to the seeds by review-or-better pairs, must-links and shared goldens
    (``known``: records already read, see :func:`_records`)."""
    seen: set[int] = set(seeds)
    frontier = set(seeds)
    truncated = False
    while frontier:
        found: set[int] = set()
        for pair in repository.linked_pairs(session, frontier):
            found |= {pair.record_a_id, pair.record_b_id}
        for link_row in repository.steward_links_touching(session, frontier):
            if link_row.kind is LinkKind.MUST_LINK:
                found |= {link_row.record_a_id, link_row.record_b_id}
        goldens = {r.golden_id for r in _records(session, frontier, known or {})}
        found |= {m.id for m in repository.matchable_members(session, goldens)}
        found -= exclude
        frontier = found - seen
        if len(seen) + len(frontier) > limit:
            frontier = set(sorted(frontier)[: max(limit - len(seen), 0)])
            truncated = True
        seen |= frontier
        if truncated:
            break
    return seen, truncated


def steward_constraints(
    session: Session, records: Iterable[SourceRecord], key_of: Mapping[int, str]
) -> Constraints:
    ids = [r.id for r in records if r.id is not None]
    must: list[Pair] = []
    cannot: list[Pair] = []
    for link_row in repository.steward_links_touching(session, ids):
        a, b = key_of.get(link_row.record_a_id), key_of.get(link_row.record_b_id)
        if a is None or b is None:
            continue
        (must if link_row.kind is LinkKind.MUST_LINK else cannot).append((a, b))
    return Constraints.of(must, cannot)


class _Shown:
    """Each pair score's stored form (:meth:`PairScore.as_dict`), made once: a batch stores a
    pair that merged a record with the pair and again with the decision it explains (5,000
    times on Febrl 4's second file). The stored rows share the dict; nothing changes it."""

    def __init__(self) -> None:
        # By identity; the score is kept with its form, so its id is not reused meanwhile.
        self._forms: dict[int, tuple[PairScore, dict[str, Any]]] = {}

    def __call__(self, score: PairScore) -> dict[str, Any]:
        held = self._forms.get(id(score))
        if held is None:
            held = self._forms[id(score)] = (score, score.as_dict())
        return held[1]


def _pair_row(
    settings: MatchSettings,
    a: SourceRecord,
    b: SourceRecord,
    score: PairScore,
    shown: Callable[[PairScore], dict[str, Any]] = PairScore.as_dict,
) -> dict[str, Any] | None:
    v = verdict(settings, score)
    if v is Verdict.NON_MATCH or (v is Verdict.CANNOT_LINK and not is_strong(settings, score)):
        return None
    low, high = (a, b) if a.id < b.id else (b, a)
    return {
        "domain": a.domain,
        "record_a_id": low.id,
        "record_b_id": high.id,
        "verdict": PairVerdict(v.value),
        "weight": score.weight,
        "explanation": shown(score),
        "rule_set_version": settings.version,
        "scored_at": utcnow(),
    }


def _store_pairs(
    session: Session,
    settings: MatchSettings,
    record: SourceRecord,
    candidates: Mapping[int, SourceRecord],
    scores: Mapping[int, PairScore],
    *,
    is_new: bool,
    shown: Callable[[PairScore], dict[str, Any]] = PairScore.as_dict,
) -> None:
    if not is_new:
        repository.delete_pairs_of(session, record.id)
    rows = [
        row
        for rid, score in sorted(scores.items())
        if (row := _pair_row(settings, record, candidates[rid], score, shown)) is not None
    ]
    repository.add_pairs(session, rows)


def _apply(
    session: Session,
    *,
    spec: DomainSpec,
    settings: MatchSettings,
    clustering: Clustering,
    records: Mapping[str, SourceRecord],
    incoming: set[str],
    actor: str,
    trigger: str,
    split: GoldenSplit | None = None,
    leaving: frozenset[str] = frozenset(),
) -> _Applied:
    current: dict[str, str | None] = {k: r.golden_id for k, r in records.items()}
    known = {g for g in current.values() if g is not None}
    # Records count for their home golden record (see mdm.match.provenance): the one a merge
    # brought them from, so separated records get their own golden record back. Only when
    # golden records split or meet can that change anything: the usual record joining one
    # golden record, or founding its own, reads no merge history.
    golden_clusters = Counter(
        g for members in clustering.clusters for g in {current[k] for k in members} if g
    )
    meeting = any(
        len({current[k] for k in members} - {None}) > 1 for members in clustering.clusters
    )
    if meeting or any(n > 1 for n in golden_clusters.values()):
        tree = provenance.load(session, known)
    else:
        tree = provenance.Provenance()
    home: dict[str, str | None] = {
        k: tree.home(records[k].id, g) if g is not None else None for k, g in current.items()
    }
    anchored = {k for k in records if tree.anchored(records[k].id, current[k])}
    votes: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for members in clustering.clusters:
        for k in members:
            if (h := home[k]) is not None:
                tally = votes.setdefault((h, members), [0, 0])
                tally[0 if k in anchored else 1] += 1
    age = repository.golden_created(session, known | {h for h, _ in votes})
    # Where each golden record's own records went most (those a merge recorded as its own
    # first, then, away from records a steward split out, those that joined it since): an
    # absorbed golden record may take only that cluster, and not one its survivor goes for too
    # (the merge then stands).
    clusters_of: dict[str, list[tuple[str, ...]]] = {}
    for g, m in votes:
        clusters_of.setdefault(g, []).append(m)
    best = {
        h: min(
            clusters_of[h],
            key=lambda m: (
                -votes[(h, m)][0],
                bool(leaving.intersection(m)),
                -votes[(h, m)][1],
                bool(incoming.intersection(m)),
                m,
            ),
        )
        for h in clusters_of
    }
    # Each golden record goes first for the cluster where most of its own records went (by the
    # rule above); golden records wanting one cluster, the one holding most of it wins, then
    # the one without records a steward split out, then the one whose records did not change,
    # then the older. A golden record that lost may still take another cluster of its records;
    # clusters that get none found a new one.
    shares = sorted(
        (
            best[g] != members,
            -(anchors + others),
            bool(leaving.intersection(members)),
            bool(incoming.intersection(members)),
            age[g],
            g,
            members,
        )
        for (g, members), (anchors, others) in votes.items()
        if g not in tree.merges
        or (best[g] == members and not any(best.get(a) == members for a in tree.ancestors(g)))
    )
    chosen: dict[tuple[str, ...], str | None] = dict.fromkeys(clustering.clusters)
    claimed: set[str] = set()
    for *_, g, members in shares:
        if g not in claimed and chosen[members] is None:
            chosen[members] = g
            claimed.add(g)
    applied = _Applied(targets={})
    applied.revived = {g: tree.merges[g] for g in claimed if g in tree.merges}
    arriving = {key for key in incoming if records[key].id is None}
    # A golden record founded by new records alone is written once, built: nothing stored
    # refers to it before they do. One that takes stored records, or any where merge history
    # is rearranged, goes in empty first, as the statements moving them need it to exist.
    built_first = {
        members
        for members, target in chosen.items()
        if target is None and not tree.merges and arriving.issuperset(members)
    }
    built: list[GoldenRecord] = []
    for members, target in chosen.items():
        if target is None:
            founded = golden.found(session, spec=spec, add=members not in built_first)
            if members in built_first:
                built.append(founded)
            target = founded.id
            applied.founded[target] = founded
            chosen[members] = target
        for key in members:
            applied.targets[key] = target
            if current[key] != target:
                applied.moved[key] = (current[key], target)
    gained: dict[str, list[str]] = defaultdict(list)
    lost: dict[str, Counter[str]] = defaultdict(Counter)
    for key, (old, new) in applied.moved.items():
        records[key].golden_id = new
        gained[new].append(key)
        if old is not None:
            lost[old][new] += 1
    # A new record enters the session only now that its golden record exists; with its ID
    # taken first, so that golden records built first name it in their lineage.
    entering = sorted(arriving)
    for key, record_id in zip(
        entering, repository.new_record_ids(session, len(entering)), strict=True
    ):
        records[key].id = record_id
    later = {key for members in built_first for key in members}
    bulk.insert_new(session, [records[key] for key in entering if key not in later])
    session.flush()
    if tree.merges:
        _rearrange(
            session,
            settings=settings,
            tree=tree,
            best=best,
            records=records,
            applied=applied,
            actor=actor,
            trigger=trigger,
            split=split,
        )
    # Refreshing writes versions and audit rows that no later query here reads: let them
    # accumulate and go to the database in one flush instead of one per golden record.
    with session.no_autoflush:
        _refresh_touched(
            session,
            settings=settings,
            lost=lost,
            gained=gained,
            records=records,
            applied=applied,
            actor=actor,
            trigger=trigger,
        )
    # Built: each goes in once, before the records naming it.
    bulk.insert_new(session, built)
    bulk.insert_new(session, [records[key] for key in entering if key in later])
    session.flush()
    if not clustering.candidates and not known:
        # A new record alone in its neighbourhood: nothing to propose, nothing stale to retire.
        return applied
    applied.candidate_ids, applied.candidates_of = _propose(
        session,
        spec=spec,
        settings=settings,
        clustering=clustering,
        targets=applied.targets,
        records=records,
        touched=set(known) | set(applied.targets.values()),
    )
    return applied


def _rearrange(
    session: Session,
    *,
    settings: MatchSettings,
    tree: provenance.Provenance,
    best: Mapping[str, tuple[str, ...]],
    records: Mapping[str, SourceRecord],
    applied: _Applied,
    actor: str,
    trigger: str,
    split: GoldenSplit | None,
) -> None:
    """Make the merge trees agree with where records went: revive, re-attach, move keys, pins."""
    for merge in applied.revived.values():
        golden.revive(session, merge=merge, actor=actor, reason=trigger)
    _record_unmerges(
        session,
        settings=settings,
        records=records,
        applied=applied,
        actor=actor,
        trigger=trigger,
        split=split,
    )
    live = set(applied.targets.values())

    def lands(golden_id: str) -> str | None:
        """The live golden record a tree member ends in: itself, or where its records went."""
        if golden_id in live:
            return golden_id
        cluster = best.get(golden_id)
        return applied.targets[cluster[0]] if cluster else None

    for absorbed, merge in sorted(tree.merges.items()):
        if absorbed in applied.revived:
            continue
        now = lands(absorbed)
        # The merge stands while the survivor's records and the absorbed one's stay together
        # (through whatever the survivor was merged into); otherwise it follows its records.
        if now is None or now == lands(merge.survivor_id):
            continue
        golden.reattach(session, merge=merge, survivor_id=now, actor=actor, reason=trigger)
    keys: dict[str, list[int]] = defaultdict(list)
    for key_id, key_home in tree.key_home.items():
        if (target := lands(key_home)) is not None:
            keys[target].append(key_id)
    for target, key_ids in sorted(keys.items()):
        crosswalk.restore_downstream_keys(
            session, key_ids=sorted(key_ids), to_golden=target, actor=actor
        )
    golden.carry_pins(session, roots={tree.root(g) for g in tree.merges} | live)


def _record_unmerges(
    session: Session,
    *,
    settings: MatchSettings,
    records: Mapping[str, SourceRecord],
    applied: _Applied,
    actor: str,
    trigger: str,
    split: GoldenSplit | None,
) -> None:
    """Mark the merges a revival undid, by the steward's split or by a split of the hub's own."""
    gained: dict[str, list[str]] = defaultdict(list)
    for key, (_, new) in applied.moved.items():
        gained[new].append(key)
    for revived, merge in sorted(applied.revived.items()):
        if split is not None:
            split.undid_merge_ids = [*split.undid_merge_ids, merge.id]
            merge.undone_by_split_id = split.id
            continue
        # A split the hub made on its own (re-clustering) is recorded like a steward's, so
        # every merge that was undone says by what.
        moved_in = gained.get(revived, [])
        origin = Counter(applied.moved[k][0] for k in moved_in).most_common(1)
        auto = GoldenSplit(
            domain=merge.domain,
            golden_id=origin[0][0] if origin and origin[0][0] else merge.survivor_id,
            record_ids=sorted(rid for k in moved_in if (rid := records[k].id) is not None),
            result_golden_ids=[revived],
            undid_merge_ids=[merge.id],
            actor=actor,
            reason=f"re-clustered after {trigger}"[:500],
            rule_set_version=settings.version,
            created_at=utcnow(),
        )
        repository.add_split(session, auto)
        merge.undone_by_split_id = auto.id
        events.golden_split(
            session,
            split=auto,
            record_keys=[
                (records[k].source_system_id, records[k].source_key) for k in sorted(moved_in)
            ],
            went_to=[revived],
            actor=actor,
        )


def _refresh_touched(
    session: Session,
    *,
    settings: MatchSettings,
    lost: Mapping[str, Counter[str]],
    gained: Mapping[str, list[str]],
    records: Mapping[str, SourceRecord],
    applied: _Applied,
    actor: str,
    trigger: str,
) -> None:
    """Retire golden records left empty; write new versions of the others that changed."""
    for old, went_to in sorted(lost.items()):
        if repository.member_count(session, old) == 0:
            survivor = sorted(went_to.items(), key=lambda item: (-item[1], item[0]))[0][0]
            left = [
                records[k].id
                for k, (was, _) in applied.moved.items()
                if was == old and records[k].id is not None
            ]
            merge = golden.retire_into(
                session,
                golden_id=old,
                survivor_id=survivor,
                record_ids=left,
                actor=actor,
                reason=f"its records joined {survivor} ({trigger})",
                match_version=settings.version,
            )
            merge.downstream_key_ids = crosswalk.move_downstream_keys(
                session, from_golden=old, to_golden=survivor, actor=actor
            )
            applied.merges[old] = merge
        elif old not in gained:
            # One that also gained records is rebuilt once, below: rebuilding it twice would
            # read it again under its lock and lose the first, unflushed version.
            golden.refresh(
                session,
                golden_id=old,
                reason="source record left",
                actor=actor,
                detail=f"re-clustered after {trigger}",
                membership_changed=True,
                match_version=settings.version,
            )
    golden.refresh_many(
        session,
        [
            golden.Refresh(
                target,
                events.RESTORED_BY_SPLIT if target in applied.revived else "source record joined",
                f"{trigger}: " + ", ".join(sorted(keys)[:10]),
            )
            for target, keys in sorted(gained.items())
        ],
        actor=actor,
        membership_changed=True,
        match_version=settings.version,
        founded={
            g: (record, [records[k] for k in gained[g]])
            for g, record in applied.founded.items()
            if g in gained
        },
    )


def _propose(
    session: Session,
    *,
    spec: DomainSpec,
    settings: MatchSettings,
    clustering: Clustering,
    targets: Mapping[str, str],
    records: Mapping[str, SourceRecord],
    touched: set[str],
) -> tuple[list[int], dict[str, list[int]]]:
    """Open (or refresh) candidates for the clustering's proposals; supersede stale ones.

    Returns the candidates' IDs, and for each record key the IDs of those that concern it.
    """
    now = utcnow()
    existing = {
        (c.left_golden_id, c.right_golden_id): c
        for c in repository.open_candidates_touching(session, touched, domain=spec.name)
        if c.reason != STEWARD_REQUEST
    }
    kept: set[int] = set()
    ids: list[int] = []
    of_key: dict[str, list[int]] = {}
    feeds_of: dict[tuple[str, str], int] = {}
    domain_weight = repository.queue_weight(session, spec.name)
    for proposal in clustering.candidates:
        left_g, right_g = targets[proposal.left[0]], targets[proposal.right[0]]
        if left_g == right_g:
            continue
        best = proposal.best
        a, b = records[best.left], records[best.right]
        if targets[best.left] != left_g:
            a, b = b, a
        if left_g > right_g:
            left_g, right_g, a, b = right_g, left_g, b, a
        # A lone record in the review band, or strong but contradicted, asks "does this record
        # belong there?"; a strong link the chain or size guard refused asks whether two
        # established golden records are one.
        kind = (
            CandidateKind.RECORD_TO_GOLDEN
            if proposal.reason in (CandidateReason.REVIEW_BAND, CandidateReason.CONTRARY_EVIDENCE)
            and min(len(proposal.left), len(proposal.right)) == 1
            else CandidateKind.GOLDEN_TO_GOLDEN
        )
        row = existing.get((left_g, right_g))
        gap = settings.thresholds.auto_match - best.weight
        feeds = feeds_of.setdefault(
            (left_g, right_g), repository.downstream_system_count(session, [left_g, right_g])
        )
        base = _base_priority(settings, gap, feeds, domain_weight)
        created = row.created_at if row is not None else now
        values: dict[str, Any] = {
            "base_priority": base,
            "priority_key": base - created.timestamp() / 86400,
            "downstream_systems": feeds,
            "kind": kind,
            "left_record_id": a.id,
            "right_record_id": b.id,
            "reason": proposal.reason.value,
            "weight": best.weight,
            "probability": best.probability,
            "threshold_gap": gap,
            "explanation": best.as_dict(),
            "rule_set_version": settings.version,
            "updated_at": now,
        }
        if row is None:
            row = MatchCandidate(
                domain=spec.name,
                status=CandidateStatus.OPEN,
                left_golden_id=left_g,
                right_golden_id=right_g,
                created_at=now,
                **values,
            )
            repository.add_candidate(session, row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        kept.add(row.id)
        ids.append(row.id)
        for key in (*proposal.left, *proposal.right):
            of_key.setdefault(key, []).append(row.id)
    for row in existing.values():
        if row.id not in kept:
            row.status = CandidateStatus.SUPERSEDED
            row.updated_at = now
    session.flush()
    return ids, of_key


def _base_priority(settings: MatchSettings, gap: float, feeds: int, domain_weight: float) -> float:
    """A candidate's priority before age: how close it is to deciding itself (100 at the
    auto-match threshold or above it, 0 at the bottom of the review band), ten points per
    downstream system its golden records feed, and the domain's weight."""
    band = max(settings.thresholds.auto_match - settings.thresholds.review, 1e-9)
    closeness = 100.0 * (1.0 - min(max(gap, 0.0), band) / band)
    return round(closeness + 10.0 * feeds + domain_weight, 3)


class _Explainer:
    """Each record's explanation of one clustering. Candidates and refusals are indexed by
    record on the first explanation asked for (a batch asks for thousands of the same
    clustering; a re-clustering that moved nothing asks for none)."""

    def __init__(
        self,
        clustering: Clustering,
        applied: _Applied,
        hood: int,
        truncated: bool,
        shown: Callable[[PairScore], dict[str, Any]] = PairScore.as_dict,
    ) -> None:
        self.clustering = clustering
        self.applied = applied
        self.hood = hood
        self.truncated = truncated
        self.shown = shown

    @cached_property
    def _size(self) -> dict[str, int]:
        return {key: len(members) for members in self.clustering.clusters for key in members}

    @cached_property
    def _candidates(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in self.clustering.candidates:
            shown = {
                "reason": c.reason.value,
                "weight": round(c.best.weight, 3),
                "pair": [c.best.left, c.best.right],
                "summary": c.best.describe(),
            }
            for key in dict.fromkeys((*c.left, *c.right)):
                out[key].append(shown)
        return out

    @cached_property
    def _refused(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for b in self.clustering.blocked:
            shown = {
                "rule": b.rule,
                "pair": [b.pair.left, b.pair.right],
                "summary": b.pair.describe(),
            }
            for key in dict.fromkeys((b.pair.left, b.pair.right)):
                out[key].append(shown)
        return out

    def of(self, key: str) -> dict[str, Any]:
        merged_by = self.clustering.merged_by.get(key)
        return {
            "merged_by": self.shown(merged_by) if merged_by else None,
            "cluster_size": self._size[key],
            "neighbourhood": self.hood,
            "neighbourhood_truncated": self.truncated,
            # Copies: the caller may add to a record's own list.
            "candidates": [dict(c) for c in self._candidates.get(key, ())],
            "refused": [dict(r) for r in self._refused.get(key, ())],
            "candidate_ids": self.applied.candidates_of.get(key, []),
        }


def _summary(
    forms: Callable[[PairScore], dict[str, Any]],
    merged_by: PairScore | None,
    candidates: Sequence[int],
) -> str:
    """One line on the decision: the score that joined the record, or why nothing did."""
    if merged_by is not None:
        return str(forms(merged_by)["summary"])
    if candidates:
        # A pair in the review band, or a strong one with contrary evidence against it:
        # "no golden record matched" would hide that one nearly or strongly did.
        listed = ", ".join(str(c) for c in candidates)
        return f"no automatic match: left to a steward (match candidate {listed})"
    return "no golden record matched"


def _decide_moved(
    session: Session,
    *,
    spec: DomainSpec,
    settings: MatchSettings,
    clustering: Clustering,
    applied: _Applied,
    records: Mapping[str, SourceRecord],
    explainer: _Explainer,
    actor: str,
    trigger: str,
    skip: set[str] | None = None,
) -> None:
    """A decision for every record re-clustering moved (other than ``skip``): why it moved."""
    for key, (_, new) in sorted(applied.moved.items()):
        if skip and key in skip:
            continue
        _decide(
            session,
            spec=spec,
            settings=settings,
            record=records[key],
            golden_id=new,
            outcome=DecisionOutcome.MOVED,
            merged_by=clustering.merged_by.get(key),
            explanation=explainer.of(key),
            actor=actor,
            trigger=trigger,
        )


def _decide(
    session: Session,
    *,
    spec: DomainSpec,
    settings: MatchSettings,
    record: SourceRecord,
    golden_id: str,
    outcome: DecisionOutcome,
    merged_by: PairScore | None,
    explanation: dict[str, Any],
    actor: str,
    trigger: str,
) -> None:
    repository.add_decision(
        session,
        {
            "domain": spec.name,
            "source_record_id": record.id,
            "golden_id": golden_id,
            "outcome": outcome,
            "weight": merged_by.weight if merged_by else None,
            "explanation": explanation,
            "rule_set_version": settings.version,
            "trigger": trigger[:300],
            "actor": actor,
            "created_at": utcnow(),
        },
    )


# --- for stewards' merges and splits ---------------------------------------------------------


def source_record(
    session: Session, *, source_code: str, domain: str, source_key: str
) -> SourceRecord:
    record = repository.record_by_key(
        session, source_code=source_code, domain=domain, source_key=source_key
    )
    if record is None:
        raise NotFound(
            f"{source_code} has no {domain} record with key {source_key!r}",
            code="unknown_source_record",
        )
    return record


def matchable_members(session: Session, golden_ids: Collection[str]) -> list[SourceRecord]:
    """The records of these golden records that take part in matching (not deleted)."""
    return repository.matchable_members(session, golden_ids)


def lock_records(session: Session, *, domain: str, records: Sequence[SourceRecord]) -> None:
    """Take the blocking-key locks matching takes for these records (PostgreSQL).

    A steward's merge or split re-clusters these records; a record arriving meanwhile that
    shares a key with them waits, then sees the result, instead of joining a golden record that
    is being merged away.
    """
    settings = settings_for(session, domain)
    repository.lock_keys(
        session,
        {
            repository.hash_key(domain, key)
            for record in records
            for key in blocking_keys(settings, to_match_record(settings, record))
        },
    )


def score_records(session: Session, *, domain: str, a: SourceRecord, b: SourceRecord) -> PairScore:
    """The pair's score and explanation under the domain's active match settings."""
    settings = settings_for(session, domain)
    return _score(settings, to_match_record(settings, a), to_match_record(settings, b))


def hard_rule_conflicts(
    session: Session, *, domain: str, left: Sequence[SourceRecord], right: Sequence[SourceRecord]
) -> list[str]:
    """Cannot-link features (NPI, GTIN...) on which the two groups hold different valid values.

    Matching never puts such groups together; a steward may, knowingly.
    """
    settings = settings_for(session, domain)
    lefts = [to_match_record(settings, r) for r in left]
    rights = [to_match_record(settings, r) for r in right]
    out = []
    for feature in settings.cannot_link:
        a = {v for m in lefts for v in m.values(feature)}
        b = {v for m in rights for v in m.values(feature)}
        if a and b and not a & b:
            out.append(feature)
    return out
