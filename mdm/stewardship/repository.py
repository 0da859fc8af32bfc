from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mdm.models import CandidateKind, CandidateStatus, MatchCandidate, StewardshipSetting


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


def setting(session: Session, domain: str) -> StewardshipSetting | None:
    return session.get(StewardshipSetting, domain)


def add_setting(session: Session, row: StewardshipSetting) -> None:
    session.add(row)
    session.flush()
