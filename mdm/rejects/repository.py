from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from mdm.db.json import ObjectArray
from mdm.models import Reject, RejectStatus


def add(session: Session, reject: Reject) -> None:
    session.add(reject)
    session.flush()


def open_with_payload(
    session: Session, *, source: str, domain: str, payload_hash: str
) -> Reject | None:
    stmt = (
        select(Reject)
        .where(
            Reject.source_system_code == source,
            Reject.domain == domain,
            Reject.payload_hash == payload_hash,
            Reject.status == RejectStatus.OPEN,
        )
        .order_by(Reject.id)
        .limit(1)
    )
    return session.scalars(stmt).first()


def get(session: Session, reject_id: int, *, for_update: bool = False) -> Reject | None:
    """``for_update`` locks the row (PostgreSQL) and reads it afresh, so two stewards cannot
    both resolve it."""
    if for_update:
        return session.get(Reject, reject_id, with_for_update=True, populate_existing=True)
    return session.get(Reject, reject_id)


def page(
    session: Session,
    *,
    status: RejectStatus | None,
    domain: str | None,
    source: str | None,
    batch_id: str | None,
    source_key: str | None,
    code: str | None,
    after_id: int | None,
    limit: int,
) -> Sequence[Reject]:
    stmt = select(Reject).order_by(Reject.id).limit(limit)
    if status is not None:
        stmt = stmt.where(Reject.status == status)
    if domain:
        stmt = stmt.where(Reject.domain == domain)
    if source:
        stmt = stmt.where(Reject.source_system_code == source)
    if batch_id:
        stmt = stmt.where(Reject.batch_id == batch_id)
    if source_key:
        stmt = stmt.where(Reject.source_key == source_key)
    if code:
        stmt = stmt.where(ObjectArray(session, Reject.errors).has("code", code))
    if after_id:
        stmt = stmt.where(Reject.id > after_id)
    return session.scalars(stmt).all()


def open_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Reject.domain, func.count())
        .where(Reject.status == RejectStatus.OPEN)
        .group_by(Reject.domain)
    )
    return {r[0]: r[1] for r in rows}


def open_counts_by_code(session: Session) -> dict[str, int]:
    """Open rejects per refusal code; a row refused for two reasons counts under both."""
    errors = ObjectArray(session, Reject.errors)
    code = errors.field("code")
    rows = session.execute(
        select(code, func.count(Reject.id.distinct()))
        .select_from(Reject)
        .join(errors.items, true())
        .where(Reject.status == RejectStatus.OPEN)
        .group_by(code)
    )
    return {r[0]: r[1] for r in rows}
