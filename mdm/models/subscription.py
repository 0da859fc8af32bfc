"""Webhook subscriptions, their signing secrets, and one delivery row per (event, endpoint)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, BigID, JSONType, UTCDateTime, utcnow


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class SubscriptionStatus(enum.StrEnum):
    ACTIVE = "active"
    # Stopped by the subscriber or an operator; deliveries accumulate and go out on resume.
    PAUSED = "paused"
    # Stopped by the hub: the endpoint answered 410 Gone, or failed for days.
    DISABLED = "disabled"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    # Every attempt of the retry schedule failed; kept, visible, and replayable.
    DEAD = "dead"


class Subscription(Base):
    """An endpoint that receives the hub's events, signed with its own secret."""

    __tablename__ = "webhook_subscription"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    # The subscriber's own system in the crosswalk: events carry its keys for each golden record.
    source_system_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_system.id"), default=None
    )
    domains: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    event_types: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    status: Mapped[SubscriptionStatus] = mapped_column(
        _enum(SubscriptionStatus), default=SubscriptionStatus.ACTIVE
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Since when every attempt has failed (None while the endpoint answers); drives auto-disable.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The hub's own events about this subscription (disabled) are numbered like a golden record's.
    event_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubscriptionSecret(Base):
    """A signing secret. During a rotation the old one signs too, until ``expires_at``."""

    __tablename__ = "webhook_secret"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_subscription.id", ondelete="CASCADE"), index=True
    )
    # Kept as given: the hub must sign with it. Protect the database like the secrets it holds.
    secret: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Delivery(Base):
    """The truth about one event's delivery to one endpoint; Celery only triggers the work."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    subscription_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_subscription.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(BigID, ForeignKey("outbox_event.id"))
    # Copied from the event: the per-endpoint, per-subject ordering reads only this table.
    subject: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    state: Mapped[DeliveryState] = mapped_column(
        _enum(DeliveryState), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set while a worker holds the delivery; a worker that dies lets it lapse, and another
    # worker takes the delivery again.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Names the claim that holds the lease: an answer is written only by the claim it belongs
    # to (a replay or a lapsed lease gives the delivery a new claim).
    claim_token: Mapped[str | None] = mapped_column(String(32), default=None)
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryAttempt(Base):
    """One HTTP attempt of a delivery, for operators asking why it failed."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        BigID, ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    status: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[float] = mapped_column(Float)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Both scans of the workers read pending deliveries only; partial indexes keep them small
# however many delivered rows accumulate, and give the planner an index for the ordering check
# even before statistics exist (without it, PostgreSQL chose a quadratic anti-join).
_PENDING = text("state = 'pending'")
Index(
    "ix_webhook_delivery_due",
    Delivery.subscription_id,
    Delivery.next_attempt_at,
    Delivery.id,
    sqlite_where=_PENDING,
    postgresql_where=_PENDING,
)
Index(
    "ix_webhook_delivery_pending_order",
    Delivery.subscription_id,
    Delivery.subject,
    Delivery.sequence,
    sqlite_where=_PENDING,
    postgresql_where=_PENDING,
)
Index("ix_webhook_delivery_event", Delivery.event_id)
# Counting what is done (delivered, dead); pending rows are counted with the index above. Kept
# apart on purpose: an index holding pending rows by endpoint and state tempted the planner to
# probe it for the ordering check and filter by subject, linear in an endpoint's backlog.
_DONE = text("state <> 'pending'")
Index(
    "ix_webhook_delivery_counts",
    Delivery.subscription_id,
    Delivery.state,
    sqlite_where=_DONE,
    postgresql_where=_DONE,
)
