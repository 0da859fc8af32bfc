from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Any = Field(description="The value, as a source would send it; it is standardised")
    reason: str = Field(max_length=500)


class PinOut(BaseModel):
    attribute: str
    value: Any = Field(description="Masked for sensitive attributes")
    actor: str
    reason: str
    carried_by_merge_id: int | None = Field(
        description="Set when the pin came with a golden record this one absorbed"
    )
    created_at: datetime


class PinsOut(BaseModel):
    golden_id: str
    version: int
    pins: list[PinOut]
