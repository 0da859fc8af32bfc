"""Golden records: their attributes from their members, versions, history, and retirement.

Which golden record a source record belongs to is decided by matching (``mdm.match``); this
module builds each golden record from its members and keeps every version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import DOMAINS, DomainSpec, get_domain
from mdm.domains.identity import identity_schemes
from mdm.domains.masking import mask_attributes
from mdm.domains.standardise import invalid_attributes
from mdm.errors import NotFound
from mdm.events import service as events
from mdm.golden import repository
from mdm.golden.ids import new_golden_id
from mdm.models import (
    GoldenMerge,
    GoldenPin,
    GoldenRecord,
    GoldenStatus,
    GoldenVersion,
    SourceRecord,
    SourceRecordStatus,
)
from mdm.models.base import utcnow
from mdm.survivorship_policies.active import policy_for
from survivorship import Contribution, Pin, Resolution, SurvivorshipPolicy
from survivorship import resolve as resolve_attributes

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


def resolve_for_update(session: Session, golden_id: str) -> GoldenRecord:
    """:func:`resolve`, then lock the golden record and read it again under the lock.

    A merge committed while we waited makes it a merged record: follow it to the survivor
    (and lock that), so a pin or merge never lands on a golden record merged away meanwhile.
    """
    for _ in range(_MAX_MERGE_CHAIN):
        target = resolve(session, golden_id)
        locked = repository.get(session, target.id, for_update=True)
        assert locked is not None
        if locked.status is not GoldenStatus.MERGED:
            return locked
        golden_id = locked.id
    raise AssertionError(f"merge chain from {golden_id} is longer than {_MAX_MERGE_CHAIN}")


def get_for_event(session: Session, golden_id: str) -> GoldenRecord:
    """A golden record as it is, merged or not, for an event about it.

    Only for flows that already locked it (a split): reading it again under a new lock would
    drop the changes this transaction has not flushed yet.
    """
    golden = repository.get(session, golden_id)
    if golden is None:
        raise NotFound(f"golden record {golden_id!r} does not exist", code="unknown_golden_record")
    return golden


def resolve_ids(session: Session, golden_ids: set[str]) -> dict[str, str]:
    return {g: resolve(session, g).id for g in golden_ids}


def found(session: Session, *, spec: DomainSpec, add: bool = True) -> GoldenRecord:
    """A new, still empty golden record (version 0 until :func:`refresh` gives it content).

    ``add=False``: not added to the session; the caller adds it once built, so that it is
    written once, with its content, rather than inserted empty and updated.
    """
    now = utcnow()
    golden = GoldenRecord.build(
        id=new_golden_id(spec.id_prefix),
        domain=spec.name,
        status=GoldenStatus.ACTIVE,
        version=0,
        attributes={},
        lineage={},
        created_at=now,
        updated_at=now,
    )
    if add:
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
) -> None:
    """Recompute a golden record from its members; write a version if anything changed."""
    golden = repository.get(session, golden_id, for_update=True)
    assert golden is not None, f"refresh of missing golden record {golden_id}"
    members = repository.members(session, golden_id)
    _rebuild(
        session,
        golden=golden,
        members=members,
        pins=repository.pins_of(session, [golden_id]).get(golden_id, []),
        policy=policy_for(session, golden.domain),
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
    founded: Mapping[str, tuple[GoldenRecord, Sequence[SourceRecord]]] | None = None,
) -> None:
    """:func:`refresh` for many golden records, loading them and their members in bulk.

    ``founded``: golden records this transaction founded, with all their members. Nobody else
    can see them yet, so they are neither locked nor read back (a batch founds thousands of
    them). Their pins and downstream keys are read all the same: a golden record retired into
    one in this transaction hands it both.
    """
    founded = founded or {}
    every = [r.golden_id for r in refreshes]
    ids = [g for g in every if g not in founded]
    goldens = repository.get_many(session, ids, for_update=True)
    members = repository.members_of(session, ids)
    pins = repository.pins_of(session, every)
    downstream = events.downstream_keys_of(session, every)
    for golden_id, (record, its_members) in founded.items():
        goldens[golden_id] = record
        members[golden_id] = sorted(its_members, key=lambda m: m.id)
    policies: dict[str, SurvivorshipPolicy] = {}
    for item in refreshes:
        record = goldens[item.golden_id]
        if record.domain not in policies:
            policies[record.domain] = policy_for(session, record.domain)
        _rebuild(
            session,
            golden=record,
            members=members.get(item.golden_id, []),
            pins=pins.get(item.golden_id, []),
            policy=policies[record.domain],
            reason=item.reason,
            actor=actor,
            detail=item.detail,
            membership_changed=membership_changed,
            match_version=match_version,
            downstream=downstream.get(item.golden_id),
        )


def _rebuild(
    session: Session,
    *,
    golden: GoldenRecord,
    members: Sequence[SourceRecord],
    pins: Sequence[GoldenPin],
    policy: SurvivorshipPolicy,
    reason: str,
    actor: str,
    detail: str,
    membership_changed: bool,
    match_version: str,
    downstream: Sequence[tuple[int, str]] | None = None,
) -> None:
    active = [m for m in members if m.status is SourceRecordStatus.ACTIVE]
    resolution = _resolution(policy, active, pins)
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
        return
    previous_status = golden.status
    golden.attributes = resolution.attributes
    golden.lineage = lineage
    golden.status = status
    golden.version += 1
    golden.updated_at = utcnow()
    version = events.VersionWritten(
        changed_attributes=changed,
        reason="created" if is_new else reason,
        rule_set_version=rule_set_version(match_version, resolution.policy_version),
        actor=actor,
        created_at=golden.updated_at,
    )
    repository.add_version(
        session,
        {
            "golden_id": golden.id,
            "version": golden.version,
            "status": status.value,
            "attributes": golden.attributes,
            "lineage": lineage,
            "member_ids": [m.id for m in members],
            "changed_attributes": changed,
            "reason": version.reason,
            "detail": detail,
            "actor": actor,
            "rule_set_version": version.rule_set_version,
            "created_at": version.created_at,
        },
    )
    events.golden_changed(
        session,
        golden=golden,
        version=version,
        previous_status=previous_status,
        previous_attributes=old,
        members=members,
        is_new=is_new,
        downstream=downstream,
    )
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


def _resolution(
    policy: SurvivorshipPolicy, active: Sequence[SourceRecord], pins: Sequence[GoldenPin]
) -> Resolution:
    return resolve_attributes(
        policy,
        (
            Contribution(
                m.id,
                m.source_system.code,
                m.source_key,
                m.updated_at,
                m.attributes,
                frozenset(invalid_attributes(m.quality_issues)),
            )
            for m in active
        ),
        {p.attribute: Pin(p.attribute, p.value, p.actor, p.reason, p.created_at) for p in pins},
    )


@dataclass(slots=True)
class PolicyPreview:
    golden_records: int = 0
    changed: int = 0
    # Golden records whose values stay but whose lineage (rule or record) would change.
    lineage_only: int = 0
    by_attribute: dict[str, int] = field(default_factory=dict)
    # (golden ID, attribute, value now, value under the policy), the first few, values masked.
    examples: list[tuple[str, str, Any, Any]] = field(default_factory=list)


def preview_policy(
    session: Session, *, domain: str, policy: SurvivorshipPolicy, examples: int = 50
) -> PolicyPreview:
    """What ``policy`` would change in the domain's golden records; changes nothing."""
    spec = get_domain(domain)
    out = PolicyPreview()
    for ids in repository.live_ids_of_domain(session, domain, chunk=500):
        goldens = repository.get_many(session, ids)
        members = repository.members_of(session, ids)
        pins = repository.pins_of(session, ids)
        for gid in ids:
            active = [m for m in members.get(gid, []) if m.status is SourceRecordStatus.ACTIVE]
            resolution = _resolution(policy, active, pins.get(gid, []))
            after = resolution.attributes
            before = goldens[gid].attributes or {}
            lineage = {n: item.as_dict() for n, item in resolution.lineage.items()}
            out.golden_records += 1
            changed = sorted(
                n for n in before.keys() | after.keys() if before.get(n) != after.get(n)
            )
            if not changed:
                # Same values, another rule or record behind them: activation writes a version.
                if lineage != (goldens[gid].lineage or {}):
                    out.lineage_only += 1
                continue
            out.changed += 1
            for name in changed:
                out.by_attribute[name] = out.by_attribute.get(name, 0) + 1
                if len(out.examples) < examples:
                    masked_before = mask_attributes(spec, before)
                    masked_after = mask_attributes(spec, after)
                    out.examples.append(
                        (gid, name, masked_before.get(name), masked_after.get(name))
                    )
    return out


def reresolve_domain(
    session: Session, *, domain: str, actor: str, reason: str, match_version: str
) -> int:
    """Rebuild every live golden record of a domain (a new survivorship policy is active).

    Returns how many got a new version.
    """
    before = repository.version_count(session, domain)
    for ids in repository.live_ids_of_domain(session, domain, chunk=500):
        with session.no_autoflush:
            refresh_many(
                session,
                [Refresh(g, reason) for g in ids],
                actor=actor,
                membership_changed=False,
                match_version=match_version,
            )
        session.flush()
    return repository.version_count(session, domain) - before


def retire_into(
    session: Session,
    *,
    golden_id: str,
    survivor_id: str,
    record_ids: Sequence[int],
    actor: str,
    reason: str,
    match_version: str = "",
) -> GoldenMerge:
    """Mark an emptied golden record as merged into ``survivor_id``; its ID keeps resolving.

    The merge is recorded with the records the absorbed golden record held, so that a split can
    bring the same golden record back. Its pins go to the survivor where the survivor has none
    for the attribute (the survivor's own pins win), marked as carried by this merge.
    """
    golden = repository.get(session, golden_id, for_update=True)
    assert golden is not None
    version_label = rule_set_version(match_version, policy_for(session, golden.domain).version)
    _merge_into(
        session,
        golden,
        survivor_id,
        detail=f"merged into {survivor_id}: {reason}",
        actor=actor,
        rule_set_version=version_label,
        record_ids=record_ids,
        reason=reason,
    )
    merge = GoldenMerge(
        domain=golden.domain,
        survivor_id=survivor_id,
        absorbed_id=golden_id,
        kind="matching",
        record_ids=sorted(record_ids),
        survivor_record_ids=sorted(
            m.id
            for m in repository.members(session, survivor_id)
            if m.id not in set(record_ids) and m.status is not SourceRecordStatus.DELETED
        ),
        downstream_key_ids=[],
        actor=actor,
        reason=reason[:500],
        rule_set_version=version_label,
        created_at=golden.updated_at,
    )
    repository.add_merge(session, merge)
    carried = carry_pins(session, roots={survivor_id})
    audit.record(
        session,
        actor=actor,
        action="golden.merged",
        entity_type="golden_record",
        entity_id=golden.id,
        detail={
            "survivor_id": survivor_id,
            "reason": reason,
            "merge_id": merge.id,
            "records": merge.record_ids,
            "pins_carried": sorted(carried.get(survivor_id, [])),
        },
    )
    return merge


def _merge_into(
    session: Session,
    golden: GoldenRecord,
    survivor_id: str,
    *,
    detail: str,
    actor: str,
    rule_set_version: str,
    record_ids: Sequence[int],
    reason: str,
    previous_survivor_id: str | None = None,
) -> None:
    """Point a golden record at its survivor, write the ``merged`` version and its event."""
    golden.status = GoldenStatus.MERGED
    golden.merged_into_id = survivor_id
    golden.version += 1
    golden.updated_at = utcnow()
    repository.add_version(
        session,
        {
            "golden_id": golden.id,
            "version": golden.version,
            "status": GoldenStatus.MERGED.value,
            "attributes": golden.attributes,
            "lineage": golden.lineage,
            "member_ids": [],
            "changed_attributes": [],
            "reason": "merged",
            "detail": detail[:2000],
            "actor": actor,
            "rule_set_version": rule_set_version,
            "created_at": golden.updated_at,
        },
    )
    events.golden_merged(
        session,
        golden=golden,
        survivor_id=survivor_id,
        record_ids=record_ids,
        reason=reason,
        actor=actor,
        previous_survivor_id=previous_survivor_id,
    )


def revive(session: Session, *, merge: GoldenMerge, actor: str, reason: str) -> GoldenRecord:
    """Bring back a golden record a merge absorbed, as a split of its records asks.

    Its attributes are rebuilt from its records when they move back, its downstream keys and
    pins follow (see :mod:`mdm.match.provenance`), so the result is the state before the merge.
    """
    golden = repository.get(session, merge.absorbed_id, for_update=True)
    assert golden is not None
    golden.status = GoldenStatus.ACTIVE
    golden.merged_into_id = None
    audit.record(
        session,
        actor=actor,
        action="golden.restored",
        entity_type="golden_record",
        entity_id=golden.id,
        detail={"merge_id": merge.id, "survivor_id": merge.survivor_id, "reason": reason},
    )
    return golden


def reattach(
    session: Session, *, merge: GoldenMerge, survivor_id: str, actor: str, reason: str
) -> None:
    """An absorbed golden record whose records went with another survivor (its own survivor
    was split off from them) now resolves to that one."""
    golden = repository.get(session, merge.absorbed_id, for_update=True)
    assert golden is not None
    previous = merge.survivor_id
    merge.survivor_id = survivor_id
    _merge_into(
        session,
        golden,
        survivor_id,
        detail=f"now merged into {survivor_id} (was {previous}): {reason}",
        actor=actor,
        rule_set_version=merge.rule_set_version,
        record_ids=merge.record_ids,
        reason=reason,
        previous_survivor_id=previous,
    )
    audit.record(
        session,
        actor=actor,
        action="golden.reattached",
        entity_type="golden_record",
        entity_id=golden.id,
        detail={"merge_id": merge.id, "from": previous, "to": survivor_id, "reason": reason},
    )


def merge_tree_ids(session: Session, root: str) -> set[str]:
    """The golden record and every golden record merged into it, at any depth (not undone)."""
    return {root} | {m.absorbed_id for m in repository.open_merges_under(session, {root})}


def carry_pins(session: Session, *, roots: set[str]) -> dict[str, list[str]]:
    """Recompute the pins each root carries for the golden records merged into it.

    An absorbed golden record's own pins apply to the root it resolves to, where the root has
    no pin of its own for the attribute; between absorbed records, the one nearer the root
    wins, then the one merged first. The absorbed records keep their own pins (dormant), so a
    split that revives one gives it its pins back. Returns root -> attributes carried.
    """
    merges = repository.open_merges_under(session, roots)
    by_absorbed = {m.absorbed_id: m for m in merges}

    def chain(golden_id: str) -> list[str]:
        out: list[str] = []
        node = by_absorbed.get(golden_id)
        while node is not None and len(out) < 64:
            out.append(node.survivor_id)
            node = by_absorbed.get(node.survivor_id)
        return out

    nodes = set(roots) | set(by_absorbed)
    repository.delete_carried_pins(session, nodes)
    own = repository.pins_of(session, sorted(nodes))
    taken = {(root, p.attribute) for root in roots for p in own.get(root, [])}
    carried: dict[str, list[str]] = {}
    for absorbed in sorted(by_absorbed, key=lambda g: (len(chain(g)), by_absorbed[g].id)):
        root = chain(absorbed)[-1]
        for pin in own.get(absorbed, []):
            if (root, pin.attribute) in taken:
                continue
            taken.add((root, pin.attribute))
            carried.setdefault(root, []).append(pin.attribute)
            repository.add_pin(
                session,
                GoldenPin(
                    golden_id=root,
                    attribute=pin.attribute,
                    value=pin.value,
                    actor=pin.actor,
                    reason=pin.reason,
                    carried_by_merge_id=by_absorbed[absorbed].id,
                    origin_golden_id=absorbed,
                    created_at=pin.created_at,
                ),
            )
    return carried


def rule_set_version(match_version: str, policy_version: str) -> str:
    """What a golden version records as its rule set: the match rule set, then survivorship."""
    return f"{match_version}+{policy_version}" if match_version else policy_version


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
    return mask_attributes(get_domain(domain), attributes)
