from __future__ import annotations

from fastapi import APIRouter, Response, status

from mdm.api.deps import ActorDep, SessionDep
from mdm.crosswalk import service
from mdm.crosswalk.schemas import Crosswalk, CrosswalkKey, KeyRegistration

router = APIRouter(prefix="/api/v1", tags=["crosswalk"])


def _out(view: service.CrosswalkView) -> Crosswalk:
    return Crosswalk(
        golden_id=view.golden_id,
        domain=view.domain,
        requested_golden_id=view.requested_golden_id,
        keys=[CrosswalkKey.model_validate(k) for k in view.keys],
    )


@router.get(
    "/crosswalk/{source}/{domain}/{key:path}",
    response_model=Crosswalk,
    summary="Golden ID and every system's key, from one system's key",
)
def lookup_key(source: str, domain: str, key: str, session: SessionDep) -> Crosswalk:
    return _out(service.lookup(session, source_code=source, domain=domain, key=key))


@router.put(
    "/crosswalk/{source}/{domain}/{key:path}",
    response_model=Crosswalk,
    summary="Register a downstream system's own key for a golden record",
    responses={201: {"model": Crosswalk}},
)
def register_key(
    source: str,
    domain: str,
    key: str,
    data: KeyRegistration,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
) -> Crosswalk:
    view, created = service.register_key(
        session, source_code=source, domain=domain, key=key, golden_id=data.golden_id, actor=actor
    )
    session.commit()
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return _out(view)


@router.delete(
    "/crosswalk/{source}/{domain}/{key:path}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a key a downstream system registered",
)
def remove_key(source: str, domain: str, key: str, session: SessionDep, actor: ActorDep) -> None:
    service.remove_key(session, source_code=source, domain=domain, key=key, actor=actor)
    session.commit()


@router.get(
    "/golden/{domain}/{golden_id}/crosswalk",
    response_model=Crosswalk,
    summary="Every system's key for a golden record",
)
def golden_keys(domain: str, golden_id: str, session: SessionDep) -> Crosswalk:
    return _out(service.for_golden(session, domain=domain, golden_id=golden_id))
