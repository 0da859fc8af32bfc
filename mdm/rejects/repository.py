from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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


def get(session: Session, reject_id: int) -> Reject | None:
    return session.get(Reject, reject_id)


def page(
    session: Session,
    *,
    status: RejectStatus | None,
    domain: str | None,
    source: str | None,
    batch_id: str | None,
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
