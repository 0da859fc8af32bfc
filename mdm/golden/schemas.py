from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ContributorOut(BaseModel):
    source_record_id: int
    source_system: str
    source_key: str


class LineageOut(BaseModel):
    source_record_id: int | None = Field(description="Null for a steward's pinned value")
    source_system: str | None
    source_key: str | None
    rule: str = Field(
        description="The survivorship rule that chose this value: a rule kind of the policy "
        "(source_priority, most_recent, ...), agreed, only_source, union, <rule>+tie_break, or "
        "steward_pin"
    )
    observed_at: datetime | None = Field(description="When the source sent it, or when pinned")
    contributors: list[ContributorOut] = Field(
        default_factory=list, description="union: every record that contributed a value"
    )
    pinned_by: str | None = None
    pin_reason: str | None = None


class MemberOut(BaseModel):
    source: str
    source_key: str
    status: str
    version: int


class RelationshipOut(BaseModel):
    name: str
    target_domain: str
    golden_id: str | None = Field(
        description="Resolved through the crosswalk; null while unresolved"
    )
    via_system: str
    via_key: str


class GoldenRecordOut(BaseModel):
    id: str
    domain: str
    status: str
    version: int
    requested_id: str | None = Field(
        description="Set when the ID asked for was merged away; it resolves to id forever"
    )
    attributes: dict[str, Any]
    lineage: dict[str, LineageOut]
    members: list[MemberOut]
    relationships: list[RelationshipOut]
    created_at: datetime
    updated_at: datetime


class GoldenSummaryOut(BaseModel):
    id: str
    domain: str
    status: str
    version: int
    merged_into_id: str | None
    attributes: dict[str, Any]
    updated_at: datetime


class GoldenPage(BaseModel):
    records: list[GoldenSummaryOut]
    next_after_id: str | None


class GoldenVersionOut(BaseModel):
    version: int
    status: str
    reason: str
    detail: str
    actor: str
    rule_set_version: str
    changed_attributes: list[str]
    attributes: dict[str, Any]
    lineage: dict[str, LineageOut]
    member_ids: list[int]
    created_at: datetime
