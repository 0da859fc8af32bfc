"""Write and read the audit log. Callers mask sensitive values before they reach ``detail``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import repository
from mdm.models import AuditEntry
from mdm.models.base import utcnow


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    detail: dict[str, Any] | None = None,
) -> None:
    repository.add(
        session,
        {
            "at": utcnow(),
            "actor": actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "detail": detail or {},
        },
    )


def search(
    session: Session,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> Sequence[AuditEntry]:
    return repository.search(
        session,
        entity_type=entity_type,
        entity_id=entity_id,
        actor=actor,
        action=action,
        since=since,
        after_id=after_id,
        limit=limit,
    )
