from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.db import bulk
from mdm.models import AuditEntry


def add(session: Session, values: dict[str, Any]) -> None:
    bulk.add(session, AuditEntry, values)


def search(
    session: Session,
    *,
    entity_type: str | None,
    entity_id: str | None,
    actor: str | None,
    action: str | None,
    since: datetime | None,
    after_id: int | None,
    limit: int,
) -> Sequence[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id).limit(limit)
    if entity_type:
        stmt = stmt.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if after_id:
        stmt = stmt.where(AuditEntry.id > after_id)
    return session.scalars(stmt).all()
