"""What stewards decide and what merges and splits did, kept so each can be explained and undone.

* :class:`GoldenPin`: a steward's value for one attribute of a golden record; it beats every
  source until unpinned.
* :class:`GoldenMerge`: one golden record absorbed into another, with what moved, so that a
  later split can restore exactly the state before it.
* :class:`GoldenSplit`: source records taken out of a golden record, and where they went.
* :class:`StewardshipSetting`: per-domain workflow settings (four-eyes approval of merges).
* :class:`RecordCorrection`: a steward's correction of a source record's payload, with the
  payload as the source sent it, so nothing a source sent is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, JSONType, UTCDateTime, utcnow


class GoldenPin(Base):
    __tablename__ = "golden_pin"
    __table_args__ = (UniqueConstraint("golden_id", "attribute"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    golden_id: Mapped[str] = mapped_column(ForeignKey("golden_record.id"), index=True)
    attribute: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500))
    # A pin the survivor took over from the golden record it absorbed; a split that undoes the
    # merge gives it back.
    carried_by_merge_id: Mapped[int | None] = mapped_column(
        ForeignKey("golden_merge.id"), default=None
    )
    # For a carried pin, the golden record whose steward pinned it (its own pin stays there).
    origin_golden_id: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GoldenMerge(Base):
    __tablename__ = "golden_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    survivor_id: Mapped[str] = mapped_column(ForeignKey("golden_record.id"), index=True)
    absorbed_id: Mapped[str] = mapped_column(ForeignKey("golden_record.id"), index=True)
    # "steward" (a decision or a manual merge) or "matching" (records re-clustered together).
    kind: Mapped[str] = mapped_column(String(16))
    # The absorbed golden record's source records at the time of the merge.
    record_ids: Mapped[list[Any]] = mapped_column(JSONType)
    # The survivor's source records at the time of the merge: its own, for provenance.
    survivor_record_ids: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # Downstream keys that moved from the absorbed golden record to the survivor.
    downstream_key_ids: Mapped[list[Any]] = mapped_column(JSONType)
    candidate_id: Mapped[int | None] = mapped_column(Integer, default=None)
    actor: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200), default=None)
    reason: Mapped[str] = mapped_column(String(500))
    rule_set_version: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_by_split_id: Mapped[int | None] = mapped_column(Integer, default=None)


class GoldenSplit(Base):
    __tablename__ = "golden_split"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    golden_id: Mapped[str] = mapped_column(ForeignKey("golden_record.id"), index=True)
    record_ids: Mapped[list[Any]] = mapped_column(JSONType)
    # Where the split records went: golden IDs, revived (a merge undone) or founded.
    result_golden_ids: Mapped[list[Any]] = mapped_column(JSONType)
    undid_merge_ids: Mapped[list[Any]] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500))
    rule_set_version: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StewardshipSetting(Base):
    __tablename__ = "stewardship_setting"

    domain: Mapped[str] = mapped_column(String(32), primary_key=True)
    # A merge proposed by one steward takes effect only when a second steward approves it.
    four_eyes: Mapped[bool] = mapped_column(Boolean, default=False)
    # Added to the priority of this domain's match candidates, so a governance team can put,
    # say, providers (credentialing, claims) ahead of cost centers.
    queue_weight: Mapped[float] = mapped_column(Float, default=0.0)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordCorrection(Base):
    __tablename__ = "record_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    before: Mapped[dict[str, Any]] = mapped_column(JSONType)
    after: Mapped[dict[str, Any]] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
