from __future__ import annotations

from fastapi import APIRouter, status

from mdm.api.deps import ActorDep, SessionDep
from mdm.source_systems import service
from mdm.source_systems.schemas import SourceSystem, SourceSystemCreate, SourceSystemUpdate

router = APIRouter(prefix="/api/v1/source-systems", tags=["source systems"])


@router.post(
    "",
    response_model=SourceSystem,
    status_code=status.HTTP_201_CREATED,
    summary="Register a source system",
)
def create_source_system(
    data: SourceSystemCreate, session: SessionDep, actor: ActorDep
) -> SourceSystem:
    system = service.create(session, data=data, actor=actor)
    session.commit()
    return SourceSystem.model_validate(system)


@router.get("", response_model=list[SourceSystem], summary="List source systems")
def list_source_systems(session: SessionDep) -> list[SourceSystem]:
    return [SourceSystem.model_validate(s) for s in service.list_all(session)]


@router.get("/{code}", response_model=SourceSystem, summary="Get one source system")
def get_source_system(code: str, session: SessionDep) -> SourceSystem:
    return SourceSystem.model_validate(service.get(session, code=code))


@router.patch("/{code}", response_model=SourceSystem, summary="Change a source system")
def update_source_system(
    code: str, data: SourceSystemUpdate, session: SessionDep, actor: ActorDep
) -> SourceSystem:
    system = service.update(session, code=code, data=data, actor=actor)
    session.commit()
    return SourceSystem.model_validate(system)
