from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mdm.api.deps import SessionDep, SettingsDep
from mdm.delivery import service as delivery
from mdm.delivery.pump import rules_from
from mdm.events import service
from mdm.events.schemas import FeedOut
from mdm.source_systems import service as source_systems

router = APIRouter(prefix="/api/v1/events", tags=["change feed"])


@router.get(
    "",
    response_model=FeedOut,
    summary="The change feed: events after a cursor, for subscribers that poll",
)
def feed(
    session: SessionDep,
    settings: SettingsDep,
    after: str = Query(default="0", description="Cursor from the last page (0: from the start)"),
    limit: int = Query(default=100, ge=1, le=1000),
    domain: list[str] = Query(default=[], description="Only these domains (repeatable)"),
    type: list[str] = Query(  # noqa: A002 - the CloudEvents attribute's name
        default=[],
        description="Only these kinds (created, merged, ...) or full event types (repeatable)",
    ),
    system: str | None = Query(
        default=None, description="Your source-system code: adds data.recipient with your keys"
    ),
) -> FeedOut:
    if system is not None:
        source_systems.require(session, code=system, field="system")
    # Events committed since the last dispatcher round get their positions first, so a
    # poller never waits for the dispatcher (and never skips: positions follow commits).
    delivery.publish_pending(session)
    session.commit()
    rendering = rules_from(settings).rendering
    rows, cursor, more = service.feed(
        session, after=after, limit=limit, domains=domain, types=type, rendering=rendering
    )
    events: list[dict[str, Any]] = [
        service.cloud_event(row, rendering=rendering, receiver_system=system).to_dict()
        for row in rows
    ]
    return FeedOut(events=events, next_cursor=cursor, has_more=more)


@router.get("/{event_id}", summary="One event as CloudEvent")
def get_event(
    event_id: str,
    session: SessionDep,
    settings: SettingsDep,
    system: str | None = Query(default=None, description="Adds data.recipient with your keys"),
) -> dict[str, Any]:
    if system is not None:
        source_systems.require(session, code=system, field="system")
    row = service.get(session, event_id)
    return service.cloud_event(
        row, rendering=rules_from(settings).rendering, receiver_system=system
    ).to_dict()
