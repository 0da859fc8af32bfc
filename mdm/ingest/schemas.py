from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

RECORD_EXAMPLE: dict[str, Any] = {
    "source_key": "P-1001",
    "attributes": {
        "name": "SMITH, JOHN A MD",
        "npi": "1234567893",
        "phone": "(512) 555-0142",
        "birth_date": "03/14/1975",
    },
    "references": {"practice_locations": ["L-10", {"source": "erp", "key": "LOC-0042"}]},
    "status": "active",
}


class BatchRequest(BaseModel):
    """A batch of records from one source system for one domain.

    Each record is ``{"source_key", "attributes", "references"?, "status"?}``. Records are
    validated one by one, so a bad record is refused on its own and the others land.
    """

    records: list[Any] = Field(
        description="Records to upsert (see the example). Validated row by row.",
        json_schema_extra={"examples": [[RECORD_EXAMPLE]]},
    )


class FieldErrorOut(BaseModel):
    field: str = Field(
        description="Dotted path of the offending field, e.g. attributes.address.state"
    )
    code: str
    reason: str


class QualityIssueOut(BaseModel):
    field: str
    code: str
    reason: str


class RowResultOut(BaseModel):
    index: int
    source_key: str | None
    outcome: str = Field(description="created, updated, unchanged, deleted or rejected")
    golden_id: str | None
    record_version: int | None
    errors: list[FieldErrorOut]
    issues: list[QualityIssueOut] = Field(description="Kept with the record, e.g. a failing NPI")
    reject_id: int | None = Field(description="Where a refused row is kept in the rejects queue")
    match: dict[str, Any] | None = Field(
        default=None,
        description=(
            "How matching placed the record: decision (founded, joined, stayed, moved), the "
            "weight and explanation summary of the pair that decided it, the rule-set version "
            "and the IDs of match candidates opened for stewards"
        ),
    )


class BatchCounts(BaseModel):
    received: int
    created: int
    updated: int
    unchanged: int
    rejected: int


class BatchResponse(BaseModel):
    batch_id: str
    source: str
    domain: str
    counts: BatchCounts
    results: list[RowResultOut]


class ReferenceOut(BaseModel):
    name: str
    target_domain: str
    target_system: str
    target_key: str


class SourceRecordOut(BaseModel):
    source: str
    domain: str
    source_key: str
    status: str
    golden_id: str
    version: int
    attributes: dict[str, Any]
    raw: dict[str, Any]
    quality_issues: list[QualityIssueOut]
    references: list[ReferenceOut]
    created_at: datetime
    updated_at: datetime


class FileLoadCounts(BaseModel):
    records: int = Field(description="Records read: the file's non-blank lines")
    created: int
    updated: int
    unchanged: int
    rejected: int


class FileLoadResponse(BaseModel):
    load_id: str = Field(description="Names the load in the audit log (action ingest.file)")
    source: str
    domain: str
    counts: FileLoadCounts
    batch_ids: list[str] = Field(
        description="One batch per chunk, committed in turn; rejects carry their batch ID"
    )
    refused: list[RowResultOut] = Field(
        description=(
            "Refused lines (index = line number), the first 1,000; every refused line is in "
            "the rejects queue"
        )
    )
    seconds: float
