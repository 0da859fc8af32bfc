from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query

from mdm.api.deps import SessionDep
from mdm.audit import service
from mdm.audit.schemas import AuditEntry, AuditPage

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage, summary="Search the append-only audit log")
def search_audit(
    session: SessionDep,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    after_id: int | None = Query(
        default=None, ge=0, le=2**31 - 1, description="Cursor: the last id you saw"
    ),
    limit: int = Query(default=100, ge=1, le=1000),
) -> AuditPage:
    entries = service.search(
        session,
        entity_type=entity_type,
        entity_id=entity_id,
        actor=actor,
        action=action,
        since=since,
        after_id=after_id,
        limit=limit,
    )
    items = [AuditEntry.model_validate(e) for e in entries]
    return AuditPage(entries=items, next_after_id=items[-1].id if len(items) == limit else None)
