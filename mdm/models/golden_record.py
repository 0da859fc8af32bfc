from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, JSONType, UTCDateTime, utcnow


class GoldenStatus(enum.StrEnum):
    ACTIVE = "active"
    # Every source record behind it was deleted or deactivated; the ID still resolves.
    INACTIVE = "inactive"
    # Absorbed by another golden record; ``merged_into_id`` names the survivor.
    MERGED = "merged"


class GoldenRecord(Base):
    """The hub's one record per real-world thing. Its ID is stable and opaque forever."""

    __tablename__ = "golden_record"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    domain: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[GoldenStatus] = mapped_column(
        Enum(
            GoldenStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=GoldenStatus.ACTIVE,
    )
    merged_into_id: Mapped[str | None] = mapped_column(
        ForeignKey("golden_record.id"), index=True, default=None
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The number of the last outbox event about this golden record (see OutboxEvent.sequence).
    event_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # attribute -> {"source_record_id", "source_system", "source_key", "rule", "observed_at"}
    lineage: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GoldenVersion(Base):
    """One entry of a golden record's history: a full snapshot plus what changed and why."""

    __tablename__ = "golden_version"
    __table_args__ = (UniqueConstraint("golden_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    golden_id: Mapped[str] = mapped_column(ForeignKey("golden_record.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType)
    lineage: Mapped[dict[str, Any]] = mapped_column(JSONType)
    member_ids: Mapped[list[Any]] = mapped_column(JSONType)
    changed_attributes: Mapped[list[Any]] = mapped_column(JSONType)
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200))
    rule_set_version: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_golden_record_domain_status", GoldenRecord.domain, GoldenRecord.status)
