from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from mdm.ingest.schemas import QualityIssueOut, RowResultOut


class RecordWithIssues(BaseModel):
    id: int = Field(description="The source record's ID in the hub; the page cursor")
    source: str
    domain: str
    source_key: str
    status: str
    golden_id: str = Field(description="Resolved through merges")
    version: int
    issues: list[QualityIssueOut]
    attributes: dict[str, Any] = Field(description="Standardised, sensitive values masked")
    updated_at: datetime


class RecordWithIssuesPage(BaseModel):
    records: list[RecordWithIssues]
    next_after_id: int | None


class RecordCorrect(BaseModel):
    """A steward's correction of a source record, ingested as if its source had sent it."""

    payload: dict[str, Any] = Field(
        description=(
            "The record as the source would send it, without source_key or with the same one. "
            "attributes replaces the whole attribute set; references or status left out keep "
            "what the source sent. A sensitive value sent back exactly as the API showed it "
            "masked keeps the value the source sent."
        ),
        json_schema_extra={
            "examples": [{"attributes": {"name": "SMITH, JOHN A MD", "npi": "1234567893"}}]
        },
    )
    reason: str = Field(max_length=2000, description="Why (required), for the audit log")


class RecordCorrection(BaseModel):
    id: int
    source: str
    domain: str
    source_key: str
    before: dict[str, Any] = Field(description="The payload it replaced (as the source sent it)")
    after: dict[str, Any] = Field(description="The payload as corrected")
    actor: str
    reason: str
    created_at: datetime
    in_effect: bool = Field(
        description=(
            "False once the source has sent the record again: what a source sends overwrites "
            "a steward's correction, so the fix belongs in the source too"
        )
    )


class RecordCorrected(BaseModel):
    result: RowResultOut = Field(description="What ingestion did: golden ID, version, match")
    remaining_issues: list[QualityIssueOut]
    correction: RecordCorrection


class QueueCounts(BaseModel):
    total: int
    by_domain: dict[str, int]
    by_code: dict[str, int] = Field(
        description="Per refusal or issue code; an item with two codes counts under both"
    )


class QualitySummary(BaseModel):
    open_rejects: QueueCounts
    records_with_issues: QueueCounts
