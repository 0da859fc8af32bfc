from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mdm.domains import DOMAINS

_CODE = re.compile(r"^[a-z][a-z0-9_\-]{0,63}$")


def _check_domains(value: list[str]) -> list[str]:
    unknown = [d for d in value if d not in DOMAINS]
    if unknown:
        raise ValueError(f"unknown domain(s) {unknown}; known domains: {', '.join(DOMAINS)}")
    return sorted(set(value))


class SourceSystemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="Short stable code, lower case: erp, clinic_a, billing")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    sends: list[str] = Field(default_factory=list, description="Domains it sends to the hub")
    receives: list[str] = Field(default_factory=list, description="Domains it receives changes for")

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError("must start with a lower-case letter and use only a-z, 0-9, _ and -")
        return value

    _sends = field_validator("sends")(_check_domains)
    _receives = field_validator("receives")(_check_domains)


class SourceSystemUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    sends: list[str] | None = None
    receives: list[str] | None = None

    @field_validator("sends", "receives")
    @classmethod
    def _domains(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_domains(value)


class SourceSystem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    description: str
    sends: list[str] = Field(validation_alias="sends_domains")
    receives: list[str] = Field(validation_alias="receives_domains")
    created_at: datetime
    updated_at: datetime
