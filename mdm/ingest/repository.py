from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, undefer

from mdm.models import RecordIdentifier, SourceRecord, SourceRecordReference


def by_key(session: Session, *, system_id: int, domain: str, key: str) -> SourceRecord | None:
    # One record, often read for what it was sent as (a view, a steward's correction): its raw
    # payload comes with it, from the same snapshot, not in a second SELECT.
    return session.scalar(
        select(SourceRecord)
        .options(undefer(SourceRecord.raw))
        .where(
            SourceRecord.source_system_id == system_id,
            SourceRecord.domain == domain,
            SourceRecord.source_key == key,
        )
    )


def by_keys(
    session: Session, *, system_id: int, domain: str, keys: Sequence[str]
) -> dict[str, SourceRecord]:
    found: dict[str, SourceRecord] = {}
    for start in range(0, len(keys), 500):
        for record in session.scalars(
            select(SourceRecord).where(
                SourceRecord.source_system_id == system_id,
                SourceRecord.domain == domain,
                SourceRecord.source_key.in_(keys[start : start + 500]),
            )
        ):
            found[record.source_key] = record
    return found


def add(session: Session, record: SourceRecord) -> None:
    session.add(record)
    session.flush()


def replace_identifiers(
    session: Session, record_id: int, rows: Sequence[RecordIdentifier], *, is_new: bool = False
) -> None:
    if not is_new:
        session.execute(
            delete(RecordIdentifier).where(RecordIdentifier.source_record_id == record_id)
        )
    session.add_all(rows)


def replace_references(
    session: Session,
    record_id: int,
    rows: Sequence[SourceRecordReference],
    *,
    is_new: bool = False,
) -> None:
    if not is_new:
        session.execute(
            delete(SourceRecordReference).where(SourceRecordReference.source_record_id == record_id)
        )
    session.add_all(rows)


def references_of(session: Session, record_id: int) -> Sequence[SourceRecordReference]:
    return session.scalars(
        select(SourceRecordReference)
        .where(SourceRecordReference.source_record_id == record_id)
        .order_by(SourceRecordReference.name, SourceRecordReference.position)
    ).all()


def counts_by_domain(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(select(SourceRecord.domain, func.count()).group_by(SourceRecord.domain))
    return {r[0]: r[1] for r in rows}
