from __future__ import annotations

from fastapi import APIRouter, Query

from mdm.api.deps import SessionDep
from mdm.golden import service
from mdm.golden.schemas import (
    GoldenPage,
    GoldenRecordOut,
    GoldenSummaryOut,
    GoldenVersionOut,
    LineageOut,
    MemberOut,
    RelationshipOut,
)
from mdm.models import GoldenStatus

router = APIRouter(prefix="/api/v1/golden", tags=["golden records"])


@router.get(
    "/{domain}", response_model=GoldenPage, summary="Page through a domain's golden records"
)
def list_golden(
    domain: str,
    session: SessionDep,
    status: GoldenStatus | None = None,
    after_id: str | None = Query(default=None, description="Cursor: the last id you saw"),
    limit: int = Query(default=100, ge=1, le=1000),
) -> GoldenPage:
    rows = service.page(session, domain=domain, status=status, after_id=after_id, limit=limit)
    items = [
        GoldenSummaryOut(
            id=g.id,
            domain=g.domain,
            status=g.status.value,
            version=g.version,
            merged_into_id=g.merged_into_id,
            attributes=service.masked_attributes(domain, g.attributes),
            updated_at=g.updated_at,
        )
        for g in rows
    ]
    return GoldenPage(records=items, next_after_id=items[-1].id if len(items) == limit else None)


@router.get(
    "/{domain}/by-identifier/{scheme}/{value}",
    response_model=list[GoldenSummaryOut],
    summary="Golden records holding an identifier value (NPI, GTIN, EIN...)",
)
def by_identifier(
    domain: str, scheme: str, value: str, session: SessionDep
) -> list[GoldenSummaryOut]:
    return [
        GoldenSummaryOut(
            id=g.id,
            domain=g.domain,
            status=g.status.value,
            version=g.version,
            merged_into_id=g.merged_into_id,
            attributes=service.masked_attributes(domain, g.attributes),
            updated_at=g.updated_at,
        )
        for g in service.by_identifier(session, domain=domain, scheme=scheme, value=value)
    ]


@router.get(
    "/{domain}/{golden_id}",
    response_model=GoldenRecordOut,
    summary="A golden record with lineage, members and resolved relationships",
)
def get_golden(domain: str, golden_id: str, session: SessionDep) -> GoldenRecordOut:
    view = service.view(session, domain=domain, golden_id=golden_id)
    golden = view.record
    return GoldenRecordOut(
        id=golden.id,
        domain=golden.domain,
        status=golden.status.value,
        version=golden.version,
        requested_id=view.requested_id if view.requested_id != golden.id else None,
        attributes=service.masked_attributes(domain, golden.attributes),
        lineage={k: LineageOut.model_validate(v) for k, v in golden.lineage.items()},
        members=[
            MemberOut(
                source=code, source_key=m.source_key, status=m.status.value, version=m.version
            )
            for m, code in view.members
        ],
        relationships=[
            RelationshipOut(
                name=r.name,
                target_domain=r.target_domain,
                golden_id=r.golden_id,
                via_system=r.target_system,
                via_key=r.target_key,
            )
            for r in view.relationships
        ],
        created_at=golden.created_at,
        updated_at=golden.updated_at,
    )


@router.get(
    "/{domain}/{golden_id}/history",
    response_model=list[GoldenVersionOut],
    summary="Every version of a golden record: what changed, why, by whom, by which rules",
)
def golden_history(domain: str, golden_id: str, session: SessionDep) -> list[GoldenVersionOut]:
    return [
        GoldenVersionOut(
            version=v.version,
            status=v.status,
            reason=v.reason,
            detail=v.detail,
            actor=v.actor,
            rule_set_version=v.rule_set_version,
            changed_attributes=v.changed_attributes,
            attributes=service.masked_attributes(domain, v.attributes),
            lineage={k: LineageOut.model_validate(x) for k, x in v.lineage.items()},
            member_ids=v.member_ids,
            created_at=v.created_at,
        )
        for v in service.history(session, domain=domain, golden_id=golden_id)
    ]
