from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, JSONType, UTCDateTime, utcnow


class RejectStatus(enum.StrEnum):
    OPEN = "open"
    # Fixed and sent again; ``resolved_record_id`` says which source record it became.
    RESUBMITTED = "resubmitted"
    DISMISSED = "dismissed"


class Reject(Base):
    """A row the hub refused, kept whole with the reasons, so nothing a source sent is lost."""

    __tablename__ = "reject"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_system_code: Mapped[str] = mapped_column(String(64))
    domain: Mapped[str] = mapped_column(String(64))
    source_key: Mapped[str | None] = mapped_column(String(200), default=None)
    batch_id: Mapped[str | None] = mapped_column(String(64), default=None)
    row_index: Mapped[int | None] = mapped_column(Integer, default=None)
    payload: Mapped[Any] = mapped_column(JSONType)
    errors: Mapped[list[Any]] = mapped_column(JSONType)
    status: Mapped[RejectStatus] = mapped_column(
        Enum(
            RejectStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=RejectStatus.OPEN,
    )
    resolved_record_id: Mapped[int | None] = mapped_column(Integer, default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(200), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolution_note: Mapped[str] = mapped_column(String(500), default="")
    # The payload as a steward corrected and re-submitted it; ``payload`` stays as sent.
    corrected_payload: Mapped[Any] = mapped_column(JSONType, default=None, nullable=True)
    # The same bad row sent again (a nightly re-export, a retried batch) is one item of work for a
    # steward, not many: it bumps these on the open reject instead of queueing a copy.
    payload_hash: Mapped[str] = mapped_column(String(64), default="")
    times_received: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_reject_queue", Reject.status, Reject.domain, Reject.source_system_code)
Index("ix_reject_payload", Reject.source_system_code, Reject.domain, Reject.payload_hash)
