"""Deliveries: give committed events their feed position and fan them out, claim the next one a
worker may send, record what the endpoint answered, retry, dead-letter, disable, replay.

Services take a session and never commit; :mod:`mdm.delivery.pump` owns the transactions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.delivery import repository
from mdm.delivery.repository import Counts
from mdm.errors import MDMError, NotFound
from mdm.events import repository as events_repository
from mdm.events import service as events
from mdm.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    OutboxEvent,
    Subscription,
    SubscriptionStatus,
)
from mdm.models.base import utcnow
from publishers.envelope import CONTENT_TYPE, EventTooLarge
from publishers.retry import RetryPolicy
from publishers.signing import webhook_headers
from publishers.transport import DeliveryOutcome

_SEQUENCE_BATCH = 500
SYSTEM_ACTOR = "hub:delivery"


@dataclass(frozen=True, slots=True)
class DeliveryRules:
    """What the operator configured (see :class:`mdm.config.Settings`), as the service needs it."""

    rendering: events.Rendering
    retry: RetryPolicy
    lease: timedelta
    disable_after: timedelta


def matches(subscription: Subscription, event: OutboxEvent) -> bool:
    """Whether a subscription wants an event. No type named means every golden-record event;
    the hub's own events (an endpoint disabled) go only to those who name them."""
    if subscription.event_types:
        if event.kind not in subscription.event_types:
            return False
    elif event.kind not in events.GOLDEN_KINDS:
        return False
    return not (event.domain and subscription.domains and event.domain not in subscription.domains)


def publish_pending(session: Session, *, now: datetime | None = None) -> int:
    """Give committed events without a feed position the next positions, and create their
    deliveries. Positions follow the order in which this finds events, which is commit order
    for any one golden record. Returns how many events it positioned (0 if another transaction
    holds the sequencer)."""
    if not repository.try_sequencer_lock(session):
        return 0
    pending = events_repository.unpositioned(session, limit=_SEQUENCE_BATCH)
    if not pending:
        return 0
    now = now or utcnow()
    last = events_repository.last_position(session)
    events_repository.set_positions(
        session, [(event.id, last + i) for i, event in enumerate(pending, start=1)]
    )
    subscriptions = repository.subscriptions(session)
    repository.add_deliveries(
        session,
        [
            {
                "subscription_id": sub.id,
                "event_id": event.id,
                "subject": event.subject,
                "sequence": event.sequence,
                "state": DeliveryState.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
            for event in pending
            for sub in subscriptions
            if matches(sub, event)
        ],
    )
    return len(pending)


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery a worker holds until ``lease_until``: what to send, where, and as which try."""

    delivery_id: int
    attempt: int
    url: str
    body: bytes
    headers: dict[str, str]
    event_id: str


def claim_next(
    session: Session, *, rules: DeliveryRules, now: datetime | None = None
) -> Claim | None:
    """Take the next due delivery: lease it, count the attempt, and sign what goes out."""
    now = now or utcnow()
    while True:
        delivery = repository.next_due(session, now=now)
        if delivery is None:
            return None
        delivery.lease_until = now + rules.lease
        delivery.attempts += 1
        delivery.last_attempt_at = now
        claim = _render(session, delivery, rules=rules, now=now)
        if claim is not None:
            return claim


def _render(
    session: Session, delivery: Delivery, *, rules: DeliveryRules, now: datetime
) -> Claim | None:
    event = events_repository.by_ids(session, [delivery.event_id])[delivery.event_id]
    subscription = repository.subscription(session, delivery.subscription_id)
    assert subscription is not None
    receiver = _system_code(session, subscription)
    try:
        body = events.cloud_event(
            event, rendering=rules.rendering, receiver_system=receiver
        ).encode()
    except EventTooLarge as exc:
        # Cannot be sent as it is, now or later: dead-letter at once, visibly.
        _finish(session, delivery, state=DeliveryState.DEAD, status=None, error=str(exc))
        return None
    secrets = repository.signing_secrets(session, subscription.id, now=now)
    headers = webhook_headers(
        msg_id=event.event_id,
        timestamp=int(now.timestamp()),
        body=body,
        secrets=secrets,
        content_type=CONTENT_TYPE,
    )
    return Claim(
        delivery_id=delivery.id,
        attempt=delivery.attempts,
        url=subscription.url,
        body=body,
        headers=headers,
        event_id=event.event_id,
    )


def _system_code(session: Session, subscription: Subscription) -> str | None:
    if subscription.source_system_id is None:
        return None
    return events_repository.system_codes(session).get(subscription.source_system_id)


def _finish(
    session: Session,
    delivery: Delivery,
    *,
    state: DeliveryState,
    status: int | None,
    error: str,
    now: datetime | None = None,
) -> None:
    delivery.state = state
    delivery.lease_until = None
    delivery.last_status = status
    delivery.last_error = error[:2000]
    if state is DeliveryState.DELIVERED:
        delivery.delivered_at = now or utcnow()


def record_outcome(
    session: Session,
    claim: Claim,
    outcome: DeliveryOutcome,
    *,
    rules: DeliveryRules,
    now: datetime | None = None,
) -> DeliveryState | None:
    """Write down what the endpoint answered; plan the retry, dead-letter, or disable.

    Returns the delivery's state, or ``None`` if the delivery changed hands meanwhile (a replay
    reset it, or our lease lapsed and another worker took it): then only the attempt is kept.
    """
    now = now or utcnow()
    delivery = repository.get(session, claim.delivery_id, for_update=True)
    if delivery is None:
        return None
    repository.add_attempt(
        session,
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempt=claim.attempt,
            outcome=outcome.kind,
            status=outcome.status,
            error=outcome.error[:2000],
            response_excerpt=outcome.response_excerpt[:500],
            duration_ms=outcome.duration_ms,
            attempted_at=now,
        ),
    )
    if delivery.state is not DeliveryState.PENDING or delivery.attempts != claim.attempt:
        return None
    subscription = repository.subscription(session, delivery.subscription_id, for_update=True)
    assert subscription is not None
    if outcome.kind == "delivered":
        _finish(
            session,
            delivery,
            state=DeliveryState.DELIVERED,
            status=outcome.status,
            error="",
            now=now,
        )
        subscription.last_success_at = now
        subscription.failing_since = None
        return delivery.state
    subscription.last_failure_at = now
    if subscription.failing_since is None:
        subscription.failing_since = now
    delivery.lease_until = None
    delivery.last_status = outcome.status
    delivery.last_error = outcome.error[:2000]
    if outcome.kind == "gone":
        # The endpoint says it is gone for good: stop, keep its deliveries for a resume.
        delivery.next_attempt_at = now
        disable(
            session, subscription, reason=f"the endpoint answered 410 Gone ({claim.url})", now=now
        )
        return delivery.state
    delay = rules.retry.next_delay(delivery.attempts, retry_after=outcome.retry_after)
    if delay is None:
        delivery.state = DeliveryState.DEAD
    else:
        delivery.next_attempt_at = now + delay
    if (
        subscription.status is SubscriptionStatus.ACTIVE
        and now - subscription.failing_since >= rules.disable_after
    ):
        disable(
            session,
            subscription,
            reason=(
                f"every attempt failed since {subscription.failing_since.isoformat()} "
                f"(last: {outcome.error or outcome.status})"
            ),
            now=now,
        )
    return delivery.state


def disable(session: Session, subscription: Subscription, *, reason: str, now: datetime) -> None:
    """Stop delivering to an endpoint, say why, and announce it with an event."""
    if subscription.status is SubscriptionStatus.DISABLED:
        return
    subscription.status = SubscriptionStatus.DISABLED
    subscription.status_reason = reason[:2000]
    subscription.status_changed_at = now
    subscription.updated_at = now
    events.subscription_disabled(
        session, subscription=subscription, reason=reason, actor=SYSTEM_ACTOR
    )
    audit.record(
        session,
        actor=SYSTEM_ACTOR,
        action="subscription.disabled",
        entity_type="subscription",
        entity_id=subscription.id,
        detail={"reason": reason},
    )


# --- operators: counts, listing, replay ---------------------------------------------------


def counts(session: Session, subscription_ids: Sequence[str]) -> dict[str, Counts]:
    return repository.counts(session, subscription_ids)


def deliveries(
    session: Session,
    *,
    subscription_id: str,
    state: DeliveryState | None,
    before_id: int | None,
    limit: int,
) -> list[tuple[Delivery, OutboxEvent]]:
    rows = repository.page(
        session, subscription_id=subscription_id, state=state, before_id=before_id, limit=limit
    )
    by_id = events_repository.by_ids(session, {d.event_id for d in rows})
    return [(d, by_id[d.event_id]) for d in rows]


def delivery(
    session: Session, *, subscription_id: str, delivery_id: int
) -> tuple[Delivery, OutboxEvent, list[DeliveryAttempt]]:
    row = repository.get(session, delivery_id)
    if row is None or row.subscription_id != subscription_id:
        raise NotFound(
            f"subscription {subscription_id} has no delivery {delivery_id}", code="unknown_delivery"
        )
    event = events_repository.by_ids(session, [row.event_id])[row.event_id]
    return row, event, repository.attempts_of(session, row.id)


def replay_delivery(
    session: Session, *, subscription_id: str, delivery_id: int, actor: str
) -> Delivery:
    """Send one delivery again from its first attempt, whatever became of it."""
    row, event, _ = delivery(session, subscription_id=subscription_id, delivery_id=delivery_id)
    repository.requeue(session, [row.id], now=utcnow())
    audit.record(
        session,
        actor=actor,
        action="delivery.replayed",
        entity_type="subscription",
        entity_id=subscription_id,
        detail={"delivery_id": row.id, "event_id": event.event_id},
    )
    session.refresh(row)
    return row


@dataclass(frozen=True, slots=True)
class ReplayScope:
    """Which events a replay covers; every bound given must hold."""

    since: datetime | None = None
    until: datetime | None = None
    from_position: int | None = None
    subject: str | None = None
    from_sequence: int | None = None


@dataclass(frozen=True, slots=True)
class ReplayResult:
    requeued: int
    created: int


def replay(
    session: Session,
    *,
    subscription: Subscription,
    scope: ReplayScope,
    actor: str,
    limit: int = 100_000,
) -> ReplayResult:
    """Send again every event in ``scope`` the subscription wants: deliveries it had are
    reset to pending, events from before it existed (or that it did not want then) get one."""
    if scope.from_sequence is not None and scope.subject is None:
        raise MDMError(
            "from_sequence needs golden_id: sequences are numbered per golden record",
            422,
            "replay_scope",
        )
    now = utcnow()
    requeued = created = 0
    after_id = 0
    while requeued + created < limit:
        batch = events_repository.positioned_between(
            session,
            since=scope.since,
            until=scope.until,
            from_position=scope.from_position,
            subject=scope.subject,
            from_sequence=scope.from_sequence,
            limit=min(1000, limit - requeued - created),
            after_id=after_id,
        )
        if not batch:
            break
        after_id = batch[-1].id
        wanted = [e for e in batch if matches(subscription, e)]
        existing = repository.existing_for_events(
            session, subscription_id=subscription.id, event_ids=[e.id for e in wanted]
        )
        repository.requeue(session, [d.id for d in existing.values()], now=now)
        fresh: list[dict[str, Any]] = [
            {
                "subscription_id": subscription.id,
                "event_id": e.id,
                "subject": e.subject,
                "sequence": e.sequence,
                "state": DeliveryState.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
            for e in wanted
            if e.id not in existing
        ]
        repository.add_deliveries(session, fresh)
        requeued += len(existing)
        created += len(fresh)
    audit.record(
        session,
        actor=actor,
        action="subscription.replayed",
        entity_type="subscription",
        entity_id=subscription.id,
        detail={
            "since": scope.since.isoformat() if scope.since else None,
            "until": scope.until.isoformat() if scope.until else None,
            "from_position": scope.from_position,
            "golden_id": scope.subject,
            "from_sequence": scope.from_sequence,
            "requeued": requeued,
            "created": created,
        },
    )
    return ReplayResult(requeued=requeued, created=created)
