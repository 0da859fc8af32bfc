"""The rejects queue: rows the hub refused, kept whole with field-level reasons, until a steward
re-submits them corrected or dismisses them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from mdm.api.deps import ActorDep, SessionDep
from mdm.ingest.schemas import RowResultOut
from mdm.models import Reject as RejectRow
from mdm.models import RejectStatus
from mdm.quality import service as quality
from mdm.rejects import service
from mdm.rejects.schemas import (
    Reject,
    RejectDismiss,
    RejectPage,
    RejectResubmit,
    RejectResubmitted,
)

router = APIRouter(prefix="/api/v1/rejects", tags=["rejects"])


def _reject(row: RejectRow) -> Reject:
    out = Reject.model_validate(row)
    # Sensitive values are masked in every response, a refused row's included.
    out.payload = service.masked_payload(row.domain, row.payload)
    out.corrected_payload = service.masked_payload(row.domain, row.corrected_payload)
    return out


@router.get("", response_model=RejectPage, summary="List refused rows (open by default)")
def list_rejects(
    session: SessionDep,
    status: RejectStatus | None = RejectStatus.OPEN,
    domain: str | None = None,
    source: str | None = None,
    batch_id: str | None = None,
    source_key: str | None = Query(default=None, description="Rows refused for this key"),
    code: str | None = Query(default=None, description="Refusal code, e.g. invalid_date"),
    after_id: int | None = Query(default=None, ge=0, le=2**31 - 1),
    limit: int = Query(default=100, ge=1, le=1000),
) -> RejectPage:
    rows = service.page(
        session,
        status=status,
        domain=domain,
        source=source,
        batch_id=batch_id,
        source_key=source_key,
        code=code,
        after_id=after_id,
        limit=limit,
    )
    items = [_reject(r) for r in rows]
    return RejectPage(rejects=items, next_after_id=items[-1].id if len(items) == limit else None)


@router.get("/{reject_id}", response_model=Reject, summary="Read one refused row")
def get_reject(reject_id: Annotated[int, Path(le=2**31 - 1)], session: SessionDep) -> Reject:
    return _reject(service.get(session, reject_id))


@router.post(
    "/{reject_id}/resubmit",
    response_model=RejectResubmitted,
    summary="Re-submit a refused row, corrected, through ingestion as its source system",
)
def resubmit_reject(
    reject_id: Annotated[int, Path(le=2**31 - 1)],
    body: RejectResubmit,
    session: SessionDep,
    actor: ActorDep,
) -> RejectResubmitted:
    done = quality.resubmit_reject(
        session, reject_id=reject_id, payload=body.payload, note=body.note, actor=actor
    )
    session.commit()
    return RejectResubmitted(
        reject=_reject(done.reject),
        result=RowResultOut.model_validate(done.result, from_attributes=True),
    )


@router.post(
    "/{reject_id}/dismiss",
    response_model=Reject,
    summary="Close a refused row without loading it (a note saying why is required)",
)
def dismiss_reject(
    reject_id: Annotated[int, Path(le=2**31 - 1)],
    body: RejectDismiss,
    session: SessionDep,
    actor: ActorDep,
) -> Reject:
    reject = service.dismiss(session, reject_id=reject_id, note=body.note, actor=actor)
    session.commit()
    return _reject(reject)
