"""Register, change and look up source systems."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.errors import Conflict, FieldError, MDMError, NotFound, ValidationFailed
from mdm.models import SourceSystem
from mdm.models.base import utcnow
from mdm.source_systems import repository
from mdm.source_systems.schemas import SourceSystemCreate, SourceSystemUpdate


def create(session: Session, *, data: SourceSystemCreate, actor: str) -> SourceSystem:
    if repository.by_code(session, data.code) is not None:
        raise Conflict(f"source system {data.code!r} already exists", code="source_system_exists")
    system = SourceSystem(
        code=data.code,
        name=data.name,
        description=data.description,
        sends_domains=data.sends,
        receives_domains=data.receives,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    repository.add(session, system)
    audit.record(
        session,
        actor=actor,
        action="source_system.created",
        entity_type="source_system",
        entity_id=data.code,
        detail=data.model_dump(),
    )
    return system


def update(session: Session, *, code: str, data: SourceSystemUpdate, actor: str) -> SourceSystem:
    system = get(session, code=code)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is not None:
        system.name = changes["name"]
    if "description" in changes and changes["description"] is not None:
        system.description = changes["description"]
    if changes.get("sends") is not None:
        system.sends_domains = changes["sends"]
    if changes.get("receives") is not None:
        system.receives_domains = changes["receives"]
    system.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="source_system.updated",
        entity_type="source_system",
        entity_id=code,
        detail=changes,
    )
    return system


def get(session: Session, *, code: str) -> SourceSystem:
    system = repository.by_code(session, code)
    if system is None:
        raise NotFound(f"source system {code!r} is not registered", code="unknown_source_system")
    return system


def require(session: Session, *, code: str, field: str) -> SourceSystem:
    """The system a request names in ``field``; an unknown code is a 422 naming that field."""
    system = repository.by_code(session, code)
    if system is None:
        raise ValidationFailed(
            f"source system {code!r} is not registered",
            [
                FieldError(
                    field, f"source system {code!r} is not registered", "unknown_source_system"
                )
            ],
        )
    return system


def get_by_id(session: Session, system_id: int) -> SourceSystem:
    system = repository.by_id(session, system_id)
    if system is None:
        raise NotFound(f"source system #{system_id} does not exist", code="unknown_source_system")
    return system


def get_many(session: Session, codes: Sequence[str]) -> dict[str, SourceSystem]:
    """Systems by code; raises naming every code that is not registered."""
    found = repository.by_codes(session, sorted(set(codes)))
    missing = sorted(set(codes) - found.keys())
    if missing:
        raise NotFound(
            f"source system(s) not registered: {', '.join(missing)}", code="unknown_source_system"
        )
    return found


def known(session: Session, codes: Sequence[str]) -> dict[str, SourceSystem]:
    """The registered systems among ``codes``; unknown codes are simply absent."""
    return repository.by_codes(session, codes) if codes else {}


def list_all(session: Session) -> Sequence[SourceSystem]:
    return repository.all_systems(session)


def require_sends(system: SourceSystem, domain: str) -> None:
    if domain not in system.sends_domains:
        raise MDMError(
            f"source system {system.code!r} is not registered to send {domain!r} records "
            f"(it sends: {', '.join(system.sends_domains) or 'nothing'})",
            403,
            "domain_not_allowed",
        )
