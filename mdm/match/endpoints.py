from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import ValidationError

from matching.settings import MatchSettings
from mdm.api.deps import ActorDep, SessionDep
from mdm.errors import FieldError, ValidationFailed
from mdm.match import rule_sets, service
from mdm.match.schemas import (
    MatchCandidateOut,
    MatchCandidatePage,
    MatchDecisionOut,
    PreviewOut,
    RematchOut,
    RuleSetIn,
    RuleSetOut,
)
from mdm.models import CandidateStatus

router = APIRouter(prefix="/api/v1/match", tags=["matching"])


@router.get(
    "/decisions/{source}/{domain}/{key}",
    response_model=list[MatchDecisionOut],
    summary="Why a source record is in its golden record: every match decision, explained",
)
def record_decisions(
    source: str, domain: str, key: str, session: SessionDep
) -> list[MatchDecisionOut]:
    rows = service.decisions_for(session, source_code=source, domain=domain, source_key=key)
    return [MatchDecisionOut.model_validate(r) for r in rows]


@router.get("/candidates", response_model=MatchCandidatePage, summary="Match candidates")
def list_candidates(
    session: SessionDep,
    domain: str | None = None,
    status: CandidateStatus | None = CandidateStatus.OPEN,
    after_id: int | None = Query(default=None, ge=0, le=2**31 - 1),
    limit: int = Query(default=100, ge=1, le=1000),
) -> MatchCandidatePage:
    rows = service.candidates_page(
        session, domain=domain, status=status, after_id=after_id, limit=limit
    )
    items = [MatchCandidateOut.model_validate(r) for r in rows]
    return MatchCandidatePage(
        candidates=items, next_after_id=items[-1].id if len(items) == limit else None
    )


@router.get("/candidates/{candidate_id}", response_model=MatchCandidateOut)
def get_candidate(
    candidate_id: Annotated[int, Path(le=2**31 - 1)], session: SessionDep
) -> MatchCandidateOut:
    return MatchCandidateOut.model_validate(service.candidate(session, candidate_id))


@router.get("/settings/{domain}", summary="The domain's active match settings (JSON)")
def active_settings(domain: str, session: SessionDep) -> dict[str, object]:
    return service.active_settings(session, domain).model_dump(mode="json")


@router.get("/rule-sets", response_model=list[RuleSetOut], summary="Rule-set versions")
def list_rule_sets(session: SessionDep, domain: str | None = None) -> list[RuleSetOut]:
    return [RuleSetOut.model_validate(r) for r in rule_sets.list_versions(session, domain)]


@router.post(
    "/rule-sets", response_model=RuleSetOut, status_code=201, summary="Store a draft rule set"
)
def create_rule_set(body: RuleSetIn, session: SessionDep, actor: ActorDep) -> RuleSetOut:
    try:
        settings = MatchSettings.model_validate(body.settings)
    except ValidationError as exc:
        raise ValidationFailed(
            "match settings are invalid",
            fields=[
                FieldError(
                    "settings." + ".".join(str(p) for p in err["loc"]), err["msg"], err["type"]
                )
                for err in exc.errors()
            ],
        ) from exc
    row = rule_sets.create(session, settings=settings, actor=actor, note=body.note)
    session.commit()
    return RuleSetOut.model_validate(row)


@router.get("/rule-sets/{version}", response_model=RuleSetOut)
def get_rule_set(version: str, session: SessionDep) -> RuleSetOut:
    return RuleSetOut.model_validate(rule_sets.get(session, version))


@router.post(
    "/rule-sets/{version}/activate",
    response_model=RematchOut,
    summary="Activate a rule set and re-match its domain with it",
)
def activate_rule_set(version: str, session: SessionDep, actor: ActorDep) -> RematchOut:
    result = rule_sets.activate(session, version=version, actor=actor)
    session.commit()
    return RematchOut(**asdict(result))


@router.get(
    "/rule-sets/{version}/preview",
    response_model=PreviewOut,
    summary="Run a rule set in shadow: which golden records would merge or split",
)
def preview_rule_set(version: str, session: SessionDep) -> PreviewOut:
    version_row = rule_sets.get(session, version)
    report = rule_sets.preview(session, domain=version_row.domain, version=version)
    return PreviewOut(**asdict(report))
