from __future__ import annotations

from fastapi import APIRouter, Query

from mdm.api.deps import SessionDep
from mdm.models import RejectStatus
from mdm.rejects import service
from mdm.rejects.schemas import Reject, RejectPage

router = APIRouter(prefix="/api/v1/rejects", tags=["rejects"])


@router.get("", response_model=RejectPage, summary="List refused rows (open by default)")
def list_rejects(
    session: SessionDep,
    status: RejectStatus | None = RejectStatus.OPEN,
    domain: str | None = None,
    source: str | None = None,
    batch_id: str | None = None,
    after_id: int | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> RejectPage:
    rows = service.page(
        session,
        status=status,
        domain=domain,
        source=source,
        batch_id=batch_id,
        after_id=after_id,
        limit=limit,
    )
    items = [Reject.model_validate(r) for r in rows]
    return RejectPage(rejects=items, next_after_id=items[-1].id if len(items) == limit else None)


@router.get("/{reject_id}", response_model=Reject, summary="Read one refused row")
def get_reject(reject_id: int, session: SessionDep) -> Reject:
    return Reject.model_validate(service.get(session, reject_id))
