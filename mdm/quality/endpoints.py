"""The data-quality queue: records that landed with quality issues, and stewards' corrections.

Refused rows are under ``/api/v1/rejects`` (re-submit, dismiss).
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from mdm.api.deps import ActorDep, SessionDep
from mdm.ingest.schemas import QualityIssueOut, RowResultOut
from mdm.quality import service
from mdm.quality.schemas import (
    QualitySummary,
    QueueCounts,
    RecordCorrect,
    RecordCorrected,
    RecordCorrection,
    RecordWithIssues,
    RecordWithIssuesPage,
)

router = APIRouter(prefix="/api/v1/quality", tags=["data quality"])


def _correction(view: service.CorrectionView) -> RecordCorrection:
    c = view.correction
    return RecordCorrection(
        id=c.id,
        source=view.source,
        domain=view.domain,
        source_key=view.source_key,
        before=view.before,
        after=view.after,
        actor=c.actor,
        reason=c.reason,
        created_at=c.created_at,
        in_effect=view.in_effect,
    )


def _counts(counts: service.Counts) -> QueueCounts:
    return QueueCounts(total=counts.total, by_domain=counts.by_domain, by_code=counts.by_code)


@router.get(
    "/records",
    response_model=RecordWithIssuesPage,
    summary="Source records that landed with quality issues (a failing NPI, a foreign phone...)",
)
def list_records(
    session: SessionDep,
    domain: str | None = None,
    source: str | None = None,
    code: str | None = Query(default=None, description="Issue code, e.g. invalid_npi"),
    after_id: int | None = Query(default=None, ge=0, le=2**31 - 1),
    limit: int = Query(default=100, ge=1, le=1000),
) -> RecordWithIssuesPage:
    found = service.records_with_issues(
        session, domain=domain, source=source, code=code, after_id=after_id, limit=limit
    )
    items = [
        RecordWithIssues(
            id=r.record.id,
            source=r.source,
            domain=r.record.domain,
            source_key=r.record.source_key,
            status=r.record.status.value,
            golden_id=r.golden_id,
            version=r.record.version,
            issues=[QualityIssueOut(**i.as_dict()) for i in r.issues],
            attributes=r.attributes,
            updated_at=r.record.updated_at,
        )
        for r in found
    ]
    return RecordWithIssuesPage(
        records=items, next_after_id=items[-1].id if len(items) == limit else None
    )


@router.post(
    "/records/{source}/{domain}/{source_key:path}/correct",
    response_model=RecordCorrected,
    summary="Correct a source record in the hub (until its source sends it again)",
)
def correct_record(
    source: str,
    domain: str,
    source_key: str,
    body: RecordCorrect,
    session: SessionDep,
    actor: ActorDep,
) -> RecordCorrected:
    corrected = service.correct_record(
        session,
        source_code=source,
        domain=domain,
        source_key=source_key,
        payload=body.payload,
        reason=body.reason,
        actor=actor,
    )
    session.commit()
    return RecordCorrected(
        result=RowResultOut.model_validate(corrected.result, from_attributes=True),
        remaining_issues=[QualityIssueOut(**i.as_dict()) for i in corrected.result.issues],
        correction=_correction(corrected.correction),
    )


@router.get(
    "/records/{source}/{domain}/{source_key:path}/corrections",
    response_model=list[RecordCorrection],
    summary="Stewards' corrections of a source record, and whether each is still in effect",
)
def list_corrections(
    source: str, domain: str, source_key: str, session: SessionDep
) -> list[RecordCorrection]:
    return [
        _correction(v)
        for v in service.corrections(
            session, source_code=source, domain=domain, source_key=source_key
        )
    ]


@router.get(
    "/summary",
    response_model=QualitySummary,
    summary="Open rejects and records with issues, by domain and by code",
)
def summary(session: SessionDep) -> QualitySummary:
    counts = service.summary(session)
    return QualitySummary(
        open_rejects=_counts(counts.open_rejects),
        records_with_issues=_counts(counts.records_with_issues),
    )
