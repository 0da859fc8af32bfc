"""What matching keeps in the database: rule sets, the blocking index, scored pairs, the
decisions made for each record, match candidates for stewards, and stewards' link constraints.

All of it lives in the database, not in process memory, so every API process and worker sees
the same blocking index and the same decisions.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base, JSONType, UTCDateTime, utcnow


def _enum(cls: type[enum.StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class RuleSetStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class MatchRuleSet(Base):
    """A version of a domain's match settings (JSON); one per domain is active."""

    __tablename__ = "match_rule_set"
    __table_args__ = (UniqueConstraint("version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[str] = mapped_column(String(100))
    status: Mapped[RuleSetStatus] = mapped_column(_enum(RuleSetStatus))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class BlockingKey(Base):
    """The blocking index: one row per (record, blocking key).

    Keys are stored as hashes: they are fixed-size, index well, and a blocking key built from a
    sensitive value (an SSN) is not readable from the table. A hash is a 64-bit integer (see
    :func:`mdm.match.repository.hash_key`): the index every match reads is a third of the size
    of one on hex text (Febrl 4's keys: 2.8 MB against 8.5 MB), and quicker to write and probe.
    """

    __tablename__ = "blocking_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[int] = mapped_column(BigInteger)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )


# The hash names its domain, so the key alone finds a block (the domain is checked on the row).
Index("ix_blocking_key_lookup", BlockingKey.key_hash)


class PairVerdict(enum.StrEnum):
    MATCH = "match"
    REVIEW = "review"
    CANNOT_LINK = "cannot_link"


class MatchPair(Base):
    """A scored pair of source records that reached review or better (or a refused strong one).

    Non-matches are not stored: they tie nothing together and can be re-scored on demand.
    """

    __tablename__ = "match_pair"
    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    # record_a_id < record_b_id, so a pair is stored once.
    record_a_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    record_b_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    verdict: Mapped[PairVerdict] = mapped_column(_enum(PairVerdict))
    weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType)
    rule_set_version: Mapped[str] = mapped_column(String(100))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionOutcome(enum.StrEnum):
    FOUNDED = "founded"  # no golden record matched: the record founded its own
    JOINED = "joined"  # the record joined an existing golden record
    STAYED = "stayed"  # re-matched and still where it was
    MOVED = "moved"  # re-matching moved it to another golden record


class MatchDecision(Base):
    """Why a record is in its golden record: the decision, score, explanation and rule set."""

    __tablename__ = "match_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    golden_id: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[DecisionOutcome] = mapped_column(_enum(DecisionOutcome))
    weight: Mapped[float | None] = mapped_column(Float, default=None)
    # The pair that joined the record to its cluster, with per-comparison weights; plus the
    # candidates and refusals seen, so the decision can be explained later.
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType)
    rule_set_version: Mapped[str] = mapped_column(String(100))
    trigger: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CandidateStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    # Four-eyes: one steward accepted the merge; it takes effect when a second one approves.
    PENDING_APPROVAL = "pending_approval"
    # The records moved (a new record, a change, a steward decision elsewhere) and the pair no
    # longer stands as proposed; a fresh candidate replaces it if one is still due.
    SUPERSEDED = "superseded"


# The reason of a candidate that is a steward's own merge request (four-eyes), not matching's
# proposal: re-clustering never refreshes or supersedes it.
STEWARD_REQUEST = "steward_request"


class CandidateKind(enum.StrEnum):
    RECORD_TO_GOLDEN = "record_golden"
    GOLDEN_TO_GOLDEN = "golden_golden"


class MatchCandidate(Base):
    """Two golden records (or a record and a golden record) a steward should decide on."""

    __tablename__ = "match_candidate"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    kind: Mapped[CandidateKind] = mapped_column(_enum(CandidateKind))
    status: Mapped[CandidateStatus] = mapped_column(_enum(CandidateStatus))
    # left_golden_id < right_golden_id for a stable identity of the pair.
    left_golden_id: Mapped[str] = mapped_column(String(32))
    right_golden_id: Mapped[str] = mapped_column(String(32))
    left_record_id: Mapped[int] = mapped_column(Integer)
    right_record_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))
    weight: Mapped[float] = mapped_column(Float)
    probability: Mapped[float] = mapped_column(Float)
    # Distance to the auto-match threshold: the closer, the more a decision is worth.
    threshold_gap: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType)
    rule_set_version: Mapped[str] = mapped_column(String(100))
    # Queue order: closeness to the auto-match threshold, the domain, and how many downstream
    # systems the golden records feed, fixed when proposed; plus one point per day of age.
    # ``priority_key`` is that priority less the creation day, so ordering by it in SQL is
    # ordering by priority at any moment (age grows by the same amount for every row).
    base_priority: Mapped[float] = mapped_column(Float, default=0.0)
    priority_key: Mapped[float] = mapped_column(Float, default=0.0)
    downstream_systems: Mapped[int] = mapped_column(Integer, default=0)
    assignee: Mapped[str | None] = mapped_column(String(200), default=None)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Four-eyes: who accepted first and when; ``decided_by`` is whoever made it final.
    proposed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index(
    "ix_match_candidate_priority",
    MatchCandidate.status,
    MatchCandidate.domain,
    MatchCandidate.priority_key,
)
Index("ix_match_candidate_assignee", MatchCandidate.assignee, MatchCandidate.status)
Index("ix_match_candidate_queue", MatchCandidate.status, MatchCandidate.domain, MatchCandidate.id)
Index("ix_match_candidate_pair", MatchCandidate.left_golden_id, MatchCandidate.right_golden_id)
Index("ix_match_candidate_right", MatchCandidate.right_golden_id)


class LinkKind(enum.StrEnum):
    MUST_LINK = "must_link"
    CANNOT_LINK = "cannot_link"


class StewardLink(Base):
    """A steward's decision about two source records: same thing, or never the same thing.

    "Not a match" is remembered here so the pair is never proposed again, whatever the scores.
    """

    __tablename__ = "steward_link"
    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    record_a_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    record_b_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LinkKind] = mapped_column(_enum(LinkKind))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
