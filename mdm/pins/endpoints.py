from __future__ import annotations

from fastapi import APIRouter, Query

from mdm.api.deps import ActorDep, SessionDep
from mdm.models import GoldenPin
from mdm.pins import service
from mdm.pins.schemas import PinIn, PinOut, PinsOut

router = APIRouter(prefix="/api/v1/golden", tags=["golden records"])


def _out(domain: str, row: GoldenPin) -> PinOut:
    return PinOut(
        attribute=row.attribute,
        value=service.masked(domain, row),
        actor=row.actor,
        reason=row.reason,
        carried_by_merge_id=row.carried_by_merge_id,
        created_at=row.created_at,
    )


@router.get("/{domain}/{golden_id}/pins", response_model=PinsOut, summary="Pinned values")
def list_pins(domain: str, golden_id: str, session: SessionDep) -> PinsOut:
    record, rows = service.pins(session, domain=domain, golden_id=golden_id)
    return PinsOut(
        golden_id=record.id, version=record.version, pins=[_out(domain, r) for r in rows]
    )


@router.put(
    "/{domain}/{golden_id}/pins/{attribute}",
    response_model=PinsOut,
    summary="Pin a value: it beats every source until unpinned",
)
def pin(
    domain: str, golden_id: str, attribute: str, body: PinIn, session: SessionDep, actor: ActorDep
) -> PinsOut:
    record, _ = service.pin(
        session,
        domain=domain,
        golden_id=golden_id,
        attribute=attribute,
        value=body.value,
        reason=body.reason,
        actor=actor,
    )
    session.commit()
    _, rows = service.pins(session, domain=domain, golden_id=record.id)
    return PinsOut(
        golden_id=record.id, version=record.version, pins=[_out(domain, r) for r in rows]
    )


@router.delete(
    "/{domain}/{golden_id}/pins/{attribute}",
    response_model=PinsOut,
    summary="Unpin: the sources decide again",
)
def unpin(
    domain: str,
    golden_id: str,
    attribute: str,
    session: SessionDep,
    actor: ActorDep,
    reason: str = Query(description="Why the pin is removed"),
) -> PinsOut:
    record = service.unpin(
        session, domain=domain, golden_id=golden_id, attribute=attribute, reason=reason, actor=actor
    )
    session.commit()
    _, rows = service.pins(session, domain=domain, golden_id=record.id)
    return PinsOut(
        golden_id=record.id, version=record.version, pins=[_out(domain, r) for r in rows]
    )
