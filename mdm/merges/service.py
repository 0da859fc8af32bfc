"""Merge two golden records, and split source records out of one, as a steward decides.

Both act through matching rather than around it, so the next record that arrives, or the next
re-match of the domain, keeps what the steward decided:

* a **merge** is a steward's must-link between one record of each golden record (it holds
  whatever the scores say) followed by a re-cluster; the golden record with more source
  records survives (on a tie the older one, then the smaller ID) and the other's ID resolves to
  it forever. A "not a match" the stewards had recorded between the two is withdrawn.
* a **split** is a steward's cannot-link between every split record and every record that
  stays, followed by a re-cluster. Split records that came from a golden record a merge
  absorbed get that golden record back, with its pins and downstream keys, so a split undoes
  the merge exactly; others found a new golden record.

Every merge and split is recorded (actor, reason, time, rule-set version), in the audit log
and in the golden records' history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from matching.clustering import components
from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.errors import Conflict, FieldError, NotFound, ValidationFailed
from mdm.events import service as events
from mdm.golden import service as golden
from mdm.match import service as match
from mdm.merges import repository
from mdm.models import GoldenMerge, GoldenRecord, GoldenSplit, LinkKind, SourceRecord
from mdm.models.base import utcnow
from mdm.survivorship_policies.active import policy_for


@dataclass(frozen=True, slots=True)
class MergeResult:
    survivor_id: str
    absorbed_id: str
    merge: GoldenMerge
    survivor_version: int


@dataclass(frozen=True, slots=True)
class RecordRef:
    source: str
    key: str


@dataclass(slots=True)
class SplitResult:
    split: GoldenSplit
    golden_id: str
    placed: dict[RecordRef, str] = field(default_factory=dict)
    restored: list[str] = field(default_factory=list)
    founded: list[str] = field(default_factory=list)


def _golden_of(session: Session, domain: str, golden_id: str) -> GoldenRecord:
    record = golden.resolve(session, golden_id)
    if record.domain != domain:
        raise NotFound(
            f"golden record {golden_id!r} is a {record.domain}, not a {domain}",
            code="unknown_golden_record",
        )
    return record


@dataclass(frozen=True, slots=True)
class MergeCheck:
    left: GoldenRecord
    right: GoldenRecord
    left_members: list[SourceRecord]
    right_members: list[SourceRecord]
    # Hard-rule features (npi...) on which the two differ; only with ``force``.
    conflicts: list[str]


def check_merge(
    session: Session, *, domain: str, golden_ids: tuple[str, str], reason: str, force: bool
) -> MergeCheck:
    """Whether two golden records can be merged now; raises the reason they cannot."""
    if not reason.strip():
        raise ValidationFailed(
            "a merge needs a reason", [FieldError("reason", "must not be empty", "required")]
        )
    left = _golden_of(session, domain, golden_ids[0])
    right = _golden_of(session, domain, golden_ids[1])
    # Lock both, lower ID first (two stewards merging the same pair the other way round must
    # not deadlock), reading them again: a merge committed meanwhile is followed.
    for locked_id in sorted({left.id, right.id}):
        golden.resolve_for_update(session, locked_id)
    left = _golden_of(session, domain, left.id)
    right = _golden_of(session, domain, right.id)
    if left.id == right.id:
        raise Conflict(
            f"{golden_ids[0]} and {golden_ids[1]} are already one golden record ({left.id})",
            code="already_merged",
        )
    left_members = match.matchable_members(session, [left.id])
    right_members = match.matchable_members(session, [right.id])
    for g, members in ((left, left_members), (right, right_members)):
        if not members:
            raise Conflict(
                f"golden record {g.id} has no source records left (all deleted); nothing to merge",
                code="no_source_records",
            )
    conflicts = match.hard_rule_conflicts(
        session, domain=domain, left=left_members, right=right_members
    )
    if conflicts and not force:
        raise Conflict(
            f"{left.id} and {right.id} hold different valid {', '.join(conflicts)}: matching "
            "would never merge them; send force=true to merge them anyway",
            code="hard_rule_conflict",
        )
    return MergeCheck(left, right, left_members, right_members, conflicts)


def merge_goldens(
    session: Session,
    *,
    domain: str,
    golden_ids: tuple[str, str],
    actor: str,
    reason: str,
    force: bool = False,
    anchors: tuple[int, int] | None = None,
    candidate_id: int | None = None,
    approved_by: str | None = None,
) -> MergeResult:
    """Merge two golden records of ``domain`` into one.

    ``anchors`` names the record of each golden record the steward looked at (a candidate's
    pair); the must-link joins those two, or each side's lowest-ID record when they have moved.
    A merge that a hard rule forbids (two different valid NPIs) needs ``force``.
    """
    spec = get_domain(domain)
    check = check_merge(session, domain=domain, golden_ids=golden_ids, reason=reason, force=force)
    left, right = check.left, check.right
    left_members, right_members, conflicts = (
        check.left_members,
        check.right_members,
        check.conflicts,
    )
    match.lock_records(session, domain=domain, records=[*left_members, *right_members])
    left_ids = {r.id for r in left_members}
    right_ids = {r.id for r in right_members}
    withdrawn = repository.delete_links_between(session, left_ids, right_ids, LinkKind.CANNOT_LINK)
    a, b = _anchors(left_members, right_members, anchors)
    match.remember_link(
        session, record_a=a, record_b=b, kind=LinkKind.MUST_LINK, actor=actor, reason=reason
    )
    applied = match.recluster(
        session,
        spec=spec,
        records=[*left_members, *right_members],
        actor=actor,
        trigger=f"steward merge of {left.id} and {right.id}: {reason}",
    )
    survivor = golden.resolve(session, left.id)
    if survivor.id != golden.resolve(session, right.id).id:
        raise AssertionError(f"a must-link did not merge {left.id} and {right.id}")
    absorbed_id = right.id if survivor.id == left.id else left.id
    merge = applied.merges.get(absorbed_id)
    assert merge is not None, f"no merge recorded for {absorbed_id}"
    merge.kind = "steward"
    merge.candidate_id = candidate_id
    merge.approved_by = approved_by
    merge.reason = reason[:500]
    audit.record(
        session,
        actor=actor,
        action="steward.merge",
        entity_type="golden_record",
        entity_id=survivor.id,
        detail={
            "absorbed_id": absorbed_id,
            "merge_id": merge.id,
            "reason": reason,
            "candidate_id": candidate_id,
            "approved_by": approved_by,
            "forced_over": conflicts,
            "withdrew_not_a_match": withdrawn,
        },
    )
    return MergeResult(survivor.id, absorbed_id, merge, survivor.version)


def _anchors(
    left: Sequence[SourceRecord], right: Sequence[SourceRecord], wanted: tuple[int, int] | None
) -> tuple[SourceRecord, SourceRecord]:
    by_id = {r.id: r for r in (*left, *right)}
    if wanted is not None:
        x, y = by_id.get(wanted[0]), by_id.get(wanted[1])
        if x is not None and y is not None and (x in left) != (y in left):
            return x, y
    return min(left, key=lambda r: r.id), min(right, key=lambda r: r.id)


def split_records(
    session: Session,
    *,
    domain: str,
    golden_id: str,
    records: Sequence[RecordRef],
    actor: str,
    reason: str,
    together: bool = True,
) -> SplitResult:
    """Take ``records`` out of a golden record.

    With ``together`` the split records stay one golden record (the one a merge took from them,
    if any); without it each goes its own way.
    """
    spec = get_domain(domain)
    if not reason.strip():
        raise ValidationFailed(
            "a split needs a reason", [FieldError("reason", "must not be empty", "required")]
        )
    if not records:
        raise ValidationFailed(
            "name at least one source record to split out",
            [FieldError("records", "must not be empty", "required")],
        )
    target = _golden_of(session, domain, golden_id)
    members = match.matchable_members(session, [target.id])
    chosen: dict[int, tuple[RecordRef, SourceRecord]] = {}
    errors: list[FieldError] = []
    for index, ref in enumerate(records):
        try:
            record = match.source_record(
                session, source_code=ref.source, domain=domain, source_key=ref.key
            )
        except NotFound as exc:
            errors.append(FieldError(f"records[{index}]", exc.message, "unknown_source_record"))
            continue
        if record not in members:
            errors.append(
                FieldError(
                    f"records[{index}]",
                    f"{ref.source}:{ref.key} is not an active source record of {target.id}",
                    "not_a_member",
                )
            )
            continue
        chosen[record.id] = (ref, record)
    if errors:
        raise ValidationFailed("some records cannot be split out", errors)
    match.lock_records(session, domain=domain, records=members)
    split_out = [record for _, record in chosen.values()]
    staying = [r for r in members if r.id not in chosen]
    if not staying:
        raise Conflict(
            f"splitting every source record out of {target.id} would leave it empty; "
            "split the others out instead",
            code="split_everything",
        )
    _separate(session, split_out, staying, together=together, actor=actor, reason=reason)
    settings = match.active_settings(session, domain)
    split = GoldenSplit(
        domain=domain,
        golden_id=target.id,
        record_ids=sorted(chosen),
        result_golden_ids=[],
        undid_merge_ids=[],
        actor=actor,
        reason=reason[:500],
        rule_set_version=golden.rule_set_version(
            settings.version, policy_for(session, domain).version
        ),
        created_at=utcnow(),
    )
    repository.add_split(session, split)
    applied = match.recluster(
        session,
        spec=spec,
        records=members,
        actor=actor,
        trigger=f"steward split of {target.id}: {reason}",
        split=split,
        leaving=split_out,
    )
    result = SplitResult(split=split, golden_id=target.id)
    # Usually the golden record stays with the records that stay; but when the records that
    # stay came from a golden record a merge absorbed, they get that one back and the split
    # records keep theirs (provenance decides, not which side the steward named).
    stayed = {golden.resolve(session, r.golden_id).id for r in staying}
    for ref, record in chosen.values():
        placed = golden.resolve(session, record.golden_id).id
        if placed in stayed:
            raise AssertionError(f"cannot-links did not split record {record.id} out")
        result.placed[ref] = placed
    result.restored = sorted(applied.revived)
    result.founded = sorted(set(result.placed.values()) & applied.founded.keys())
    split.result_golden_ids = sorted(set(result.placed.values()))
    # What left the golden record, which is not always what the steward named: when the
    # records that stay came from a golden record a merge absorbed, they are the ones leaving.
    homes = {r.id: golden.resolve(session, r.golden_id).id for r in members}
    left = [r for r in members if homes[r.id] != target.id]
    events.golden_split(
        session,
        split=split,
        record_keys=[(r.source_system_id, r.source_key) for r in left],
        went_to=sorted({homes[r.id] for r in left}),
        actor=actor,
    )
    audit.record(
        session,
        actor=actor,
        action="steward.split",
        entity_type="golden_record",
        entity_id=target.id,
        detail={
            "split_id": split.id,
            "records": split.record_ids,
            "into": split.result_golden_ids,
            "restored": result.restored,
            "undid_merges": split.undid_merge_ids,
            "together": together,
            "reason": reason,
        },
    )
    return result


def _separate(
    session: Session,
    split_out: Sequence[SourceRecord],
    staying: Sequence[SourceRecord],
    *,
    together: bool,
    actor: str,
    reason: str,
) -> None:
    """Turn the steward's split into links: cannot-link across, must-links kept within."""
    out_ids = {r.id for r in split_out}
    stay_ids = {r.id for r in staying}
    by_id = {r.id: r for r in (*split_out, *staying)}
    before = [
        (link.record_a_id, link.record_b_id)
        for link in repository.links_among(session, by_id)
        if link.kind is LinkKind.MUST_LINK
    ]
    repository.delete_links_between(session, out_ids, stay_ids, LinkKind.MUST_LINK)
    # A must-link path between two staying records may have run through a split record: keep
    # each side joined as it was, without the records now on the other side.
    for component in components([str(i) for i in by_id], [(str(a), str(b)) for a, b in before]):
        ids = {int(k) for k in component}
        sides = [ids & stay_ids] + ([ids & out_ids] if together else [])
        for side in sides:
            _rejoin(session, side, before, by_id, actor=actor, reason=reason)
    for x in split_out:
        for y in staying:
            match.remember_link(
                session,
                record_a=x,
                record_b=y,
                kind=LinkKind.CANNOT_LINK,
                actor=actor,
                reason=reason,
            )
    if together:
        anchor = min(split_out, key=lambda r: r.id)
        for other in split_out:
            if other.id != anchor.id:
                match.remember_link(
                    session,
                    record_a=anchor,
                    record_b=other,
                    kind=LinkKind.MUST_LINK,
                    actor=actor,
                    reason=reason,
                )
    else:
        for i, x in enumerate(split_out):
            for y in split_out[i + 1 :]:
                match.remember_link(
                    session,
                    record_a=x,
                    record_b=y,
                    kind=LinkKind.CANNOT_LINK,
                    actor=actor,
                    reason=reason,
                )


def _rejoin(
    session: Session,
    side: set[int],
    links: Sequence[tuple[int, int]],
    by_id: dict[int, SourceRecord],
    *,
    actor: str,
    reason: str,
) -> None:
    if len(side) < 2:
        return
    kept = [(str(a), str(b)) for a, b in links if a in side and b in side]
    parts = components([str(i) for i in side], kept)
    if len(parts) < 2:
        return
    anchor = by_id[min(int(k) for k in parts[0])]
    for part in parts[1:]:
        match.remember_link(
            session,
            record_a=anchor,
            record_b=by_id[min(int(k) for k in part)],
            kind=LinkKind.MUST_LINK,
            actor=actor,
            reason=f"kept a steward's merge across a split: {reason}",
        )


def history(
    session: Session, *, domain: str, golden_id: str | None, limit: int
) -> tuple[Sequence[GoldenMerge], Sequence[GoldenSplit]]:
    get_domain(domain)
    return (
        repository.merges_of(session, domain=domain, golden_id=golden_id, limit=limit),
        repository.splits_of(session, domain=domain, golden_id=golden_id, limit=limit),
    )
