from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from mdm.db.json import ObjectArray
from mdm.models import RecordCorrection, SourceRecord, SourceRecordStatus


def _with_issues(issues: ObjectArray) -> list[ColumnElement[bool]]:
    # A deleted record is out of every golden record: nothing left to fix in the hub.
    return [SourceRecord.status != SourceRecordStatus.DELETED, issues.not_empty()]


def records_with_issues(
    session: Session,
    *,
    domain: str | None,
    system_id: int | None,
    code: str | None,
    after_id: int | None,
    limit: int,
) -> Sequence[SourceRecord]:
    """Source records carrying quality issues, in ID order.

    The issues live in a JSON column, so this scans the domain's records; a partial index on
    ``quality_issues <> '[]'`` is the step when a queue grows past what a scan serves quickly.
    """
    issues = ObjectArray(session, SourceRecord.quality_issues)
    stmt = select(SourceRecord).where(*_with_issues(issues)).order_by(SourceRecord.id).limit(limit)
    if domain:
        stmt = stmt.where(SourceRecord.domain == domain)
    if system_id is not None:
        stmt = stmt.where(SourceRecord.source_system_id == system_id)
    if code:
        stmt = stmt.where(issues.has("code", code))
    if after_id:
        stmt = stmt.where(SourceRecord.id > after_id)
    return session.scalars(stmt).all()


def counts_by_domain(session: Session) -> dict[str, int]:
    issues = ObjectArray(session, SourceRecord.quality_issues)
    rows = session.execute(
        select(SourceRecord.domain, func.count())
        .where(*_with_issues(issues))
        .group_by(SourceRecord.domain)
    )
    return {r[0]: r[1] for r in rows}


def counts_by_code(session: Session) -> dict[str, int]:
    """Records per issue code; a record with two issues counts under both, once under each."""
    issues = ObjectArray(session, SourceRecord.quality_issues)
    code = issues.field("code")
    rows = session.execute(
        select(code, func.count(SourceRecord.id.distinct()))
        .select_from(SourceRecord)
        .join(issues.items, true())
        .where(SourceRecord.status != SourceRecordStatus.DELETED)
        .group_by(code)
    )
    return {r[0]: r[1] for r in rows}


def add_correction(session: Session, correction: RecordCorrection) -> None:
    session.add(correction)
    session.flush()


def corrections_of(session: Session, record_id: int) -> Sequence[RecordCorrection]:
    return session.scalars(
        select(RecordCorrection)
        .where(RecordCorrection.source_record_id == record_id)
        .order_by(RecordCorrection.id)
    ).all()
