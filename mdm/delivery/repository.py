"""Queries of deliveries, their attempts, and the sequencer's lock."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, literal_column, or_, select, text, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from mdm.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    OutboxEvent,
    Subscription,
    SubscriptionSecret,
    SubscriptionStatus,
)

# Written into the SQL, not bound: the partial indexes on pending deliveries only apply when the
# planner sees the value, and psycopg's prepared statements get generic plans that would not.
_PENDING: ColumnElement[str] = literal_column("'pending'")

# Any constant will do; it names the one sequencer that may run at a time on PostgreSQL.
_SEQUENCER_LOCK = 7_402_113_551


def try_sequencer_lock(session: Session) -> bool:
    """Become the transaction that gives feed positions (PostgreSQL); SQLite writers are
    serialised anyway. Released at commit."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _SEQUENCER_LOCK})
    )


def relax_durability(session: Session) -> None:
    """Commit this transaction without waiting for the WAL flush (PostgreSQL).

    Only for delivery bookkeeping: a database crash can then forget the last moments of
    claims and answers, and the deliveries concerned are sent again, which at-least-once
    allows (a duplicate repeats its webhook-id). Never for the changes that write events.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def keep_durability(session: Session) -> None:
    """Undo :func:`relax_durability` for this transaction: it writes an event after all."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO ON"))


def any_subscription(session: Session) -> bool:
    return session.scalar(select(Subscription.id).limit(1)) is not None


def active_subscription_ids(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Subscription.id)
            .where(Subscription.status == SubscriptionStatus.ACTIVE)
            .order_by(Subscription.id)
        )
    )


def subscriptions(session: Session) -> list[Subscription]:
    return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def add_deliveries(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(Delivery), list(rows))


def due(session: Session, *, now: datetime, subscription_id: str, limit: int) -> list[Delivery]:
    """The next deliveries a worker may send: due, not held by a live worker, their endpoint
    active, and no earlier event of the same subject still pending for the same endpoint (so a
    later version never overtakes one that is being retried). At most one per endpoint and
    subject can qualify, so a batch can be sent in parallel without breaking that order."""
    earlier = aliased(Delivery)
    # A correlated subquery rather than NOT EXISTS: PostgreSQL always runs it as a lookup in
    # the pending-order index per candidate, even before the table has statistics (an
    # anti-join on a fresh table was planned as a scan of every pending row per candidate).
    head = (
        select(func.min(earlier.sequence))
        .where(
            earlier.subscription_id == Delivery.subscription_id,
            earlier.subject == Delivery.subject,
            earlier.state == _PENDING,
        )
        .correlate(Delivery)
        .scalar_subquery()
    )
    query = (
        select(Delivery)
        .where(
            Delivery.subscription_id == subscription_id,
            Delivery.state == _PENDING,
            Delivery.next_attempt_at <= now,
            or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
            Delivery.sequence == head,
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Workers skip each other's rows instead of queueing behind them.
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def get(session: Session, delivery_id: int, *, for_update: bool = False) -> Delivery | None:
    return session.get(
        Delivery, delivery_id, with_for_update=for_update, populate_existing=for_update
    )


def get_many(session: Session, delivery_ids: Sequence[int]) -> dict[int, Delivery]:
    """The deliveries, locked (PostgreSQL), in ID order so two workers never lock crosswise."""
    query = select(Delivery).where(Delivery.id.in_(sorted(delivery_ids))).order_by(Delivery.id)
    query = query.with_for_update().execution_options(populate_existing=True)
    return {d.id: d for d in session.scalars(query)}


def subscriptions_by_ids(
    session: Session, ids: Collection[str], *, for_update: bool = False
) -> dict[str, Subscription]:
    if not ids:
        return {}
    query = select(Subscription).where(Subscription.id.in_(sorted(ids))).order_by(Subscription.id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return {s.id: s for s in session.scalars(query)}


def subscription(
    session: Session, subscription_id: str, *, for_update: bool = False
) -> Subscription | None:
    return session.get(
        Subscription, subscription_id, with_for_update=for_update, populate_existing=for_update
    )


def signing_secrets(
    session: Session, subscription_ids: Sequence[str], *, now: datetime
) -> dict[str, list[str]]:
    """The secrets that sign now, newest first: the current one and any still overlapping."""
    out: dict[str, list[str]] = {s: [] for s in subscription_ids}
    rows = session.execute(
        select(SubscriptionSecret.subscription_id, SubscriptionSecret.secret)
        .where(
            SubscriptionSecret.subscription_id.in_(list(subscription_ids)),
            or_(SubscriptionSecret.expires_at.is_(None), SubscriptionSecret.expires_at > now),
        )
        .order_by(SubscriptionSecret.id.desc())
    )
    for subscription_id, secret in rows:
        out[subscription_id].append(secret)
    return out


def add_attempts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(DeliveryAttempt), list(rows))


def attempts_of(session: Session, delivery_id: int) -> list[DeliveryAttempt]:
    return list(
        session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id)
            .order_by(DeliveryAttempt.id)
        )
    )


@dataclass(frozen=True, slots=True)
class Counts:
    pending: int
    failed: int
    dead: int
    delivered: int
    oldest_pending_at: datetime | None


def counts(session: Session, subscription_ids: Sequence[str]) -> dict[str, Counts]:
    if not subscription_ids:
        return {}
    by_state: dict[str, dict[str, int]] = {s: {} for s in subscription_ids}
    for sub_id, state, n in session.execute(
        select(Delivery.subscription_id, Delivery.state, func.count())
        .where(Delivery.subscription_id.in_(subscription_ids))
        .group_by(Delivery.subscription_id, Delivery.state)
    ):
        by_state[sub_id][str(state)] = int(n)
    failed: dict[str, int] = dict(
        session.execute(
            select(Delivery.subscription_id, func.count())
            .where(
                Delivery.subscription_id.in_(subscription_ids),
                Delivery.state == _PENDING,
                # An answer was written down (a request in flight for the first time is not
                # a failure yet).
                or_(Delivery.last_status.is_not(None), Delivery.last_error != ""),
            )
            .group_by(Delivery.subscription_id)
        ).all()
    )
    # The oldest undelivered *event*: a replayed delivery of an old event counts as old.
    oldest: dict[str, datetime] = dict(
        session.execute(
            select(Delivery.subscription_id, func.min(OutboxEvent.occurred_at))
            .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
            .where(
                Delivery.subscription_id.in_(subscription_ids),
                Delivery.state == _PENDING,
            )
            .group_by(Delivery.subscription_id)
        ).all()
    )
    return {
        s: Counts(
            pending=by_state[s].get(DeliveryState.PENDING.value, 0),
            failed=int(failed.get(s, 0)),
            dead=by_state[s].get(DeliveryState.DEAD.value, 0),
            delivered=by_state[s].get(DeliveryState.DELIVERED.value, 0),
            oldest_pending_at=oldest.get(s),
        )
        for s in subscription_ids
    }


def page(
    session: Session,
    *,
    subscription_id: str,
    state: DeliveryState | None,
    before_id: int | None,
    limit: int,
) -> list[Delivery]:
    query = select(Delivery).where(Delivery.subscription_id == subscription_id)
    if state is not None:
        query = query.where(Delivery.state == state)
    if before_id is not None:
        query = query.where(Delivery.id < before_id)
    return list(session.scalars(query.order_by(Delivery.id.desc()).limit(limit)))


def existing_for_events(
    session: Session, *, subscription_id: str, event_ids: Sequence[int]
) -> dict[int, Delivery]:
    if not event_ids:
        return {}
    rows = session.scalars(
        select(Delivery).where(
            and_(Delivery.subscription_id == subscription_id, Delivery.event_id.in_(event_ids))
        )
    )
    return {d.event_id: d for d in rows}


def requeue(session: Session, delivery_ids: Sequence[int], *, now: datetime) -> None:
    """Send these again from the first attempt (their attempt history stays).

    A lease is kept: an attempt still out finishes first, then the replay goes (see
    ``record_outcomes``), so two requests for one delivery never overlap.
    """
    if delivery_ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(list(delivery_ids)))
            .values(
                state=DeliveryState.PENDING,
                attempts=0,
                next_attempt_at=now,
                claim_token=None,
                last_status=None,
                last_error="",
                delivered_at=None,
            )
        )
