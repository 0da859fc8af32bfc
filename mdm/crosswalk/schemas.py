from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CrosswalkKey(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    system: str
    key: str
    kind: str = Field(description="source_record: the system sent it; downstream: it registered it")
    status: str


class Crosswalk(BaseModel):
    golden_id: str
    domain: str
    requested_golden_id: str | None = Field(
        description="Set when the ID asked for was merged away and resolves to golden_id"
    )
    keys: list[CrosswalkKey]


class KeyRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    golden_id: str = Field(min_length=1, max_length=40)
