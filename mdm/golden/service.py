"""Golden records: their attributes from their members, versions, history, and retirement.

Which golden record a source record belongs to is decided by matching (``mdm.match``); this
module builds each golden record from its members and keeps every version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import DOMAINS, DomainSpec, get_domain
from mdm.domains.identity import identity_schemes
from mdm.errors import NotFound
from mdm.golden import repository
from mdm.golden.ids import new_golden_id
from mdm.models import GoldenRecord, GoldenStatus, GoldenVersion, SourceRecord, SourceRecordStatus
from mdm.models.base import utcnow
from survivorship import Contribution, resolve_most_recent

# Recorded on every golden version, after the match rule set's version: the rule that built the
# attributes. Issue 4 replaces it with versioned survivorship policies.
SURVIVORSHIP_VERSION = "most-recent-v1"
_MAX_MERGE_CHAIN = 64


@dataclass(frozen=True, slots=True)
class Relationship:
    name: str
    target_domain: str
    target_system: str
    target_key: str
    golden_id: str | None


@dataclass(slots=True)
class GoldenView:
    record: GoldenRecord
    requested_id: str
    members: list[tuple[SourceRecord, str]] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)


def resolve(session: Session, golden_id: str) -> GoldenRecord:
    """The golden record ``golden_id`` names, following merges to the survivor."""
    golden = repository.get(session, golden_id)
    if golden is None:
        raise NotFound(f"golden record {golden_id!r} does not exist", code="unknown_golden_record")
    for _ in range(_MAX_MERGE_CHAIN):
        if golden.status is not GoldenStatus.MERGED or golden.merged_into_id is None:
            return golden
        survivor = repository.get(session, golden.merged_into_id)
        assert survivor is not None, "merged_into_id points at a missing golden record"
        golden = survivor
    raise AssertionError(f"merge chain from {golden_id} is longer than {_MAX_MERGE_CHAIN}")


def resolve_ids(session: Session, golden_ids: set[str]) -> dict[str, str]:
    return {g: resolve(session, g).id for g in golden_ids}


def found(session: Session, *, spec: DomainSpec) -> GoldenRecord:
    """A new, still empty golden record (version 0 until :func:`refresh` gives it content)."""
    now = utcnow()
    golden = GoldenRecord(
        id=new_golden_id(spec.id_prefix),
        domain=spec.name,
        status=GoldenStatus.ACTIVE,
        version=0,
        attributes={},
        lineage={},
        created_at=now,
        updated_at=now,
    )
    repository.add(session, golden)
    return golden


def refresh(
    session: Session,
    *,
    golden_id: str,
    reason: str,
    actor: str,
    detail: str = "",
    membership_changed: bool = False,
    match_version: str = "",
) -> GoldenVersion | None:
    """Recompute a golden record from its members; write a version if anything changed."""
    golden = repository.get(session, golden_id, for_update=True)
    assert golden is not None, f"refresh of missing golden record {golden_id}"
    members = repository.members(session, golden_id)
    return _rebuild(
        session,
        golden=golden,
        members=members,
        reason=reason,
        actor=actor,
        detail=detail,
        membership_changed=membership_changed,
        match_version=match_version,
    )


@dataclass(frozen=True, slots=True)
class Refresh:
    golden_id: str
    reason: str
    detail: str = ""


def refresh_many(
    session: Session,
    refreshes: Sequence[Refresh],
    *,
    actor: str,
    membership_changed: bool,
    match_version: str = "",
) -> None:
    """:func:`refresh` for many golden records, loading them and their members in bulk."""
    ids = [r.golden_id for r in refreshes]
    goldens = repository.get_many(session, ids, for_update=True)
    members = repository.members_of(session, ids)
    for item in refreshes:
        _rebuild(
            session,
            golden=goldens[item.golden_id],
            members=members.get(item.golden_id, []),
            reason=item.reason,
            actor=actor,
            detail=item.detail,
            membership_changed=membership_changed,
            match_version=match_version,
        )


def _rebuild(
    session: Session,
    *,
    golden: GoldenRecord,
    members: Sequence[SourceRecord],
    reason: str,
    actor: str,
    detail: str,
    membership_changed: bool,
    match_version: str,
) -> GoldenVersion | None:
    active = [m for m in members if m.status is SourceRecordStatus.ACTIVE]
    resolution = resolve_most_recent(
        Contribution(m.id, m.source_system.code, m.source_key, m.updated_at, m.attributes)
        for m in active
    )
    lineage = {name: item.as_dict() for name, item in resolution.lineage.items()}
    if golden.status is GoldenStatus.MERGED:
        status = GoldenStatus.MERGED
    else:
        status = GoldenStatus.ACTIVE if active else GoldenStatus.INACTIVE
    old = golden.attributes or {}
    changed = sorted(
        name
        for name in old.keys() | resolution.attributes.keys()
        if old.get(name) != resolution.attributes.get(name)
    )
    is_new = golden.version == 0
    if not (
        is_new
        or changed
        or membership_changed
        or status is not golden.status
        or lineage != golden.lineage
    ):
        return None
    golden.attributes = resolution.attributes
    golden.lineage = lineage
    golden.status = status
    golden.version += 1
    golden.updated_at = utcnow()
    version = GoldenVersion(
        golden_id=golden.id,
        version=golden.version,
        status=status.value,
        attributes=golden.attributes,
        lineage=lineage,
        member_ids=[m.id for m in members],
        changed_attributes=changed,
        reason="created" if is_new else reason,
        detail=detail,
        actor=actor,
        rule_set_version=_rule_set_version(match_version),
        created_at=golden.updated_at,
    )
    repository.add_version(session, version)
    audit.record(
        session,
        actor=actor,
        action="golden.created" if is_new else "golden.updated",
        entity_type="golden_record",
        entity_id=golden.id,
        detail={
            "version": golden.version,
            "reason": version.reason,
            "changed": changed,
            "status": status.value,
        },
    )
    return version


def retire_into(
    session: Session,
    *,
    golden_id: str,
    survivor_id: str,
    actor: str,
    reason: str,
    match_version: str = "",
) -> None:
    """Mark an emptied golden record as merged into ``survivor_id``; its ID keeps resolving."""
    golden = repository.get(session, golden_id, for_update=True)
    assert golden is not None
    golden.status = GoldenStatus.MERGED
    golden.merged_into_id = survivor_id
    golden.version += 1
    golden.updated_at = utcnow()
    repository.add_version(
        session,
        GoldenVersion(
            golden_id=golden.id,
            version=golden.version,
            status=GoldenStatus.MERGED.value,
            attributes=golden.attributes,
            lineage=golden.lineage,
            member_ids=[],
            changed_attributes=[],
            reason="merged",
            detail=f"merged into {survivor_id}: {reason}",
            actor=actor,
            rule_set_version=_rule_set_version(match_version),
            created_at=golden.updated_at,
        ),
    )
    audit.record(
        session,
        actor=actor,
        action="golden.merged",
        entity_type="golden_record",
        entity_id=golden.id,
        detail={"survivor_id": survivor_id, "reason": reason},
    )


def _rule_set_version(match_version: str) -> str:
    return f"{match_version}+{SURVIVORSHIP_VERSION}" if match_version else SURVIVORSHIP_VERSION


def view(session: Session, *, domain: str, golden_id: str) -> GoldenView:
    get_domain(domain)
    golden = resolve(session, golden_id)
    if golden.domain != domain:
        raise NotFound(
            f"golden record {golden_id!r} is a {golden.domain}, not a {domain}",
            code="unknown_golden_record",
        )
    members = repository.members(session, golden.id)
    result = GoldenView(
        record=golden,
        requested_id=golden_id,
        members=[(m, m.source_system.code) for m in members],
    )
    seen: set[tuple[str, str | None, str, str]] = set()
    for row in repository.member_references(session, golden.id):
        target = row.via_source_record or row.via_downstream_key
        resolved = resolve(session, target).id if target else None
        key = (row.name, resolved, row.target_system, row.target_key)
        if key in seen:
            continue
        seen.add(key)
        result.relationships.append(
            Relationship(row.name, row.target_domain, row.target_system, row.target_key, resolved)
        )
    return result


def history(session: Session, *, domain: str, golden_id: str) -> Sequence[GoldenVersion]:
    get_domain(domain)
    golden = repository.get(session, golden_id)
    if golden is None or golden.domain != domain:
        raise NotFound(
            f"golden record {golden_id!r} does not exist in {domain}", code="unknown_golden_record"
        )
    return repository.versions(session, golden_id)


def page(
    session: Session, *, domain: str, status: GoldenStatus | None, after_id: str | None, limit: int
) -> Sequence[GoldenRecord]:
    get_domain(domain)
    return repository.page(session, domain=domain, status=status, after_id=after_id, limit=limit)


def by_identifier(session: Session, *, domain: str, scheme: str, value: str) -> list[GoldenRecord]:
    """Golden records holding an identifier value (valid or not), merges followed."""
    spec = get_domain(domain)
    if scheme not in {a.name for a in spec.attributes} | identity_schemes(spec):
        raise NotFound(f"{domain} has no identifier {scheme!r}", code="unknown_identifier")
    ids = repository.goldens_by_identifier(session, domain=domain, scheme=scheme, value=value)
    unique = {resolve(session, g).id: None for g in sorted(ids)}
    return [resolve(session, g) for g in unique]


def counts(session: Session) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {d: {} for d in DOMAINS}
    for domain, status, count in repository.count_by_domain_status(session):
        out.setdefault(domain, {})[status] = count
    return out


def masked_attributes(domain: str, attributes: dict[str, Any]) -> dict[str, Any]:
    from mdm.domains.masking import mask_attributes

    return mask_attributes(get_domain(domain), attributes)
