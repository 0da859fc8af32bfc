from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field


class SubscriptionIn(BaseModel):
    url: str = Field(
        max_length=2000,
        description="Where events are POSTed. http(s) only; private, loopback, link-local and "
        "cloud metadata addresses are refused unless an operator allow-listed them.",
    )
    description: str = Field(default="", max_length=500)
    source_system: str | None = Field(
        default=None,
        description="The subscriber's own source-system code: events then carry its own keys "
        "for each golden record (data.recipient.keys).",
    )
    domains: list[str] = Field(default_factory=list, description="Empty: every domain.")
    event_types: list[str] = Field(
        default_factory=list,
        description="Kinds wanted (created, updated, merged, ...). Empty: every golden-record "
        "kind; the hub's own subscription_disabled only when named.",
    )


class SubscriptionPatch(BaseModel):
    url: str | None = Field(default=None, max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    source_system: str | None = Field(
        default=None, description="A code, or an empty string to stop receiving own keys."
    )
    domains: list[str] | None = None
    event_types: list[str] | None = None


class Health(BaseModel):
    pending: int = Field(description="Deliveries not yet delivered (including the failed ones).")
    failed: int = Field(
        description="Pending deliveries whose attempts so far failed; they are being retried."
    )
    dead_lettered: int
    delivered: int
    oldest_pending_age_seconds: float | None = Field(
        description="Age of the oldest undelivered event; null when nothing waits."
    )


class SubscriptionOut(BaseModel):
    id: str
    url: str
    description: str
    source_system: str | None
    domains: list[str]
    event_types: list[str]
    status: str
    status_reason: str
    status_changed_at: datetime
    failing_since: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    secret_created_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    health: Health


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="whsec_ secret, shown only now: store it to verify signatures.")


class SubscriptionsOut(BaseModel):
    subscriptions: list[SubscriptionOut]


class PauseIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


class RotateIn(BaseModel):
    overlap_hours: float | None = Field(
        default=None,
        ge=0,
        le=24 * 14,
        description="How long the old secret keeps signing (default: the hub's setting).",
    )


class SecretOut(BaseModel):
    secret: str = Field(description="The new whsec_ secret, shown only now.")
    previous_valid_until: datetime


class AttemptOut(BaseModel):
    attempt: int
    outcome: str
    status: int | None
    error: str
    response_excerpt: str
    duration_ms: float
    attempted_at: datetime


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    type: str
    subject: str
    sequence: int
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryDetail(DeliveryOut):
    attempt_history: list[AttemptOut]
    event: dict[str, Any] = Field(description="The CloudEvent as this subscriber receives it.")


class DeliveriesOut(BaseModel):
    deliveries: list[DeliveryOut]
    next_before_id: int | None


# Row IDs and positions are 64-bit; anything larger is refused as a 422, not a 500.
MAX_ID = 2**63 - 1


class ReplayIn(BaseModel):
    since: AwareDatetime | None = Field(
        default=None, description="Events at or after this time (with its time zone)."
    )
    until: AwareDatetime | None = Field(
        default=None, description="Events before this time (with its time zone)."
    )
    from_position: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="Events at or after this change-feed position."
    )
    golden_id: str | None = Field(
        default=None, max_length=40, description="Only this golden record's events."
    )
    from_sequence: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="With golden_id: its events from this on."
    )


class ReplayOut(BaseModel):
    requeued: int
    created: int
