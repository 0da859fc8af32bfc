from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session, aliased

from mdm.db import bulk, identity
from mdm.db.json import one_of
from mdm.models import (
    DownstreamKey,
    GoldenMerge,
    GoldenPin,
    GoldenRecord,
    GoldenStatus,
    GoldenVersion,
    RecordIdentifier,
    SourceRecord,
    SourceRecordReference,
    SourceSystem,
)


def get(session: Session, golden_id: str, *, for_update: bool = False) -> GoldenRecord | None:
    # FOR UPDATE serialises concurrent writers of one golden record on PostgreSQL; SQLite
    # already serialises writers with BEGIN IMMEDIATE.
    # populate_existing: what the lock waited for is read, not the copy the session holds.
    return session.get(
        GoldenRecord, golden_id, with_for_update=for_update, populate_existing=for_update
    )


def get_many(
    session: Session, golden_ids: Sequence[str], *, for_update: bool = False
) -> dict[str, GoldenRecord]:
    if not golden_ids:
        return {}
    stmt = select(GoldenRecord).where(one_of(session, GoldenRecord.id, sorted(set(golden_ids))))
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return {g.id: g for g in session.scalars(stmt)}


def members_of(session: Session, golden_ids: Sequence[str]) -> dict[str, list[SourceRecord]]:
    out: dict[str, list[SourceRecord]] = {}
    if not golden_ids:
        return out
    ids = session.scalars(
        select(SourceRecord.id)
        .where(one_of(session, SourceRecord.golden_id, sorted(set(golden_ids))))
        .order_by(SourceRecord.id)
    ).all()
    # Mostly records the caller's transaction has read already (identity.by_keys).
    for record in identity.by_keys(session, SourceRecord, ids):
        out.setdefault(record.golden_id, []).append(record)
    return out


def add(session: Session, golden: GoldenRecord) -> None:
    # Golden IDs are made here, not by the database: no flush needed to know it.
    session.add(golden)


def add_version(session: Session, values: dict[str, Any]) -> None:
    bulk.add(session, GoldenVersion, values)


def pins_of(session: Session, golden_ids: Sequence[str]) -> dict[str, list[GoldenPin]]:
    out: dict[str, list[GoldenPin]] = {}
    wanted = sorted(set(golden_ids))
    for start in range(0, len(wanted), 500):
        for pin in session.scalars(
            select(GoldenPin)
            .where(GoldenPin.golden_id.in_(wanted[start : start + 500]))
            .order_by(GoldenPin.attribute)
        ):
            out.setdefault(pin.golden_id, []).append(pin)
    return out


def add_pin(session: Session, pin_row: GoldenPin) -> None:
    session.add(pin_row)
    session.flush()


def delete_carried_pins(session: Session, golden_ids: Collection[str]) -> None:
    session.execute(
        delete(GoldenPin).where(
            GoldenPin.golden_id.in_(sorted(golden_ids)),
            GoldenPin.carried_by_merge_id.is_not(None),
        )
    )


def open_merges_under(session: Session, roots: Collection[str]) -> list[GoldenMerge]:
    """Merges not undone in the trees below ``roots``: into them, into those, and so on."""
    out: list[GoldenMerge] = []
    frontier = set(roots)
    seen = set(roots)
    while frontier:
        found = list(
            session.scalars(
                select(GoldenMerge)
                .where(
                    GoldenMerge.survivor_id.in_(sorted(frontier)),
                    GoldenMerge.undone_by_split_id.is_(None),
                )
                .order_by(GoldenMerge.id)
            )
        )
        out.extend(m for m in found if m.absorbed_id not in seen)
        frontier = {m.absorbed_id for m in found} - seen
        seen |= frontier
    return out


def add_merge(session: Session, merge: GoldenMerge) -> None:
    # Flushed for its ID: carried pins and later splits point at it.
    session.add(merge)
    session.flush()


def members(session: Session, golden_id: str) -> Sequence[SourceRecord]:
    return session.scalars(
        select(SourceRecord).where(SourceRecord.golden_id == golden_id).order_by(SourceRecord.id)
    ).all()


def versions(session: Session, golden_id: str) -> Sequence[GoldenVersion]:
    return session.scalars(
        select(GoldenVersion)
        .where(GoldenVersion.golden_id == golden_id)
        .order_by(GoldenVersion.version)
    ).all()


def page(
    session: Session, *, domain: str, status: GoldenStatus | None, after_id: str | None, limit: int
) -> Sequence[GoldenRecord]:
    stmt = (
        select(GoldenRecord)
        .where(GoldenRecord.domain == domain)
        .order_by(GoldenRecord.id)
        .limit(limit)
    )
    if status is not None:
        stmt = stmt.where(GoldenRecord.status == status)
    if after_id is not None:
        stmt = stmt.where(GoldenRecord.id > after_id)
    return session.scalars(stmt).all()


def count_by_domain_status(session: Session) -> list[tuple[str, str, int]]:
    rows = session.execute(
        select(GoldenRecord.domain, GoldenRecord.status, func.count()).group_by(
            GoldenRecord.domain, GoldenRecord.status
        )
    )
    return [(r[0], str(r[1]), r[2]) for r in rows]


def goldens_by_identifier(session: Session, *, domain: str, scheme: str, value: str) -> set[str]:
    return set(
        session.scalars(
            select(SourceRecord.golden_id)
            .join(RecordIdentifier, RecordIdentifier.source_record_id == SourceRecord.id)
            .where(
                RecordIdentifier.domain == domain,
                RecordIdentifier.scheme == scheme,
                RecordIdentifier.value == value,
            )
            .distinct()
        )
    )


@dataclass(frozen=True, slots=True)
class ReferenceRow:
    source_record_id: int
    name: str
    position: int
    target_domain: str
    target_system: str
    target_key: str
    via_source_record: str | None
    via_downstream_key: str | None


def member_references(session: Session, golden_id: str) -> list[ReferenceRow]:
    """References held by the golden record's members, each joined to its target's golden ID.

    The target is looked up through the crosswalk every time it is read, so a reference follows
    its target through merges and re-keying without anything to keep in sync.
    """
    holder = aliased(SourceRecord)
    target = aliased(SourceRecord)
    system = aliased(SourceSystem)
    stmt = (
        select(
            SourceRecordReference.source_record_id,
            SourceRecordReference.name,
            SourceRecordReference.position,
            SourceRecordReference.target_domain,
            system.code,
            SourceRecordReference.target_key,
            target.golden_id,
            DownstreamKey.golden_id,
        )
        .join(holder, holder.id == SourceRecordReference.source_record_id)
        .join(system, system.id == SourceRecordReference.target_system_id)
        .outerjoin(
            target,
            and_(
                target.source_system_id == SourceRecordReference.target_system_id,
                target.domain == SourceRecordReference.target_domain,
                target.source_key == SourceRecordReference.target_key,
            ),
        )
        .outerjoin(
            DownstreamKey,
            and_(
                DownstreamKey.source_system_id == SourceRecordReference.target_system_id,
                DownstreamKey.domain == SourceRecordReference.target_domain,
                DownstreamKey.key == SourceRecordReference.target_key,
            ),
        )
        .where(holder.golden_id == golden_id, holder.status == "active")
        .order_by(
            SourceRecordReference.name,
            SourceRecordReference.source_record_id,
            SourceRecordReference.position,
        )
    )
    return [ReferenceRow(*row) for row in session.execute(stmt)]


def live_ids_of_domain(session: Session, domain: str, *, chunk: int) -> Iterator[list[str]]:
    """IDs of the domain's golden records that are not merged away, in chunks, by ID."""
    after = ""
    while True:
        ids = list(
            session.scalars(
                select(GoldenRecord.id)
                .where(
                    GoldenRecord.domain == domain,
                    GoldenRecord.status != GoldenStatus.MERGED,
                    GoldenRecord.id > after,
                )
                .order_by(GoldenRecord.id)
                .limit(chunk)
            )
        )
        if not ids:
            return
        yield ids
        after = ids[-1]


def version_count(session: Session, domain: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(GoldenVersion)
            .join(GoldenRecord, GoldenRecord.id == GoldenVersion.golden_id)
            .where(GoldenRecord.domain == domain)
        )
        or 0
    )
