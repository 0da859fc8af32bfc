from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy.orm import Session

from mdm.api.deps import ActorDep, SessionDep, SettingsDep
from mdm.config import Settings
from mdm.delivery import service as delivery
from mdm.delivery.pump import rules_from
from mdm.delivery.repository import Counts
from mdm.errors import MDMError
from mdm.events import service as events
from mdm.models import Delivery, DeliveryState, OutboxEvent, Subscription
from mdm.models.base import utcnow
from mdm.subscriptions import service
from mdm.subscriptions.schemas import (
    MAX_ID,
    AttemptOut,
    DeliveriesOut,
    DeliveryDetail,
    DeliveryOut,
    Health,
    PauseIn,
    ReplayIn,
    ReplayOut,
    RotateIn,
    SecretOut,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    SubscriptionsOut,
)
from publishers.address_guard import AddressGuard

router = APIRouter(prefix="/api/v1/subscriptions", tags=["subscriptions"])


def _guard(settings: Settings) -> AddressGuard:
    return AddressGuard(settings.allow_networks)


def _wanted(body: SubscriptionIn | SubscriptionPatch) -> service.Wanted:
    return service.Wanted(
        url=body.url,
        description=body.description,
        source_system=body.source_system,
        domains=body.domains,
        event_types=body.event_types,
    )


def _health(counts: Counts | None) -> Health:
    if counts is None:
        return Health(
            pending=0, failed=0, dead_lettered=0, delivered=0, oldest_pending_age_seconds=None
        )
    age = (
        (utcnow() - counts.oldest_pending_at).total_seconds()
        if counts.oldest_pending_at is not None
        else None
    )
    return Health(
        pending=counts.pending,
        failed=counts.failed,
        dead_lettered=counts.dead,
        delivered=counts.delivered,
        oldest_pending_age_seconds=age,
    )


def _out(session: Session, sub: Subscription, counts: Counts | None) -> SubscriptionOut:
    return SubscriptionOut(
        id=sub.id,
        url=sub.url,
        description=sub.description,
        source_system=service.source_system_code(session, sub),
        domains=list(sub.domains),
        event_types=list(sub.event_types),
        status=sub.status.value,
        status_reason=sub.status_reason,
        status_changed_at=sub.status_changed_at,
        failing_since=sub.failing_since,
        last_success_at=sub.last_success_at,
        last_failure_at=sub.last_failure_at,
        secret_created_at=service.secret_created_at(session, sub.id),
        created_by=sub.created_by,
        created_at=sub.created_at,
        updated_at=sub.updated_at,
        health=_health(counts),
    )


def _one(session: Session, sub: Subscription) -> SubscriptionOut:
    return _out(session, sub, service.health(session, [sub]).get(sub.id))


@router.post(
    "",
    status_code=201,
    response_model=SubscriptionCreated,
    summary="Subscribe an endpoint; the signing secret is shown only in this answer",
)
def create(
    body: SubscriptionIn, session: SessionDep, actor: ActorDep, settings: SettingsDep
) -> SubscriptionCreated:
    sub, secret = service.create(
        session,
        _wanted(body),
        guard=_guard(settings),
        actor=actor,
    )
    session.commit()
    return SubscriptionCreated(**_one(session, sub).model_dump(), secret=secret)


@router.get("", response_model=SubscriptionsOut, summary="Every subscription, with its health")
def list_subscriptions(session: SessionDep) -> SubscriptionsOut:
    subs = service.all_(session)
    counts = service.health(session, subs)
    return SubscriptionsOut(subscriptions=[_out(session, s, counts.get(s.id)) for s in subs])


@router.get("/{subscription_id}", response_model=SubscriptionOut, summary="One subscription")
def get_subscription(subscription_id: str, session: SessionDep) -> SubscriptionOut:
    return _one(session, service.get(session, subscription_id))


@router.patch("/{subscription_id}", response_model=SubscriptionOut, summary="Change a subscription")
def patch_subscription(
    subscription_id: str,
    body: SubscriptionPatch,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
) -> SubscriptionOut:
    sub = service.update(
        session,
        subscription_id,
        _wanted(body),
        guard=_guard(settings),
        actor=actor,
    )
    session.commit()
    return _one(session, sub)


@router.delete("/{subscription_id}", status_code=204, summary="Delete a subscription")
def delete_subscription(subscription_id: str, session: SessionDep, actor: ActorDep) -> Response:
    service.delete(session, subscription_id, actor=actor)
    session.commit()
    return Response(status_code=204)


@router.post("/{subscription_id}/pause", response_model=SubscriptionOut, summary="Pause delivery")
def pause(
    subscription_id: str, session: SessionDep, actor: ActorDep, body: PauseIn | None = None
) -> SubscriptionOut:
    sub = service.pause(session, subscription_id, reason=body.reason if body else "", actor=actor)
    session.commit()
    return _one(session, sub)


@router.post(
    "/{subscription_id}/resume",
    response_model=SubscriptionOut,
    summary="Resume a paused or disabled subscription; its backlog goes first",
)
def resume(subscription_id: str, session: SessionDep, actor: ActorDep) -> SubscriptionOut:
    sub = service.resume(session, subscription_id, actor=actor)
    session.commit()
    return _one(session, sub)


@router.post(
    "/{subscription_id}/secret/rotate",
    response_model=SecretOut,
    summary="New signing secret; the old one signs too until the overlap ends",
)
def rotate_secret(
    subscription_id: str,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    body: RotateIn | None = None,
) -> SecretOut:
    hours = (
        body.overlap_hours
        if body and body.overlap_hours is not None
        else settings.webhook_secret_overlap_hours
    )
    secret, until = service.rotate_secret(
        session, subscription_id, overlap=timedelta(hours=hours), actor=actor
    )
    session.commit()
    return SecretOut(secret=secret, previous_valid_until=until)


def _delivery_out(row: Delivery, event: OutboxEvent, settings: Settings) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        event_id=event.event_id,
        type=events.type_of(event, rules_from(settings).rendering),
        subject=row.subject,
        sequence=row.sequence,
        state=row.state.value,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.state is DeliveryState.PENDING else None,
        last_status=row.last_status,
        last_error=row.last_error,
        last_attempt_at=row.last_attempt_at,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


@router.get(
    "/{subscription_id}/deliveries",
    response_model=DeliveriesOut,
    summary="Deliveries, newest first (state: pending, delivered, dead)",
)
def list_deliveries(
    subscription_id: str,
    session: SessionDep,
    settings: SettingsDep,
    state: DeliveryState | None = None,
    before_id: int | None = Query(
        default=None, ge=1, le=MAX_ID, description="Page: deliveries before this ID"
    ),
    limit: int = Query(default=100, ge=1, le=1000),
) -> DeliveriesOut:
    service.get(session, subscription_id)
    rows = delivery.deliveries(
        session, subscription_id=subscription_id, state=state, before_id=before_id, limit=limit
    )
    return DeliveriesOut(
        deliveries=[_delivery_out(d, e, settings) for d, e in rows],
        next_before_id=rows[-1][0].id if len(rows) == limit else None,
    )


@router.get(
    "/{subscription_id}/deliveries/{delivery_id}",
    response_model=DeliveryDetail,
    summary="One delivery with every attempt and the event as sent",
)
def get_delivery(
    subscription_id: str,
    session: SessionDep,
    settings: SettingsDep,
    delivery_id: int = Path(ge=1, le=MAX_ID),
) -> DeliveryDetail:
    sub = service.get(session, subscription_id)
    row, event, attempts = delivery.delivery(
        session, subscription_id=subscription_id, delivery_id=delivery_id
    )
    rendered = events.cloud_event(
        event,
        rendering=rules_from(settings).rendering,
        receiver_system=service.source_system_code(session, sub),
    )
    return DeliveryDetail(
        **_delivery_out(row, event, settings).model_dump(),
        attempt_history=[
            AttemptOut(
                attempt=a.attempt,
                outcome=a.outcome,
                status=a.status,
                error=a.error,
                response_excerpt=a.response_excerpt,
                duration_ms=a.duration_ms,
                attempted_at=a.attempted_at,
            )
            for a in attempts
        ],
        event=rendered.to_dict(),
    )


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay",
    response_model=DeliveryOut,
    summary="Send one delivery again (a dead-lettered one, or one already delivered)",
)
def replay_delivery(
    subscription_id: str,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    delivery_id: int = Path(ge=1, le=MAX_ID),
) -> DeliveryOut:
    service.get(session, subscription_id)
    row = delivery.replay_delivery(
        session, subscription_id=subscription_id, delivery_id=delivery_id, actor=actor
    )
    session.commit()
    _, event, _ = delivery.delivery(session, subscription_id=subscription_id, delivery_id=row.id)
    return _delivery_out(row, event, settings)


@router.post(
    "/{subscription_id}/replay",
    response_model=ReplayOut,
    summary="Send again every event in a time range, from a feed position, or of one golden "
    "record from a sequence on",
)
def replay(subscription_id: str, body: ReplayIn, session: SessionDep, actor: ActorDep) -> ReplayOut:
    if not body.model_fields_set:
        raise MDMError(
            "say what to replay: since/until, from_position, or golden_id with from_sequence",
            422,
            "replay_scope",
        )
    sub = service.get(session, subscription_id, for_update=True)
    result = delivery.replay(
        session,
        subscription=sub,
        scope=delivery.ReplayScope(
            since=body.since,
            until=body.until,
            from_position=body.from_position,
            subject=body.golden_id,
            from_sequence=body.from_sequence,
        ),
        actor=actor,
    )
    session.commit()
    return ReplayOut(requeued=result.requeued, created=result.created)
