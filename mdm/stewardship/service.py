"""The match-candidate queue and the decisions stewards make on it.

A candidate is two golden records (or a record and a golden record) that matching was unsure
about. Stewards see the queue ordered by priority, claim or are assigned candidates, and decide:

* **accept**: the two are one; they are merged (see :mod:`mdm.merges.service`). With four-eyes
  approval on for the domain, the acceptance waits in ``pending_approval`` until a *different*
  steward approves it (or declines it, which puts it back in the queue);
* **reject**: not a match; remembered as a steward's cannot-link, so matching never proposes or
  makes that merge again, whatever the scores;
* **defer**: decide later, with a comment.

A manual merge of any two golden records goes through the same four-eyes rule.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.errors import Conflict, FieldError, NotFound, ValidationFailed
from mdm.golden import service as golden
from mdm.match import service as match
from mdm.merges import service as merges
from mdm.models import (
    STEWARD_REQUEST,
    CandidateKind,
    CandidateStatus,
    LinkKind,
    MatchCandidate,
    SourceRecord,
    StewardshipSetting,
)
from mdm.models.base import utcnow
from mdm.stewardship import repository

_DECIDABLE = (CandidateStatus.OPEN, CandidateStatus.DEFERRED)


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    DEFER = "defer"
    APPROVE = "approve"
    DECLINE = "decline"


@dataclass(frozen=True, slots=True)
class Decided:
    candidate: MatchCandidate
    merge: merges.MergeResult | None = None


def priority(row: MatchCandidate, now: datetime | None = None) -> float:
    """The candidate's priority now: its base priority plus one point per day waiting."""
    age_days = ((now or utcnow()) - row.created_at).total_seconds() / 86400
    return round(row.base_priority + max(age_days, 0.0), 3)


def queue(
    session: Session,
    *,
    domain: str | None,
    statuses: Collection[CandidateStatus],
    assignee: str | None,
    unassigned: bool,
    kind: CandidateKind | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[MatchCandidate], int]:
    if domain:
        get_domain(domain)
    return repository.queue(
        session,
        domain=domain,
        statuses=statuses or [CandidateStatus.OPEN],
        assignee=assignee,
        unassigned=unassigned,
        kind=kind,
        offset=offset,
        limit=limit,
    )


def _candidate(session: Session, candidate_id: int) -> MatchCandidate:
    row = repository.candidate(session, candidate_id, for_update=True)
    if row is None:
        raise NotFound(f"match candidate #{candidate_id} does not exist", code="unknown_candidate")
    return row


def _open(row: MatchCandidate) -> None:
    if row.status not in (*_DECIDABLE, CandidateStatus.PENDING_APPROVAL):
        raise Conflict(
            f"match candidate #{row.id} is {row.status.value}; nothing left to do on it",
            code="candidate_closed",
        )


def claim(
    session: Session, *, candidate_id: int, actor: str, force: bool = False
) -> MatchCandidate:
    """Take a candidate to work on; someone else's claim is kept unless ``force``."""
    row = _candidate(session, candidate_id)
    _open(row)
    if row.assignee and row.assignee != actor and not force:
        raise Conflict(
            f"match candidate #{row.id} is claimed by {row.assignee}", code="candidate_claimed"
        )
    return _assign(session, row, assignee=actor, actor=actor)


def assign(session: Session, *, candidate_id: int, assignee: str, actor: str) -> MatchCandidate:
    if not assignee.strip():
        raise ValidationFailed(
            "name the steward", [FieldError("assignee", "must not be empty", "required")]
        )
    row = _candidate(session, candidate_id)
    _open(row)
    return _assign(session, row, assignee=assignee.strip()[:200], actor=actor)


def release(session: Session, *, candidate_id: int, actor: str) -> MatchCandidate:
    row = _candidate(session, candidate_id)
    _open(row)
    return _assign(session, row, assignee=None, actor=actor)


def _assign(
    session: Session, row: MatchCandidate, *, assignee: str | None, actor: str
) -> MatchCandidate:
    previous = row.assignee
    row.assignee = assignee
    row.assigned_at = utcnow() if assignee else None
    row.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="steward.candidate_assigned" if assignee else "steward.candidate_released",
        entity_type="match_candidate",
        entity_id=str(row.id),
        detail={"assignee": assignee, "previous": previous},
    )
    return row


def decide(
    session: Session, *, candidate_id: int, action: Action, actor: str, comment: str = ""
) -> Decided:
    row = _candidate(session, candidate_id)
    _open(row)
    left = golden.resolve(session, row.left_golden_id).id
    right = golden.resolve(session, row.right_golden_id).id
    if left == right and action is not Action.DEFER:
        row.status = CandidateStatus.SUPERSEDED
        row.updated_at = utcnow()
        raise Conflict(
            f"match candidate #{row.id} no longer stands: both sides are now golden record {left}",
            code="candidate_stale",
        )
    four_eyes = _four_eyes(session, row.domain)
    if action is Action.ACCEPT:
        _expect(row, _DECIDABLE, action)
        if four_eyes:
            row.status = CandidateStatus.PENDING_APPROVAL
            row.proposed_by, row.proposed_at = actor, utcnow()
            _note(session, row, actor=actor, action="steward.merge_proposed", comment=comment)
            return Decided(row)
        return _accept(session, row, actor=actor, comment=comment, approved_by=None)
    if action is Action.APPROVE:
        _expect(row, (CandidateStatus.PENDING_APPROVAL,), action)
        if row.proposed_by == actor:
            raise Conflict(
                f"match candidate #{row.id} was accepted by {actor}; four-eyes approval needs a "
                "second steward",
                code="four_eyes_same_steward",
            )
        members = match.matchable_members(session, [left, right])
        rejected = repository.steward_rejections_since(
            session,
            left=[r.id for r in members if r.golden_id == left],
            right=[r.id for r in members if r.golden_id == right],
            since=row.proposed_at or row.created_at,
        )
        if rejected:
            raise Conflict(
                f"a steward said 'not a match' for these golden records after #{row.id} was "
                "accepted; decline it or merge them by hand",
                code="rejected_since_proposed",
            )
        proposer = row.proposed_by or actor
        _note(session, row, actor=actor, action="steward.merge_approved", comment=comment)
        return _accept(session, row, actor=proposer, comment=comment, approved_by=actor)
    if action is Action.DECLINE:
        _expect(row, (CandidateStatus.PENDING_APPROVAL,), action)
        row.status = CandidateStatus.OPEN
        _note(session, row, actor=actor, action="steward.merge_declined", comment=comment)
        row.proposed_by = row.proposed_at = None
        return Decided(row)
    if action is Action.REJECT:
        _reject(session, row, actor=actor, comment=comment)
        return Decided(row)
    _expect(row, _DECIDABLE, action)
    row.status = CandidateStatus.DEFERRED
    _note(session, row, actor=actor, action="steward.deferred", comment=comment)
    return Decided(row)


def mark_stale(session: Session, *, candidate_id: int) -> None:
    row = repository.candidate(session, candidate_id, for_update=True)
    if row is not None and row.status in (*_DECIDABLE, CandidateStatus.PENDING_APPROVAL):
        row.status = CandidateStatus.SUPERSEDED
        row.updated_at = utcnow()


def _expect(row: MatchCandidate, allowed: Sequence[CandidateStatus], action: Action) -> None:
    if row.status not in allowed:
        raise Conflict(
            f"cannot {action.value} match candidate #{row.id}: it is {row.status.value}",
            code="wrong_candidate_status",
        )


def _note(session: Session, row: MatchCandidate, *, actor: str, action: str, comment: str) -> None:
    row.comment = comment
    row.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type="match_candidate",
        entity_id=str(row.id),
        detail={
            "comment": comment,
            "left_golden_id": row.left_golden_id,
            "right_golden_id": row.right_golden_id,
        },
    )


def _accept(
    session: Session, row: MatchCandidate, *, actor: str, comment: str, approved_by: str | None
) -> Decided:
    request = (row.explanation or {}).get(STEWARD_REQUEST) or {}
    # Closed before the merge re-clusters, so the re-cluster does not supersede it.
    row.status = CandidateStatus.ACCEPTED
    row.decided_by = approved_by or actor
    row.decided_at = utcnow()
    row.comment = comment
    row.updated_at = row.decided_at
    result = merges.merge_goldens(
        session,
        domain=row.domain,
        golden_ids=(row.left_golden_id, row.right_golden_id),
        actor=actor,
        reason=comment or request.get("reason") or f"match candidate #{row.id} accepted",
        force=bool(request.get("force", False)),
        anchors=(row.left_record_id, row.right_record_id),
        candidate_id=row.id,
        approved_by=approved_by,
    )
    return Decided(row, result)


def _reject(session: Session, row: MatchCandidate, *, actor: str, comment: str) -> None:
    _expect(row, (*_DECIDABLE, CandidateStatus.PENDING_APPROVAL), Action.REJECT)
    if row.status is CandidateStatus.PENDING_APPROVAL and row.proposed_by == actor:
        raise Conflict(
            f"match candidate #{row.id} awaits a second steward; {actor} accepted it",
            code="four_eyes_same_steward",
        )
    # A steward's own merge request turned down is a "not a match" like any other.
    a, b = _pair(session, row)
    match.remember_link(
        session,
        record_a=a,
        record_b=b,
        kind=LinkKind.CANNOT_LINK,
        actor=actor,
        reason=comment or f"match candidate #{row.id} rejected",
    )
    row.status = CandidateStatus.REJECTED
    row.decided_by = actor
    row.decided_at = utcnow()
    _note(session, row, actor=actor, action="steward.rejected", comment=comment)


def _pair(session: Session, row: MatchCandidate) -> tuple[SourceRecord, SourceRecord]:
    """The candidate's two records, or each side's lowest-ID record if they have moved."""
    left = golden.resolve(session, row.left_golden_id).id
    right = golden.resolve(session, row.right_golden_id).id
    members = {r.id: r for r in match.matchable_members(session, [left, right])}
    a, b = members.get(row.left_record_id), members.get(row.right_record_id)
    if a is None or golden.resolve(session, a.golden_id).id != left:
        a = min((r for r in members.values() if r.golden_id == left), key=lambda r: r.id)
    if b is None or golden.resolve(session, b.golden_id).id != right:
        b = min((r for r in members.values() if r.golden_id == right), key=lambda r: r.id)
    return a, b


def request_merge(
    session: Session,
    *,
    domain: str,
    golden_ids: tuple[str, str],
    actor: str,
    reason: str,
    force: bool,
) -> Decided | merges.MergeResult:
    """A steward's manual merge of any two golden records of a domain.

    Without four-eyes it happens at once; with it, it waits as a pending candidate.
    """
    get_domain(domain)
    if not _four_eyes(session, domain):
        return merges.merge_goldens(
            session, domain=domain, golden_ids=golden_ids, actor=actor, reason=reason, force=force
        )
    check = merges.check_merge(
        session, domain=domain, golden_ids=golden_ids, reason=reason, force=force
    )
    conflicts = check.conflicts
    (lg, lrows), (rg, rrows) = sorted(
        {
            check.left.id: check.left_members,
            check.right.id: check.right_members,
        }.items()
    )
    a, b = min(lrows, key=lambda r: r.id), min(rrows, key=lambda r: r.id)
    score = match.score_records(session, domain=domain, a=a, b=b)
    settings = match.active_settings(session, domain)
    now = utcnow()
    explanation: dict[str, Any] = {
        **score.as_dict(),
        STEWARD_REQUEST: {"reason": reason, "force": force, "hard_rule_conflicts": conflicts},
    }
    row = MatchCandidate(
        domain=domain,
        kind=CandidateKind.GOLDEN_TO_GOLDEN,
        status=CandidateStatus.PENDING_APPROVAL,
        left_golden_id=lg,
        right_golden_id=rg,
        left_record_id=a.id,
        right_record_id=b.id,
        reason=STEWARD_REQUEST,
        weight=score.weight,
        probability=score.probability,
        threshold_gap=settings.thresholds.auto_match - score.weight,
        explanation=explanation,
        rule_set_version=settings.version,
        # A steward asked for it: it goes to the head of the approvers' queue.
        base_priority=1000.0,
        priority_key=1000.0 - now.timestamp() / 86400,
        proposed_by=actor,
        proposed_at=now,
        comment=reason,
        created_at=now,
        updated_at=now,
    )
    repository.add_candidate(session, row)
    _note(session, row, actor=actor, action="steward.merge_proposed", comment=reason)
    return Decided(row)


def _four_eyes(session: Session, domain: str) -> bool:
    row = repository.setting(session, domain)
    return bool(row and row.four_eyes)


def settings_of(session: Session, domain: str) -> StewardshipSetting:
    get_domain(domain)
    row = repository.setting(session, domain)
    if row is None:
        return StewardshipSetting(
            domain=domain, four_eyes=False, queue_weight=0.0, updated_by="", updated_at=None
        )
    return row


def update_settings(
    session: Session, *, domain: str, four_eyes: bool, queue_weight: float, actor: str
) -> StewardshipSetting:
    get_domain(domain)
    row = repository.setting(session, domain)
    before = {"four_eyes": row.four_eyes, "queue_weight": row.queue_weight} if row else None
    if row is None:
        repository.shift_priority(session, domain=domain, by=queue_weight)
        row = StewardshipSetting(
            domain=domain,
            four_eyes=four_eyes,
            queue_weight=queue_weight,
            updated_by=actor,
            updated_at=utcnow(),
        )
        repository.add_setting(session, row)
    else:
        # Candidates already waiting move by the change too, not only those proposed later.
        repository.shift_priority(session, domain=domain, by=queue_weight - row.queue_weight)
        row.four_eyes = four_eyes
        row.queue_weight = queue_weight
        row.updated_by = actor
        row.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="stewardship.settings_changed",
        entity_type="domain",
        entity_id=domain,
        detail={"before": before, "four_eyes": four_eyes, "queue_weight": queue_weight},
    )
    return row
