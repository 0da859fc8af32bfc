from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from mdm.api.deps import ActorDep, SessionDep, SettingsDep
from mdm.ingest import service
from mdm.ingest.file_load import FileLoad, FileLoadFailed
from mdm.ingest.schemas import (
    RECORD_EXAMPLE,
    BatchCounts,
    BatchRequest,
    BatchResponse,
    FieldErrorOut,
    FileLoadCounts,
    FileLoadResponse,
    QualityIssueOut,
    ReferenceOut,
    RowResultOut,
    SourceRecordOut,
)

router = APIRouter(prefix="/api/v1/sources/{source}/domains/{domain}/records", tags=["ingest"])
files_router = APIRouter(prefix="/api/v1/sources/{source}/domains/{domain}/files", tags=["ingest"])


def _row(result: service.RowResult) -> RowResultOut:
    return RowResultOut(
        index=result.index,
        source_key=result.source_key,
        outcome=result.outcome,
        golden_id=result.golden_id,
        record_version=result.record_version,
        errors=[FieldErrorOut(**e.as_dict()) for e in result.errors],
        issues=[QualityIssueOut(**i.as_dict()) for i in result.issues],
        reject_id=result.reject_id,
        match=result.match,
    )


@router.post(
    "",
    response_model=BatchResponse,
    summary="Upsert a batch of records; bad rows are refused one by one, good rows land",
)
def ingest_batch(
    source: str,
    domain: str,
    batch: BatchRequest,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
) -> BatchResponse:
    result = service.ingest_batch(
        session,
        source_code=source,
        domain=domain,
        rows=batch.records,
        actor=actor,
        max_rows=settings.max_batch_records,
    )
    session.commit()
    return BatchResponse(
        batch_id=result.batch_id,
        source=source,
        domain=domain,
        counts=BatchCounts(
            received=len(result.results),
            created=result.count("created"),
            updated=result.count("updated"),
            unchanged=result.count("unchanged"),
            rejected=result.count("rejected"),
        ),
        results=[_row(r) for r in result.results],
    )


@router.put(
    "/{source_key:path}",
    response_model=RowResultOut,
    responses={201: {"model": RowResultOut}, 422: {"model": RowResultOut}},
    summary="Upsert one record (201 created, 200 updated or unchanged, 422 refused)",
)
def upsert_record(
    source: str,
    domain: str,
    source_key: str,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    body: Any = Body(examples=[{k: v for k, v in RECORD_EXAMPLE.items() if k != "source_key"}]),
) -> Any:
    result = service.ingest_one(
        session, source_code=source, domain=domain, source_key=source_key, body=body, actor=actor
    )
    # Commit a refusal too: the refused row is kept in the rejects queue.
    session.commit()
    out = _row(result)
    if result.outcome == "rejected":
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content=out.model_dump()
        )
    response.status_code = (
        status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK
    )
    return out


@router.delete(
    "/{source_key:path}",
    response_model=RowResultOut,
    summary="The source deleted the record (kept for history and the crosswalk)",
)
def delete_record(
    source: str, domain: str, source_key: str, session: SessionDep, actor: ActorDep
) -> RowResultOut:
    result = service.delete_record(
        session, source_code=source, domain=domain, source_key=source_key, actor=actor
    )
    session.commit()
    return _row(result)


@router.get(
    "/{source_key:path}",
    response_model=SourceRecordOut,
    summary="A source record as sent, standardised, and its golden ID",
)
def get_record(source: str, domain: str, source_key: str, session: SessionDep) -> SourceRecordOut:
    view = service.record_view(session, source_code=source, domain=domain, source_key=source_key)
    record = view.record
    return SourceRecordOut(
        source=source,
        domain=domain,
        source_key=record.source_key,
        status=record.status.value,
        golden_id=view.golden_id,
        version=record.version,
        attributes=view.attributes,
        raw=view.raw,
        quality_issues=record.quality_issues,
        references=[
            ReferenceOut(name=n, target_domain=d, target_system=s, target_key=k)
            for n, d, s, k in view.references
        ],
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


@files_router.post(
    "",
    response_model=FileLoadResponse,
    summary="Load a whole NDJSON file (onboarding); chunks are matched and committed in turn",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
    responses={
        411: {"description": "No Content-Length: the size must be known before any chunk lands"},
        415: {"description": "A JSON document, not NDJSON"},
        500: {"description": "A chunk failed; the chunks before it stay loaded"},
    },
)
async def load_file(
    source: str, domain: str, request: Request, actor: ActorDep, settings: SettingsDep
) -> Any:
    """One record per line, shaped as in a batch; blank lines are skipped. The body is read as
    it arrives: each chunk of ``MDM_FILE_CHUNK_RECORDS`` records is standardised, matched
    against the hub and against itself, and committed before the next is read. Refused lines
    (index = line number) are kept in the rejects queue. Send ``X-MDM-File-Name`` to name the
    file in the audit log."""
    if "content-length" not in request.headers:
        # Checked against MDM_MAX_FILE_BYTES before anything is read: a body found too large
        # halfway would have committed its first chunks already.
        return _refusal(411, "length_required", "send the file with a Content-Length header")
    if request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
        return _refusal(
            415,
            "unsupported_media_type",
            "a file is NDJSON (application/x-ndjson): one record per line; send a JSON batch "
            f"to /api/v1/sources/{source}/domains/{domain}/records",
        )
    load = FileLoad(
        request.app.state.session_factory,
        source=source,
        domain=domain,
        actor=actor,
        chunk_records=settings.file_chunk_records,
        name=request.headers.get("x-mdm-file-name", ""),
    )
    await run_in_threadpool(load.check)
    try:
        async for piece in request.stream():
            if load.feed(piece):
                await run_in_threadpool(load.load_ready)
        result = await run_in_threadpool(load.finish)
    except ClientDisconnect:
        await run_in_threadpool(load.abandon, "the client went away")
        # Nobody is left to read it; said all the same rather than raised as a server error.
        return _refusal(400, "incomplete_upload", "the file stopped arriving before its end")
    except FileLoadFailed as exc:
        return _refusal(500, "file_load_failed", str(exc))
    return FileLoadResponse(
        load_id=result.load_id,
        source=source,
        domain=domain,
        counts=FileLoadCounts(records=result.lines, **result.counts),
        batch_ids=result.batch_ids,
        refused=[_row(r) for r in result.refused],
        seconds=round(result.seconds, 3),
    )


def _refusal(status_code: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content={"error": {"code": code, "message": message, "fields": []}},
    )
