"""Deliveries: give committed events their feed position and fan them out, claim the next one a
worker may send, record what the endpoint answered, retry, dead-letter, disable, replay.

Services take a session and never commit; :mod:`mdm.delivery.pump` owns the transactions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from secrets import token_hex
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

SEQUENCE_BATCH = 500
SYSTEM_ACTOR = "hub:delivery"


@dataclass(frozen=True, slots=True)
class DeliveryRules:
    """What the operator configured (see :class:`mdm.config.Settings`), as the service needs it."""

    rendering: events.Rendering
    retry: RetryPolicy
    lease: timedelta
    disable_after: timedelta


def bookkeeping(session: Session) -> None:
    """Start a transaction of the workers' own bookkeeping (positions, claims, answers), which
    may trade durability for speed: see :func:`repository.relax_durability`."""
    repository.relax_durability(session)


def anyone_subscribed(session: Session) -> bool:
    return repository.any_subscription(session)


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
    for any one golden record; an event committed late gets a later position, so a reader
    following the cursor never skips it. Returns how many events it positioned (0 if another
    transaction holds the sequencer); fewer than :data:`SEQUENCE_BATCH` means it caught up."""
    if not repository.try_sequencer_lock(session):
        return 0
    pending = events_repository.unpositioned(session, limit=SEQUENCE_BATCH)
    if not pending:
        return 0
    now = now or utcnow()
    events_repository.set_positions(
        session, [event.id for event in pending], after=events_repository.last_position(session)
    )
    subscriptions = repository.subscriptions(session)
    repository.add_deliveries(
        session,
        [
            _new_delivery(sub.id, event, now)
            for event in pending
            for sub in subscriptions
            if matches(sub, event)
        ],
    )
    return len(pending)


def _new_delivery(subscription_id: str, event: OutboxEvent, now: datetime) -> dict[str, Any]:
    """A pending delivery row (inserted in bulk, hence a dict)."""
    return {
        "subscription_id": subscription_id,
        "event_id": event.id,
        "subject": event.subject,
        "sequence": event.sequence,
        "state": DeliveryState.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery a worker holds until ``lease_until``: what to send, where, and as which try."""

    delivery_id: int
    subscription_id: str
    token: str
    lease_until: datetime
    attempt: int
    url: str
    body: bytes
    headers: dict[str, str]
    event_id: str


def claim_due(
    session: Session,
    *,
    rules: DeliveryRules,
    limit: int,
    in_flight: Mapping[str, int] | None = None,
    per_endpoint: int | None = None,
    turn: int = 0,
    now: datetime | None = None,
) -> list[Claim]:
    """Take up to ``limit`` due deliveries (at most one per endpoint and golden record): lease
    them, count the attempt, and sign what goes out.

    Endpoints are served in turn (``turn`` rotates who goes first), each up to
    ``per_endpoint`` deliveries in flight counting ``in_flight``: a slow endpoint with a
    backlog cannot take every slot of a worker from the others.
    """
    now = now or utcnow()
    in_flight = in_flight or {}
    cap = per_endpoint or limit
    active = repository.active_subscription_ids(session)
    rows: list[Delivery] = []
    for i in range(len(active)):
        subscription_id = active[(turn + i) % len(active)]
        free = min(cap - in_flight.get(subscription_id, 0), limit - len(rows))
        if free > 0:
            rows += repository.due(session, now=now, subscription_id=subscription_id, limit=free)
        if len(rows) >= limit:
            break
    if not rows:
        return []
    event_rows = events_repository.by_ids(session, {d.event_id for d in rows})
    subscriptions = repository.subscriptions_by_ids(session, {d.subscription_id for d in rows})
    secrets = repository.signing_secrets(session, sorted(subscriptions), now=now)
    codes = events_repository.system_codes(session)
    claims: list[Claim] = []
    for delivery in rows:
        delivery.lease_until = now + rules.lease
        delivery.claim_token = token_hex(8)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        subscription = subscriptions[delivery.subscription_id]
        event = event_rows[delivery.event_id]
        receiver = (
            codes.get(subscription.source_system_id) if subscription.source_system_id else None
        )
        try:
            body = events.cloud_event(
                event, rendering=rules.rendering, receiver_system=receiver
            ).encode()
        except EventTooLarge as exc:
            # Cannot be sent as it is, now or later: dead-letter at once, visibly.
            _finish(session, delivery, state=DeliveryState.DEAD, status=None, error=str(exc))
            continue
        claims.append(
            Claim(
                delivery_id=delivery.id,
                subscription_id=delivery.subscription_id,
                token=delivery.claim_token,
                lease_until=delivery.lease_until,
                attempt=delivery.attempts,
                url=subscription.url,
                body=body,
                headers=webhook_headers(
                    msg_id=event.event_id,
                    timestamp=int(now.timestamp()),
                    body=body,
                    secrets=secrets[subscription.id],
                    content_type=CONTENT_TYPE,
                ),
                event_id=event.event_id,
            )
        )
    return claims


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


def record_outcomes(
    session: Session,
    results: Sequence[tuple[Claim, DeliveryOutcome]],
    *,
    rules: DeliveryRules,
    now: datetime | None = None,
) -> list[DeliveryState | None]:
    """Write down what the endpoints answered; plan each retry, dead-letter, or disable.

    For each result, the delivery's state, or ``None`` if the delivery changed hands meanwhile
    (a replay reset it, or our lease lapsed and another worker took it): then only the attempt
    is kept.
    """
    if not results:
        return []
    now = now or utcnow()
    # Lock order everywhere: subscriptions (by ID), then deliveries (by ID), as replays and
    # deletions do, so a worker and an operator never wait for each other crosswise.
    subscriptions = repository.subscriptions_by_ids(
        session, {c.subscription_id for c, _ in results}, for_update=True
    )
    deliveries = repository.get_many(session, [c.delivery_id for c, _ in results])
    repository.add_attempts(
        session,
        [
            {
                "delivery_id": claim.delivery_id,
                "attempt": claim.attempt,
                "outcome": outcome.kind,
                "status": outcome.status,
                "error": outcome.error[:2000],
                "response_excerpt": outcome.response_excerpt[:500],
                "duration_ms": outcome.duration_ms,
                "attempted_at": now,
            }
            for claim, outcome in results
            if claim.delivery_id in deliveries
        ],
    )
    states: list[DeliveryState | None] = []
    for claim, outcome in results:
        delivery = deliveries.get(claim.delivery_id)
        if delivery is None or delivery.claim_token != claim.token:
            # Replayed (or taken over after a lapsed lease) while this attempt was out. A
            # replay keeps the lease so two requests never overlap; the attempt is over now,
            # so the replay may go.
            if (
                delivery is not None
                and delivery.claim_token is None
                and delivery.lease_until == claim.lease_until
            ):
                delivery.lease_until = None
            states.append(None)
            continue
        delivery.claim_token = None
        if delivery.state is not DeliveryState.PENDING or delivery.subscription_id not in (
            subscriptions
        ):
            states.append(None)
            continue
        subscription = subscriptions[delivery.subscription_id]
        if outcome.kind == "delivered":
            _finish(
                session,
                delivery,
                state=DeliveryState.DELIVERED,
                status=outcome.status,
                error="",
                now=now,
            )
            # A busy endpoint's row is written once a second, not once per delivery.
            if subscription.failing_since is not None or (
                subscription.last_success_at is None
                or now - subscription.last_success_at >= timedelta(seconds=1)
            ):
                subscription.last_success_at = now
                subscription.failing_since = None
        else:
            _failed(session, delivery, subscription, claim, outcome, rules=rules, now=now)
        states.append(delivery.state)
    return states


def _failed(
    session: Session,
    delivery: Delivery,
    subscription: Subscription,
    claim: Claim,
    outcome: DeliveryOutcome,
    *,
    rules: DeliveryRules,
    now: datetime,
) -> None:
    subscription.last_failure_at = now
    if subscription.failing_since is None:
        subscription.failing_since = now
    delivery.lease_until = None
    delivery.last_status = outcome.status
    delivery.last_error = outcome.error[:2000]
    if outcome.kind == "gone":
        # The endpoint says it is gone for good: stop, keep its deliveries for a resume.
        delivery.next_attempt_at = now
        disable(session, subscription, reason="the endpoint answered 410 Gone", now=now)
        return
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


def disable(session: Session, subscription: Subscription, *, reason: str, now: datetime) -> None:
    """Stop delivering to an endpoint, say why, and announce it with an event."""
    if subscription.status is SubscriptionStatus.DISABLED:
        return
    subscription.status = SubscriptionStatus.DISABLED
    subscription.status_reason = reason[:2000]
    subscription.status_changed_at = now
    subscription.updated_at = now
    # This transaction now writes an event: it must be durable, unlike bookkeeping.
    repository.keep_durability(session)
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
    # Events nobody has positioned yet (a hub without subscribers does not) are positioned and
    # fanned out first, so the replay covers everything committed before it.
    while publish_pending(session) >= SEQUENCE_BATCH:
        pass
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
        fresh = [_new_delivery(subscription.id, e, now) for e in wanted if e.id not in existing]
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
