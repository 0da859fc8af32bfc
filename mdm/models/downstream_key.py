from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, UTCDateTime, utcnow


class DownstreamKey(Base):
    """A key that a downstream system (ERP, billing, supply) created for a golden record.

    Keys of records a system *sent* live on :class:`SourceRecord`; this table holds the keys a
    system registered back, so the crosswalk answers both ways.
    """

    __tablename__ = "downstream_key"
    __table_args__ = (UniqueConstraint("source_system_id", "domain", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_system_id: Mapped[int] = mapped_column(ForeignKey("source_system.id"))
    domain: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    golden_id: Mapped[str] = mapped_column(ForeignKey("golden_record.id"), index=True)
    registered_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
