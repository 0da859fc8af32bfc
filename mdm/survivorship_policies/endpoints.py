from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import ValidationError

from mdm.api.deps import ActorDep, SessionDep
from mdm.errors import FieldError, ValidationFailed
from mdm.survivorship_policies import service
from mdm.survivorship_policies.schemas import (
    ActivationOut,
    ChangeOut,
    PolicyIn,
    PolicyPreviewOut,
    PolicyVersionOut,
)
from survivorship import SurvivorshipPolicy

router = APIRouter(prefix="/api/v1/survivorship", tags=["survivorship"])


@router.get("/policies/active/{domain}", summary="The domain's survivorship policy in force")
def active_policy(domain: str, session: SessionDep) -> dict[str, object]:
    return service.active(session, domain).model_dump(mode="json")


@router.get("/policies", response_model=list[PolicyVersionOut], summary="Stored policy versions")
def list_policies(session: SessionDep, domain: str | None = None) -> list[PolicyVersionOut]:
    return [PolicyVersionOut.model_validate(r) for r in service.list_versions(session, domain)]


@router.post(
    "/policies", response_model=PolicyVersionOut, status_code=201, summary="Store a draft policy"
)
def create_policy(body: PolicyIn, session: SessionDep, actor: ActorDep) -> PolicyVersionOut:
    try:
        policy = SurvivorshipPolicy.model_validate(body.policy)
    except ValidationError as exc:
        raise ValidationFailed(
            "the survivorship policy is invalid",
            [
                FieldError(
                    "policy." + ".".join(str(p) for p in err["loc"]), err["msg"], err["type"]
                )
                for err in exc.errors()
            ],
        ) from exc
    row = service.create(session, policy=policy, actor=actor, note=body.note)
    session.commit()
    return PolicyVersionOut.model_validate(row)


@router.get("/policies/{version}", response_model=PolicyVersionOut)
def get_policy(version: str, session: SessionDep) -> PolicyVersionOut:
    return PolicyVersionOut.model_validate(service.get(session, version))


@router.get(
    "/policies/{version}/preview",
    response_model=PolicyPreviewOut,
    summary="Which golden records' attributes the policy would change (nothing is changed)",
)
def preview_policy(version: str, session: SessionDep) -> PolicyPreviewOut:
    row, report = service.preview(session, version=version)
    return PolicyPreviewOut(
        domain=row.domain,
        version=row.version,
        active_version=service.active(session, row.domain).version,
        golden_records=report.golden_records,
        changed=report.changed,
        lineage_only=report.lineage_only,
        by_attribute=report.by_attribute,
        examples=[
            ChangeOut(golden_id=g, attribute=a, now=before, after=after)
            for g, a, before, after in report.examples
        ],
    )


@router.post(
    "/policies/{version}/activate",
    response_model=ActivationOut,
    summary="Make the policy the domain's and rebuild its golden records with it",
)
def activate_policy(version: str, session: SessionDep, actor: ActorDep) -> ActivationOut:
    result = service.activate(session, version=version, actor=actor)
    session.commit()
    return ActivationOut(**asdict(result))
