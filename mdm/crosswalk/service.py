"""Look keys up across systems, and let downstream systems register the keys they create."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.crosswalk import repository
from mdm.crosswalk.repository import KeyRow
from mdm.domains import get_domain
from mdm.errors import Conflict, MDMError, NotFound
from mdm.events import service as events
from mdm.golden import service as golden_service
from mdm.models import DownstreamKey
from mdm.models.base import utcnow
from mdm.source_systems import service as source_systems


@dataclass(frozen=True, slots=True)
class CrosswalkView:
    golden_id: str
    domain: str
    # The ID asked for, when it was merged away and now resolves to ``golden_id``.
    requested_golden_id: str | None
    keys: list[KeyRow]


def golden_for_key(session: Session, *, source_code: str, domain: str, key: str) -> str | None:
    """The golden ID a system's key points at (merges followed), or ``None`` if unknown."""
    system = source_systems.get(session, code=source_code)
    found = repository.source_record_golden(session, system_id=system.id, domain=domain, key=key)
    if found is None:
        registered = repository.downstream_key(session, system_id=system.id, domain=domain, key=key)
        found = registered.golden_id if registered else None
    return golden_service.resolve(session, found).id if found else None


def lookup(session: Session, *, source_code: str, domain: str, key: str) -> CrosswalkView:
    get_domain(domain)
    golden_id = golden_for_key(session, source_code=source_code, domain=domain, key=key)
    if golden_id is None:
        raise NotFound(
            f"{source_code} has no {domain} with key {key!r} in the crosswalk", code="unknown_key"
        )
    return for_golden(session, domain=domain, golden_id=golden_id)


def for_golden(session: Session, *, domain: str, golden_id: str) -> CrosswalkView:
    get_domain(domain)
    golden = golden_service.resolve(session, golden_id)
    if golden.domain != domain:
        raise NotFound(
            f"golden record {golden_id!r} is a {golden.domain}, not a {domain}",
            code="unknown_golden_record",
        )
    return CrosswalkView(
        golden_id=golden.id,
        domain=domain,
        requested_golden_id=golden_id if golden_id != golden.id else None,
        keys=repository.keys_for_goldens(session, [golden.id]),
    )


def register_key(
    session: Session, *, source_code: str, domain: str, key: str, golden_id: str, actor: str
) -> tuple[CrosswalkView, bool]:
    """Record that ``source_code`` calls golden record ``golden_id`` by ``key``.

    Returns the crosswalk and whether anything was created. Registering the same key for the same
    golden record again is a no-op; for another golden record it is a conflict.
    """
    get_domain(domain)
    system = source_systems.get(session, code=source_code)
    if domain not in system.receives_domains:
        raise MDMError(
            f"source system {source_code!r} is not registered to receive {domain!r} records, "
            "so it cannot register keys for them",
            403,
            "domain_not_allowed",
        )
    # Locked: the key's event takes the next number in the golden record's sequence.
    golden = golden_service.resolve_for_update(session, golden_id)
    if golden.domain != domain:
        raise MDMError(
            f"golden record {golden_id!r} is a {golden.domain}, not a {domain}",
            422,
            "domain_mismatch",
        )
    sent = repository.source_record_golden(session, system_id=system.id, domain=domain, key=key)
    if sent is not None:
        raise Conflict(
            f"{source_code} already sent a {domain} record with key {key!r}; "
            "its crosswalk entry comes from that record",
            code="key_is_a_source_record",
        )
    existing = repository.downstream_key(session, system_id=system.id, domain=domain, key=key)
    if existing is not None:
        current = golden_service.resolve(session, existing.golden_id).id
        if current != golden.id:
            raise Conflict(
                f"{source_code} key {key!r} already points at golden record {current}",
                code="key_already_registered",
            )
        return for_golden(session, domain=domain, golden_id=golden.id), False
    repository.add_downstream_key(
        session,
        DownstreamKey(
            source_system_id=system.id,
            domain=domain,
            key=key,
            golden_id=golden.id,
            registered_by=actor,
            created_at=utcnow(),
        ),
    )
    events.key_changed(
        session,
        golden=golden,
        system_id=system.id,
        key=key,
        added=True,
        cause="registered",
        actor=actor,
    )
    audit.record(
        session,
        actor=actor,
        action="crosswalk.key_registered",
        entity_type="golden_record",
        entity_id=golden.id,
        detail={"source": source_code, "domain": domain, "key": key},
    )
    return for_golden(session, domain=domain, golden_id=golden.id), True


def remove_key(session: Session, *, source_code: str, domain: str, key: str, actor: str) -> None:
    get_domain(domain)
    system = source_systems.get(session, code=source_code)
    existing = repository.downstream_key(session, system_id=system.id, domain=domain, key=key)
    if existing is None:
        raise NotFound(f"{source_code} registered no {domain} key {key!r}", code="unknown_key")
    golden = golden_service.resolve_for_update(session, existing.golden_id)
    golden_id = existing.golden_id
    repository.delete_downstream_key(session, existing)
    events.key_changed(
        session,
        golden=golden,
        system_id=system.id,
        key=key,
        added=False,
        cause="removed",
        actor=actor,
    )
    audit.record(
        session,
        actor=actor,
        action="crosswalk.key_removed",
        entity_type="golden_record",
        entity_id=golden_id,
        detail={"source": source_code, "domain": domain, "key": key},
    )


def move_downstream_keys(
    session: Session, *, from_golden: str, to_golden: str, actor: str
) -> list[int]:
    """A merge: the absorbed golden record's downstream keys now name the survivor."""
    moved = repository.move_downstream_keys(session, from_golden=from_golden, to_golden=to_golden)
    if moved:
        audit.record(
            session,
            actor=actor,
            action="crosswalk.keys_moved",
            entity_type="golden_record",
            entity_id=to_golden,
            detail={"from": from_golden, "count": len(moved), "key_ids": moved},
        )
    return moved


def restore_downstream_keys(
    session: Session, *, key_ids: Sequence[int], to_golden: str, actor: str
) -> list[int]:
    """A split that undoes a merge: the keys the merge moved go back to their golden record.

    A key deleted since the merge stays deleted; nothing else of the survivor's moves.
    """
    if not key_ids:
        return []
    before = {
        k.id: (k.golden_id, k.source_system_id, k.key)
        for k in repository.keys_by_id(session, key_ids)
    }
    moved = repository.move_keys_by_id(session, key_ids=key_ids, to_golden=to_golden)
    if moved:
        # Each key leaves one golden record and joins another: both sequences say so.
        target = golden_service.get_for_event(session, to_golden)
        for key_id in moved:
            was, system_id, key = before[key_id]
            events.key_changed(
                session,
                golden=golden_service.get_for_event(session, was),
                system_id=system_id,
                key=key,
                added=False,
                cause="split",
                actor=actor,
            )
            events.key_changed(
                session,
                golden=target,
                system_id=system_id,
                key=key,
                added=True,
                cause="split",
                actor=actor,
            )
        audit.record(
            session,
            actor=actor,
            action="crosswalk.keys_restored",
            entity_type="golden_record",
            entity_id=to_golden,
            detail={"count": len(moved), "key_ids": moved},
        )
    return moved
