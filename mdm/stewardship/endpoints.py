from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from sqlalchemy.orm import Session

from mdm.api.deps import ActorDep, SessionDep
from mdm.errors import MDMError
from mdm.golden import service as golden
from mdm.match import service as match
from mdm.merges import service as merges
from mdm.models import CandidateKind, CandidateStatus, MatchCandidate
from mdm.stewardship import service
from mdm.stewardship.schemas import (
    AssignIn,
    BulkDecisionIn,
    BulkDecisionOut,
    BulkResult,
    CandidateSide,
    ClaimIn,
    DecisionIn,
    DecisionOut,
    GoldenMergeOut,
    GoldenSplitOut,
    MergeHistoryOut,
    MergeIn,
    MergeOut,
    MergeRequestOut,
    PlacedOut,
    QueueItem,
    QueueItemDetail,
    QueuePage,
    SplitIn,
    SplitOut,
    StewardshipSettingsIn,
    StewardshipSettingsOut,
)

router = APIRouter(prefix="/api/v1/stewardship", tags=["stewardship"])

# IDs are database integers: anything outside their range names no candidate (404, not 500).
CandidateId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _item(row: MatchCandidate) -> QueueItem:
    data: dict[str, Any] = {
        name: getattr(row, name) for name in QueueItem.model_fields if name != "priority"
    }
    return QueueItem(**data, priority=service.priority(row))


def _merge_out(result: merges.MergeResult) -> MergeOut:
    return MergeOut(
        survivor_id=result.survivor_id,
        absorbed_id=result.absorbed_id,
        merge_id=result.merge.id,
        survivor_version=result.survivor_version,
        rule_set_version=result.merge.rule_set_version,
    )


@router.get(
    "/candidates",
    response_model=QueuePage,
    summary="The match-candidate queue, highest priority first",
)
def list_queue(
    session: SessionDep,
    domain: str | None = None,
    status: list[CandidateStatus] = Query(default=[CandidateStatus.OPEN]),  # noqa: B008
    assignee: str | None = None,
    unassigned: bool = False,
    kind: CandidateKind | None = None,
    offset: int = Query(default=0, ge=0),
    limit: int = Query(default=50, ge=1, le=500),
) -> QueuePage:
    rows, total = service.queue(
        session,
        domain=domain,
        statuses=status,
        assignee=assignee,
        unassigned=unassigned,
        kind=kind,
        offset=offset,
        limit=limit,
    )
    return QueuePage(candidates=[_item(r) for r in rows], total=total, offset=offset)


def _side(session: Session, domain: str, golden_id: str, record_id: int) -> CandidateSide:
    record = golden.resolve(session, golden_id)
    member = next(
        (r for r in match.matchable_members(session, [record.id]) if r.id == record_id), None
    )
    return CandidateSide(
        golden_id=record.id,
        record=match.record_key(member) if member is not None else None,
        attributes=golden.masked_attributes(domain, record.attributes),
    )


@router.get(
    "/candidates/{candidate_id}",
    response_model=QueueItemDetail,
    summary="One candidate with both golden records side by side",
)
def get_candidate(candidate_id: CandidateId, session: SessionDep) -> QueueItemDetail:
    row = match.candidate(session, candidate_id)
    return QueueItemDetail(
        **_item(row).model_dump(),
        left=_side(session, row.domain, row.left_golden_id, row.left_record_id),
        right=_side(session, row.domain, row.right_golden_id, row.right_record_id),
    )


@router.post("/candidates/{candidate_id}/claim", response_model=QueueItem)
def claim(
    candidate_id: CandidateId, session: SessionDep, actor: ActorDep, body: ClaimIn | None = None
) -> QueueItem:
    row = service.claim(
        session, candidate_id=candidate_id, actor=actor, force=body.force if body else False
    )
    session.commit()
    return _item(row)


@router.post("/candidates/{candidate_id}/assign", response_model=QueueItem)
def assign(
    candidate_id: CandidateId, body: AssignIn, session: SessionDep, actor: ActorDep
) -> QueueItem:
    row = service.assign(session, candidate_id=candidate_id, assignee=body.assignee, actor=actor)
    session.commit()
    return _item(row)


@router.post("/candidates/{candidate_id}/release", response_model=QueueItem)
def release(candidate_id: CandidateId, session: SessionDep, actor: ActorDep) -> QueueItem:
    row = service.release(session, candidate_id=candidate_id, actor=actor)
    session.commit()
    return _item(row)


@router.post(
    "/candidates/{candidate_id}/decision",
    response_model=DecisionOut,
    summary="Accept (merge), reject (never propose again), defer, approve or decline",
)
def decide(
    candidate_id: CandidateId, body: DecisionIn, session: SessionDep, actor: ActorDep
) -> DecisionOut:
    try:
        decided = service.decide(
            session,
            candidate_id=candidate_id,
            action=service.Action(body.action),
            actor=actor,
            comment=body.comment,
        )
    except MDMError as exc:
        if exc.code == "candidate_stale":
            # The candidate is marked superseded even though the decision is refused.
            session.commit()
        raise
    session.commit()
    return DecisionOut(
        candidate=_item(decided.candidate),
        merge=_merge_out(decided.merge) if decided.merge else None,
    )


@router.post(
    "/candidates/decisions",
    response_model=BulkDecisionOut,
    summary="Decide many candidates; each succeeds or fails on its own",
)
def decide_many(body: BulkDecisionIn, session: SessionDep, actor: ActorDep) -> BulkDecisionOut:
    results: list[BulkResult] = []
    for item in body.decisions:
        savepoint = session.begin_nested()
        try:
            decided = service.decide(
                session,
                candidate_id=item.candidate_id,
                action=service.Action(item.action),
                actor=actor,
                comment=item.comment,
            )
        except MDMError as exc:
            savepoint.rollback()
            if exc.code == "candidate_stale":
                # Rolled back with the savepoint: mark it again so it leaves the queue.
                service.mark_stale(session, candidate_id=item.candidate_id)
            results.append(
                BulkResult(
                    candidate_id=item.candidate_id,
                    ok=False,
                    error={
                        "code": exc.code,
                        "message": exc.message,
                        "status": exc.status_code,
                        "fields": [f.as_dict() for f in exc.fields],
                    },
                )
            )
            continue
        savepoint.commit()
        results.append(
            BulkResult(
                candidate_id=item.candidate_id,
                ok=True,
                status=decided.candidate.status.value,
                merge=_merge_out(decided.merge) if decided.merge else None,
            )
        )
    session.commit()
    ok = sum(1 for r in results if r.ok)
    return BulkDecisionOut(results=results, succeeded=ok, failed=len(results) - ok)


@router.post(
    "/{domain}/merges",
    response_model=MergeRequestOut,
    summary="Merge two golden records (waits for a second steward under four-eyes)",
    responses={202: {"description": "Waiting for a second steward's approval"}},
)
def merge(
    domain: str, body: MergeIn, session: SessionDep, actor: ActorDep, response: Response
) -> MergeRequestOut:
    outcome = service.request_merge(
        session,
        domain=domain,
        golden_ids=(body.golden_ids[0], body.golden_ids[1]),
        actor=actor,
        reason=body.reason,
        force=body.force,
    )
    session.commit()
    if isinstance(outcome, merges.MergeResult):
        return MergeRequestOut(status="merged", merge=_merge_out(outcome))
    response.status_code = status.HTTP_202_ACCEPTED
    return MergeRequestOut(status="pending_approval", candidate=_item(outcome.candidate))


@router.post(
    "/{domain}/splits",
    response_model=SplitOut,
    summary="Split source records out of a golden record (undoes the merge that joined them)",
)
def split(domain: str, body: SplitIn, session: SessionDep, actor: ActorDep) -> SplitOut:
    result = merges.split_records(
        session,
        domain=domain,
        golden_id=body.golden_id,
        records=[merges.RecordRef(r.source, r.key) for r in body.records],
        actor=actor,
        reason=body.reason,
        together=body.together,
    )
    session.commit()
    return SplitOut(
        split_id=result.split.id,
        golden_id=result.golden_id,
        placed=[
            PlacedOut(source=ref.source, key=ref.key, golden_id=g)
            for ref, g in result.placed.items()
        ],
        restored=result.restored,
        founded=result.founded,
        undid_merge_ids=list(result.split.undid_merge_ids),
    )


@router.get(
    "/{domain}/merges",
    response_model=MergeHistoryOut,
    summary="Merges and splits of a domain (or of one golden record), newest first",
)
def merge_history(
    domain: str,
    session: SessionDep,
    golden_id: str | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> MergeHistoryOut:
    merged, splits = merges.history(session, domain=domain, golden_id=golden_id, limit=limit)
    return MergeHistoryOut(
        merges=[GoldenMergeOut.model_validate(m) for m in merged],
        splits=[GoldenSplitOut.model_validate(s) for s in splits],
    )


@router.get("/settings/{domain}", response_model=StewardshipSettingsOut)
def get_settings(domain: str, session: SessionDep) -> StewardshipSettingsOut:
    return StewardshipSettingsOut.model_validate(service.settings_of(session, domain))


@router.put("/settings/{domain}", response_model=StewardshipSettingsOut)
def put_settings(
    domain: str, body: StewardshipSettingsIn, session: SessionDep, actor: ActorDep
) -> StewardshipSettingsOut:
    row = service.update_settings(
        session,
        domain=domain,
        four_eyes=body.four_eyes,
        queue_weight=body.queue_weight,
        actor=actor,
    )
    session.commit()
    return StewardshipSettingsOut.model_validate(row)
