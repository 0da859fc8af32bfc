from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from mdm.db import bulk, identity
from mdm.db.json import one_of
from mdm.models import (
    BlockingKey,
    CandidateStatus,
    DownstreamKey,
    GoldenMerge,
    GoldenRecord,
    GoldenSplit,
    GoldenStatus,
    MatchCandidate,
    MatchDecision,
    MatchPair,
    MatchRuleSet,
    PairVerdict,
    RuleSetStatus,
    SourceRecord,
    SourceRecordStatus,
    SourceSystem,
    StewardLink,
    StewardshipSetting,
)

_CHUNK = 500


def _chunks(values: Sequence[int] | Sequence[str]) -> Iterable[Sequence[int] | Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def hash_key(domain: str, key: str) -> int:
    """A blocking key as the index stores it: the first 8 bytes of BLAKE2b-128 of
    ``domain|key``, as a signed big-endian 64-bit integer.

    Sixty-four bits: among a hundred million distinct keys two collide with odds of about one
    in four thousand, and a collision only puts two records in one block, to be scored and found
    unlike. (Keys were the whole digest in hex before migration 0005, which kept this prefix.)
    """
    # The domain's prefix is hashed once and copied (a batch hashes 80,000 keys of a domain).
    hasher = _prefix_hasher(domain).copy()
    hasher.update(key.encode())
    return int.from_bytes(hasher.digest()[:8], "big", signed=True)


@lru_cache(maxsize=64)
def _prefix_hasher(domain: str) -> hashlib.blake2b:
    return hashlib.blake2b(f"{domain}|".encode(), digest_size=16)


def lock_keys(session: Session, hashes: Iterable[int]) -> None:
    """Serialise concurrent matching in one neighbourhood (PostgreSQL advisory locks).

    Two API processes matching records that share a blocking key would each miss the other's
    uncommitted record and found two golden records. Sorted order prevents deadlocks; SQLite's
    single writer needs nothing.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(hashes)):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


_BLOCKING_KEY_TABLE = cast(Table, BlockingKey.__table__)


def replace_blocking_keys_of(
    session: Session,
    *,
    domain: str,
    keys: Mapping[int, Collection[int]],
    changed: Sequence[int],
) -> None:
    """Store records' blocking keys; ``changed`` records lose their old keys first."""
    for chunk in _chunks(sorted(changed)):
        session.execute(delete(BlockingKey).where(BlockingKey.source_record_id.in_(chunk)))
    rows = [
        (domain, h, record_id) for record_id, hashes in sorted(keys.items()) for h in sorted(hashes)
    ]
    if rows:
        # Sixteen keys per employee record: a file's chunk of 5,000 writes 80,000 rows. They
        # are plain text and integers that no type converts, never read back as objects, so
        # they go to the driver as they are (SQLAlchemy's per-row parameter processing cost
        # more than the insert itself), in one statement on SQLite (bulk.insert_rows).
        bulk.insert_rows(
            session, _BLOCKING_KEY_TABLE, ("domain", "key_hash", "source_record_id"), rows
        )


def block_members(
    session: Session, *, domain: str, hashes: Collection[int], max_block: int
) -> dict[int, list[int]]:
    """Records in each of these blocks; blocks larger than ``max_block`` are left out."""
    members: dict[int, list[int]] = {}
    # One query whatever the number of blocks (a file's chunk asks for tens of thousands).
    for key_hash, record_id in session.execute(
        select(BlockingKey.key_hash, BlockingKey.source_record_id).where(
            BlockingKey.domain == domain,
            one_of(session, BlockingKey.key_hash, sorted(hashes)),
        )
    ):
        members.setdefault(key_hash, []).append(record_id)
    return {h: ids for h, ids in members.items() if len(ids) <= max_block}


def delete_pairs_of(session: Session, record_id: int) -> None:
    session.execute(
        delete(MatchPair).where(
            or_(MatchPair.record_a_id == record_id, MatchPair.record_b_id == record_id)
        )
    )


def delete_pairs_of_domain(session: Session, domain: str) -> None:
    session.execute(delete(MatchPair).where(MatchPair.domain == domain))


def delete_blocking_keys_of(session: Session, record_id: int) -> None:
    session.execute(delete(BlockingKey).where(BlockingKey.source_record_id == record_id))


def add_pairs(session: Session, pairs: Sequence[dict[str, Any]]) -> None:
    for values in pairs:
        bulk.add(session, MatchPair, values)


def linked_pairs(session: Session, record_ids: Collection[int]) -> Sequence[MatchPair]:
    """Match or review pairs touching any of these records: the edges of a neighbourhood."""
    out: list[MatchPair] = []
    ids = sorted(record_ids)
    for chunk in _chunks(ids):
        out.extend(
            session.scalars(
                select(MatchPair).where(
                    MatchPair.verdict.in_([PairVerdict.MATCH, PairVerdict.REVIEW]),
                    or_(MatchPair.record_a_id.in_(chunk), MatchPair.record_b_id.in_(chunk)),
                )
            )
        )
    return out


def pairs_among(session: Session, record_ids: Collection[int]) -> Sequence[MatchPair]:
    ids = sorted(record_ids)
    out: list[MatchPair] = []
    for chunk in _chunks(ids):
        out.extend(session.scalars(select(MatchPair).where(MatchPair.record_a_id.in_(chunk))))
    wanted = set(ids)
    return [p for p in out if p.record_b_id in wanted]


def steward_links_touching(session: Session, record_ids: Collection[int]) -> Sequence[StewardLink]:
    ids = sorted(record_ids)
    out: dict[int, StewardLink] = {}
    for chunk in _chunks(ids):
        for link in session.scalars(
            select(StewardLink).where(
                or_(StewardLink.record_a_id.in_(chunk), StewardLink.record_b_id.in_(chunk))
            )
        ):
            out[link.id] = link
    return list(out.values())


def add_steward_link(session: Session, link: StewardLink) -> None:
    session.add(link)
    session.flush()


def steward_link(session: Session, a: int, b: int) -> StewardLink | None:
    low, high = min(a, b), max(a, b)
    return session.scalar(
        select(StewardLink).where(StewardLink.record_a_id == low, StewardLink.record_b_id == high)
    )


def steward_links_of_domain(session: Session, domain: str) -> Sequence[StewardLink]:
    return session.scalars(select(StewardLink).where(StewardLink.domain == domain)).all()


def record_by_key(
    session: Session, *, source_code: str, domain: str, source_key: str
) -> SourceRecord | None:
    return session.scalar(
        select(SourceRecord)
        .join(SourceSystem, SourceSystem.id == SourceRecord.source_system_id)
        .where(
            SourceSystem.code == source_code,
            SourceRecord.domain == domain,
            SourceRecord.source_key == source_key,
        )
    )


def new_record_ids(session: Session, count: int) -> list[int]:
    """IDs for ``count`` new source records, taken before they are written.

    With their IDs known a batch's records go in as one ``executemany`` (SQLite cannot say
    which new row ID belongs to which row of a many-row INSERT, so the ORM inserted records
    one statement each there), and golden records they found can be built before anything is
    written. PostgreSQL: the column's own sequence. SQLite: this transaction holds the only
    write lock (``BEGIN IMMEDIATE``), so the IDs after the largest are the ones SQLite would
    give.
    """
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return sorted(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('source_record', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            )
        )
    largest = session.scalar(select(func.max(SourceRecord.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


def records(session: Session, record_ids: Collection[int]) -> list[SourceRecord]:
    if not record_ids:
        return []
    return list(
        session.scalars(
            select(SourceRecord)
            .where(one_of(session, SourceRecord.id, sorted(record_ids)))
            .order_by(SourceRecord.id)
        )
    )


def matchable_members(session: Session, golden_ids: Collection[str]) -> list[SourceRecord]:
    """Members that take part in matching: not deleted."""
    ids: list[int] = []
    for chunk in _chunks(sorted(golden_ids)):
        ids.extend(
            session.scalars(
                select(SourceRecord.id).where(
                    SourceRecord.golden_id.in_(chunk),
                    SourceRecord.status != SourceRecordStatus.DELETED,
                )
            )
        )
    # Mostly records the caller's transaction has read already (identity.by_keys).
    return identity.by_keys(session, SourceRecord, ids)


def matchable_records_of_domain(session: Session, domain: str) -> Sequence[SourceRecord]:
    return session.scalars(
        select(SourceRecord)
        .where(SourceRecord.domain == domain, SourceRecord.status != SourceRecordStatus.DELETED)
        .order_by(SourceRecord.id)
    ).all()


def member_count(session: Session, golden_id: str) -> int:
    """Source records still taking part (not deleted): a golden record with none is empty."""
    return (
        session.scalar(
            select(func.count())
            .select_from(SourceRecord)
            .where(
                SourceRecord.golden_id == golden_id,
                SourceRecord.status != SourceRecordStatus.DELETED,
            )
        )
        or 0
    )


def golden_created(session: Session, golden_ids: Collection[str]) -> dict[str, tuple[str, str]]:
    """Golden ID -> (created_at ISO, ID): the older golden record keeps its ID in a merge."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(golden_ids)):
        for gid, created in session.execute(
            select(GoldenRecord.id, GoldenRecord.created_at).where(GoldenRecord.id.in_(chunk))
        ):
            out[gid] = (created.isoformat(), gid)
    return out


# A pending acceptance is the pair's candidate too: refreshed, never proposed a second time.
_UNRESOLVED = (CandidateStatus.OPEN, CandidateStatus.DEFERRED, CandidateStatus.PENDING_APPROVAL)


def open_candidates_touching(
    session: Session, golden_ids: Collection[str], *, domain: str | None = None
) -> Sequence[MatchCandidate]:
    out: dict[int, MatchCandidate] = {}
    if domain is not None and len(golden_ids) > _CHUNK:
        # A big batch touches thousands of golden records: one read of the domain's unresolved
        # candidates (a steward's queue, far smaller) beats a query per 500 of them.
        wanted = set(golden_ids)
        for candidate in session.scalars(
            select(MatchCandidate).where(
                MatchCandidate.domain == domain, MatchCandidate.status.in_(_UNRESOLVED)
            )
        ):
            if candidate.left_golden_id in wanted or candidate.right_golden_id in wanted:
                out[candidate.id] = candidate
        return sorted(out.values(), key=lambda c: c.id)
    for chunk in _chunks(sorted(golden_ids)):
        for candidate in session.scalars(
            select(MatchCandidate).where(
                MatchCandidate.status.in_(_UNRESOLVED),
                or_(
                    MatchCandidate.left_golden_id.in_(chunk),
                    MatchCandidate.right_golden_id.in_(chunk),
                ),
            )
        ):
            out[candidate.id] = candidate
    return sorted(out.values(), key=lambda c: c.id)


def open_candidates_of_record(session: Session, record_id: int) -> Sequence[MatchCandidate]:
    return session.scalars(
        select(MatchCandidate).where(
            MatchCandidate.status.in_([CandidateStatus.OPEN, CandidateStatus.DEFERRED]),
            or_(
                MatchCandidate.left_record_id == record_id,
                MatchCandidate.right_record_id == record_id,
            ),
        )
    ).all()


def add_candidate(session: Session, candidate: MatchCandidate) -> None:
    session.add(candidate)
    session.flush()


def candidate(session: Session, candidate_id: int) -> MatchCandidate | None:
    return session.get(MatchCandidate, candidate_id)


def candidates_page(
    session: Session,
    *,
    domain: str | None,
    status: CandidateStatus | None,
    after_id: int | None,
    limit: int,
) -> Sequence[MatchCandidate]:
    stmt = select(MatchCandidate).order_by(MatchCandidate.id).limit(limit)
    if domain:
        stmt = stmt.where(MatchCandidate.domain == domain)
    if status is not None:
        stmt = stmt.where(MatchCandidate.status == status)
    if after_id:
        stmt = stmt.where(MatchCandidate.id > after_id)
    return session.scalars(stmt).all()


def candidate_counts(session: Session) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for domain, status, n in session.execute(
        select(MatchCandidate.domain, MatchCandidate.status, func.count()).group_by(
            MatchCandidate.domain, MatchCandidate.status
        )
    ):
        out.setdefault(domain, {})[str(status.value)] = n
    return out


def add_decision(session: Session, values: dict[str, Any]) -> None:
    bulk.add(session, MatchDecision, values)


def decisions_of(session: Session, record_id: int) -> Sequence[MatchDecision]:
    return session.scalars(
        select(MatchDecision)
        .where(MatchDecision.source_record_id == record_id)
        .order_by(MatchDecision.id)
    ).all()


def active_rule_set(session: Session, domain: str) -> MatchRuleSet | None:
    return session.scalar(
        select(MatchRuleSet).where(
            MatchRuleSet.domain == domain, MatchRuleSet.status == RuleSetStatus.ACTIVE
        )
    )


def rule_set(session: Session, version: str) -> MatchRuleSet | None:
    return session.scalar(select(MatchRuleSet).where(MatchRuleSet.version == version))


def rule_sets(session: Session, domain: str | None) -> Sequence[MatchRuleSet]:
    stmt = select(MatchRuleSet).order_by(MatchRuleSet.id)
    if domain:
        stmt = stmt.where(MatchRuleSet.domain == domain)
    return session.scalars(stmt).all()


def add_rule_set(session: Session, rule_set: MatchRuleSet) -> None:
    session.add(rule_set)
    session.flush()


def retire_active_rule_sets(session: Session, domain: str) -> None:
    session.execute(
        update(MatchRuleSet)
        .where(MatchRuleSet.domain == domain, MatchRuleSet.status == RuleSetStatus.ACTIVE)
        .values(status=RuleSetStatus.RETIRED)
    )


def open_merges_into(session: Session, holders: Collection[str]) -> list[GoldenMerge]:
    """Merges not undone whose survivor is one of ``holders`` or was itself merged into one.

    A golden record absorbed by a survivor that was later absorbed in turn still counts: its
    records now sit in the last survivor.
    """
    chain: set[str] = set(holders)
    frontier = set(holders)
    while frontier:
        absorbed = set(
            session.scalars(
                select(GoldenRecord.id).where(
                    GoldenRecord.merged_into_id.in_(sorted(frontier)),
                    GoldenRecord.status == GoldenStatus.MERGED,
                )
            )
        )
        frontier = absorbed - chain
        chain |= frontier
    return list(
        session.scalars(
            select(GoldenMerge)
            .join(GoldenRecord, GoldenRecord.id == GoldenMerge.absorbed_id)
            .where(
                GoldenMerge.survivor_id.in_(sorted(chain)),
                GoldenMerge.undone_by_split_id.is_(None),
                GoldenRecord.status == GoldenStatus.MERGED,
            )
            .order_by(GoldenMerge.id)
        )
    )


def add_split(session: Session, split: GoldenSplit) -> None:
    session.add(split)
    session.flush()


def downstream_system_count(session: Session, golden_ids: Collection[str]) -> int:
    """How many downstream systems hold a key for any of these golden records."""
    return int(
        session.scalar(
            select(func.count(func.distinct(DownstreamKey.source_system_id))).where(
                DownstreamKey.golden_id.in_(sorted(golden_ids))
            )
        )
        or 0
    )


def queue_weight(session: Session, domain: str) -> float:
    row = session.get(StewardshipSetting, domain)
    return row.queue_weight if row is not None else 0.0
