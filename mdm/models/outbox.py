"""The transactional outbox: one row per canonical change, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, BigID, JSONType, UTCDateTime, utcnow


class OutboxEvent(Base):
    """A canonical change as subscribers see it (a CloudEvent without the receiver's part).

    ``sequence`` counts the events of one subject (a golden record, or a subscription for the
    hub's own events) from 1, without gaps, in commit order: the subject's row is locked when
    the number is taken. ``position`` is the change feed's cursor; it is given after commit by
    the sequencer (:mod:`mdm.delivery.service`), so a transaction that commits late still
    gets a later position and a reader that follows the cursor never skips an event.
    """

    __tablename__ = "outbox_event"
    __table_args__ = (UniqueConstraint("subject", "sequence"),)

    id: Mapped[int] = mapped_column(BigID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int | None] = mapped_column(BigInteger, unique=True, default=None)
    domain: Mapped[str | None] = mapped_column(String(32), default=None)
    # The event type is ``<prefix>.<domain or "hub">.<kind>.v1``; the prefix is configuration.
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The feed's and the replay's reads by time; the sequencer's scan for events without a position.
Index("ix_outbox_event_occurred_at", OutboxEvent.occurred_at)
Index(
    "ix_outbox_event_unpositioned",
    OutboxEvent.id,
    sqlite_where=OutboxEvent.position.is_(None),
    postgresql_where=OutboxEvent.position.is_(None),
)
