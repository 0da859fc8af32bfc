from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PolicyVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    domain: str
    version: str
    status: str
    note: str
    created_by: str
    created_at: datetime
    activated_at: datetime | None
    policy: dict[str, Any]


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: dict[str, Any] = Field(description="SurvivorshipPolicy JSON (see docs/survivorship.md)")
    note: str = Field(default="", max_length=500)


class ChangeOut(BaseModel):
    golden_id: str
    attribute: str
    now: Any
    after: Any


class PolicyPreviewOut(BaseModel):
    domain: str
    version: str
    active_version: str
    golden_records: int
    changed: int = Field(description="Golden records whose attributes would change")
    lineage_only: int = Field(
        description="Golden records whose values stay but whose lineage would change (a new "
        "version on activation all the same)"
    )
    by_attribute: dict[str, int]
    examples: list[ChangeOut]


class ActivationOut(BaseModel):
    domain: str
    version: str
    previous: str
    golden_records_changed: int
