from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MatchDecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    golden_id: str
    outcome: str = Field(description="founded, joined, stayed or moved")
    weight: float | None = Field(description="Match weight (log2 odds) of the deciding pair")
    explanation: dict[str, Any] = Field(
        description=(
            "merged_by: the deciding pair with per-comparison values, levels and weights; "
            "candidates opened; pairs refused by hard rules; neighbourhood size"
        )
    )
    rule_set_version: str
    trigger: str
    actor: str
    created_at: datetime


class MatchCandidateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    domain: str
    kind: str = Field(description="record_golden or golden_golden")
    status: str
    left_golden_id: str
    right_golden_id: str
    left_record_id: int
    right_record_id: int
    reason: str = Field(description="review_band, contrary_evidence, chain_guard or size_guard")
    weight: float
    probability: float
    threshold_gap: float = Field(
        description=(
            "How far below the auto-match threshold; negative when the pair reached it and a "
            "guard held it back (contrary_evidence, chain_guard, size_guard)"
        )
    )
    explanation: dict[str, Any]
    rule_set_version: str
    created_at: datetime
    updated_at: datetime


class MatchCandidatePage(BaseModel):
    candidates: list[MatchCandidateOut]
    next_after_id: int | None


class RuleSetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    domain: str
    version: str
    status: str
    note: str
    created_by: str
    created_at: datetime
    activated_at: datetime | None
    settings: dict[str, Any]


class RuleSetIn(BaseModel):
    settings: dict[str, Any] = Field(description="MatchSettings JSON (see docs/matching.md)")
    note: str = ""


class RematchOut(BaseModel):
    records: int
    compared_pairs: int
    clusters: int
    moved: int
    founded: int
    candidates: int


class PreviewOut(BaseModel):
    domain: str
    version: str
    active_version: str
    records: int
    compared_pairs: int
    golden_records_now: int
    clusters_after: int
    merges: list[list[str]]
    splits: list[tuple[str, list[list[int]]]]
    review_pairs: int
    candidates: int
