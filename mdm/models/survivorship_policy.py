from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, JSONType, UTCDateTime, utcnow
from mdm.models.match import RuleSetStatus, _enum


class SurvivorshipPolicyVersion(Base):
    """A version of a domain's survivorship policy (JSON); one per domain is active."""

    __tablename__ = "survivorship_policy"
    __table_args__ = (UniqueConstraint("version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[str] = mapped_column(String(100))
    status: Mapped[RuleSetStatus] = mapped_column(_enum(RuleSetStatus))
    policy: Mapped[dict[str, Any]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
