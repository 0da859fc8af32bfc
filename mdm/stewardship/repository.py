from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from mdm.models import (
    CandidateKind,
    CandidateStatus,
    LinkKind,
    MatchCandidate,
    StewardLink,
    StewardshipSetting,
)


def candidate(
    session: Session, candidate_id: int, *, for_update: bool = False
) -> MatchCandidate | None:
    # FOR UPDATE: two stewards deciding one candidate at once are serialised, and the second
    # sees the first one's decision (SQLite serialises writers anyway).
    return session.get(MatchCandidate, candidate_id, with_for_update=for_update)


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
    stmt = select(MatchCandidate).where(MatchCandidate.status.in_(sorted(statuses)))
    if domain:
        stmt = stmt.where(MatchCandidate.domain == domain)
    if assignee:
        stmt = stmt.where(MatchCandidate.assignee == assignee)
    if unassigned:
        stmt = stmt.where(MatchCandidate.assignee.is_(None))
    if kind is not None:
        stmt = stmt.where(MatchCandidate.kind == kind)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(MatchCandidate.priority_key.desc(), MatchCandidate.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, int(total)


def add_candidate(session: Session, row: MatchCandidate) -> None:
    session.add(row)
    session.flush()


def shift_priority(session: Session, *, domain: str, by: float) -> None:
    if not by:
        return
    session.execute(
        update(MatchCandidate)
        .where(
            MatchCandidate.domain == domain,
            MatchCandidate.status.in_(
                [
                    CandidateStatus.OPEN,
                    CandidateStatus.DEFERRED,
                    CandidateStatus.PENDING_APPROVAL,
                ]
            ),
        )
        .values(
            base_priority=MatchCandidate.base_priority + by,
            priority_key=MatchCandidate.priority_key + by,
        )
        .execution_options(synchronize_session="fetch")
    )


def steward_rejections_since(
    session: Session, *, left: Collection[int], right: Collection[int], since: datetime
) -> int:
    """Steward "not a match" links between the two sides made after ``since``."""
    a, b = sorted(left), sorted(right)
    if not a or not b:
        return 0
    return int(
        session.scalar(
            select(func.count())
            .select_from(StewardLink)
            .where(
                StewardLink.kind == LinkKind.CANNOT_LINK,
                StewardLink.created_at > since,
                or_(
                    and_(StewardLink.record_a_id.in_(a), StewardLink.record_b_id.in_(b)),
                    and_(StewardLink.record_a_id.in_(b), StewardLink.record_b_id.in_(a)),
                ),
            )
        )
        or 0
    )


def setting(session: Session, domain: str) -> StewardshipSetting | None:
    return session.get(StewardshipSetting, domain)


def add_setting(session: Session, row: StewardshipSetting) -> None:
    session.add(row)
    session.flush()
