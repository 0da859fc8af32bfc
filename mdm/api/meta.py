"""The canonical model and hub-wide summaries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from mdm.api.deps import SessionDep
from mdm.domains import DOMAINS
from mdm.golden import service as golden
from mdm.ingest import service as ingest
from mdm.rejects import service as rejects

router = APIRouter(prefix="/api/v1", tags=["model"])


class AttributeOut(BaseModel):
    name: str
    kind: str
    description: str
    scheme: str | None
    multi: bool
    sensitive: bool
    required: bool
    strong_identifier: bool
    choices: list[str]


class ReferenceOut(BaseModel):
    name: str
    target: str
    multi: bool
    description: str


class DomainOut(BaseModel):
    name: str
    label: str
    id_prefix: str
    description: str
    accepts_whole_name: bool
    identity: list[list[str]]
    attributes: list[AttributeOut]
    references: list[ReferenceOut]


class SummaryOut(BaseModel):
    source_records: dict[str, int]
    golden_records: dict[str, dict[str, int]]
    open_rejects: dict[str, int]


@router.get(
    "/domains", response_model=list[DomainOut], summary="The canonical model of every domain"
)
def list_domains() -> list[DomainOut]:
    return [
        DomainOut(
            name=d.name,
            label=d.label,
            id_prefix=d.id_prefix,
            description=d.description,
            accepts_whole_name=d.person_name,
            identity=[list(c) for c in d.identity],
            attributes=[
                AttributeOut(
                    name=a.name,
                    kind=a.kind.value,
                    description=a.description,
                    scheme=a.scheme,
                    multi=a.multi,
                    sensitive=a.sensitive,
                    required=a.required,
                    strong_identifier=a.strong,
                    choices=list(a.choices),
                )
                for a in d.attributes
            ],
            references=[
                ReferenceOut(name=r.name, target=r.target, multi=r.multi, description=r.description)
                for r in d.references
            ],
        )
        for d in DOMAINS.values()
    ]


@router.get(
    "/summary", response_model=SummaryOut, summary="Golden records and open rejects per domain"
)
def summary(session: SessionDep) -> SummaryOut:
    return SummaryOut(
        source_records=ingest.counts(session),
        golden_records=golden.counts(session),
        open_rejects=rejects.open_counts(session),
    )


@router.get("/health", summary="Liveness")
def health() -> dict[str, Any]:
    return {"status": "ok"}
