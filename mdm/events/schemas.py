from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FeedOut(BaseModel):
    events: list[dict[str, Any]] = Field(
        description="CloudEvents 1.0 (structured JSON), in feed order."
    )
    next_cursor: str = Field(
        description="Pass as `after` to read on; unchanged when there was nothing new."
    )
    has_more: bool = Field(description="More events are waiting after this page.")
