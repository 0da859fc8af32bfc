from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mdm.models.base import Base, JSONType, UTCDateTime, utcnow
from mdm.models.source_system import SourceSystem


class SourceRecordStatus(enum.StrEnum):
    ACTIVE = "active"
    # The source said the thing is no longer in use; the record is kept, out of survivorship.
    INACTIVE = "inactive"
    # The source deleted it; kept for history and the crosswalk, out of survivorship.
    DELETED = "deleted"


class SourceRecord(Base):
    """A record as one source system sent it, standardised, and the golden record it belongs to."""

    __tablename__ = "source_record"
    __table_args__ = (UniqueConstraint("source_system_id", "domain", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_system_id: Mapped[int] = mapped_column(ForeignKey("source_system.id"))
    # Matching keys records by system code and key, which do not depend on the order systems
    # were registered in (row IDs do); systems are few, so loading them with records is cheap.
    source_system: Mapped[SourceSystem] = relationship(lazy="selectin")
    domain: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[SourceRecordStatus] = mapped_column(
        Enum(
            SourceRecordStatus,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=SourceRecordStatus.ACTIVE,
    )
    golden_id: Mapped[str] = mapped_column(ForeignKey("golden_record.id"), index=True)
    # What the source sent, untouched: nothing a source sent is lost.
    raw: Mapped[dict[str, Any]] = mapped_column(JSONType, deferred=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Problems kept with the record instead of refusing it, e.g. an NPI failing its check digit.
    quality_issues: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    payload_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordIdentifier(Base):
    """Index of a source record's identifiers, for lookups by identifier."""

    __tablename__ = "record_identifier"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(32))
    scheme: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))
    valid: Mapped[bool] = mapped_column(Boolean)


Index(
    "ix_record_identifier_lookup",
    RecordIdentifier.domain,
    RecordIdentifier.scheme,
    RecordIdentifier.value,
)


class SourceRecordReference(Base):
    """A source record pointing at another record by a source system's own key.

    It is resolved through the crosswalk when read, so it follows the target into whatever golden
    record the target belongs to now, including after merges.
    """

    __tablename__ = "source_record_reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    target_domain: Mapped[str] = mapped_column(String(32))
    target_system_id: Mapped[int] = mapped_column(ForeignKey("source_system.id"))
    target_key: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


Index(
    "ix_source_record_reference_target",
    SourceRecordReference.target_system_id,
    SourceRecordReference.target_domain,
    SourceRecordReference.target_key,
)
