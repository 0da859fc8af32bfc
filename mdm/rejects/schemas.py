from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


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
    payload: Any
    errors: list[FieldErrorOut]
    status: str
    times_received: int
    created_at: datetime
    last_received_at: datetime


class RejectPage(BaseModel):
    rejects: list[Reject]
    next_after_id: int | None
