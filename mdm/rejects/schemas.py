from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mdm.ingest.schemas import RowResultOut


class FieldErrorOut(BaseModel):
    field: str
    code: str
    reason: str


class Reject(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_system_code: str
    domain: str
    source_key: str | None
    batch_id: str | None
    row_index: int | None
    payload: Any = Field(description="The row as the source sent it (sensitive values masked)")
    errors: list[FieldErrorOut]
    status: str = Field(description="open, resubmitted or dismissed")
    times_received: int
    created_at: datetime
    last_received_at: datetime
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution_note: str = ""
    corrected_payload: Any = Field(
        default=None, description="The row as a steward corrected and re-submitted it"
    )
    resolved_record_id: int | None = Field(
        default=None, description="The source record a re-submitted row became"
    )


class RejectPage(BaseModel):
    rejects: list[Reject]
    next_after_id: int | None


class RejectResubmit(BaseModel):
    """A refused row corrected by a steward, re-run through ingestion as its source system."""

    payload: dict[str, Any] = Field(
        description=(
            "The corrected row, shaped as in a batch: source_key (may be left out to keep the "
            "refused row's), attributes, references, status. A sensitive value sent back "
            "exactly as the API showed it masked keeps the value the source sent."
        ),
        json_schema_extra={
            "examples": [
                {
                    "source_key": "P-1001",
                    "attributes": {"name": "SMITH, JOHN A MD", "birth_date": "1975-02-28"},
                }
            ]
        },
    )
    note: str = Field(default="", max_length=500, description="Why, for the audit log")


class RejectDismiss(BaseModel):
    note: str = Field(max_length=500, description="Why the row is not loaded (required)")


class RejectResubmitted(BaseModel):
    reject: Reject
    result: RowResultOut = Field(description="What ingestion did with the corrected row")
