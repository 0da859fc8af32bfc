from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mdm.match.schemas import MatchCandidateOut


class CandidateSide(BaseModel):
    golden_id: str = Field(description="The golden record now, merges followed")
    record: str | None = Field(description="The source record of the pair, as system:key")
    attributes: dict[str, Any] = Field(description="The golden record's attributes, masked")


class QueueItem(MatchCandidateOut):
    model_config = ConfigDict(from_attributes=True)

    priority: float = Field(
        description="Closeness to auto-match (0-100) + 10 per downstream system fed + the "
        "domain's queue weight + 1 per day waiting"
    )
    base_priority: float
    downstream_systems: int
    assignee: str | None
    assigned_at: datetime | None
    proposed_by: str | None = Field(description="Four-eyes: who accepted it first")
    proposed_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    comment: str


class QueueItemDetail(QueueItem):
    left: CandidateSide
    right: CandidateSide


class QueuePage(BaseModel):
    candidates: list[QueueItem]
    total: int
    offset: int


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    force: bool = Field(default=False, description="Take over another steward's claim")


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee: str


ActionName = Literal["accept", "reject", "defer", "approve", "decline"]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: ActionName
    comment: str = Field(default="", max_length=2000)


class BulkDecisionItem(DecisionIn):
    candidate_id: int = Field(ge=1, le=2**31 - 1)


class BulkDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decisions: list[BulkDecisionItem] = Field(min_length=1, max_length=500)


class MergeOut(BaseModel):
    survivor_id: str
    absorbed_id: str
    merge_id: int
    survivor_version: int
    rule_set_version: str


class DecisionOut(BaseModel):
    candidate: QueueItem
    merge: MergeOut | None = None


class BulkResult(BaseModel):
    candidate_id: int
    ok: bool
    status: str | None = None
    merge: MergeOut | None = None
    error: dict[str, Any] | None = None


class BulkDecisionOut(BaseModel):
    results: list[BulkResult]
    succeeded: int
    failed: int


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    golden_ids: list[str] = Field(min_length=2, max_length=2)
    reason: str = Field(max_length=500)
    force: bool = Field(
        default=False,
        description="Merge even though a hard rule forbids it (two different valid NPIs)",
    )


class MergeRequestOut(BaseModel):
    """The outcome of a manual merge: done, or waiting for a second steward (four-eyes)."""

    status: Literal["merged", "pending_approval"]
    merge: MergeOut | None = None
    candidate: QueueItem | None = None


class RecordRefIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    key: str


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    golden_id: str
    records: list[RecordRefIn] = Field(min_length=1, max_length=500)
    reason: str = Field(max_length=500)
    together: bool = Field(
        default=True,
        description="Keep the split records together as one golden record (else one each)",
    )


class PlacedOut(BaseModel):
    source: str
    key: str
    golden_id: str


class SplitOut(BaseModel):
    split_id: int
    golden_id: str
    placed: list[PlacedOut]
    restored: list[str] = Field(description="Golden records a merge had absorbed, brought back")
    founded: list[str]
    undid_merge_ids: list[int]


class GoldenMergeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    survivor_id: str
    absorbed_id: str
    kind: str
    record_ids: list[int]
    downstream_key_ids: list[int]
    candidate_id: int | None
    actor: str
    approved_by: str | None
    reason: str
    rule_set_version: str
    created_at: datetime
    undone_by_split_id: int | None


class GoldenSplitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    golden_id: str
    record_ids: list[int]
    result_golden_ids: list[str]
    undid_merge_ids: list[int]
    actor: str
    reason: str
    rule_set_version: str
    created_at: datetime


class MergeHistoryOut(BaseModel):
    merges: list[GoldenMergeOut]
    splits: list[GoldenSplitOut]


class StewardshipSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    four_eyes: bool
    queue_weight: float = Field(default=0.0, ge=-1000, le=1000)


class StewardshipSettingsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    domain: str
    four_eyes: bool
    queue_weight: float
    updated_by: str
    updated_at: datetime | None
