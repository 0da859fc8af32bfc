from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from mdm.models import GoldenMerge, GoldenSplit, LinkKind, StewardLink


def links_among(session: Session, record_ids: Collection[int]) -> Sequence[StewardLink]:
    ids = sorted(record_ids)
    if not ids:
        return []
    return session.scalars(
        select(StewardLink).where(
            StewardLink.record_a_id.in_(ids), StewardLink.record_b_id.in_(ids)
        )
    ).all()


def delete_links_between(
    session: Session, left: Collection[int], right: Collection[int], kind: LinkKind
) -> int:
    """Delete steward links of ``kind`` with one end in ``left`` and the other in ``right``."""
    a, b = sorted(left), sorted(right)
    if not a or not b:
        return 0
    across = or_(
        and_(StewardLink.record_a_id.in_(a), StewardLink.record_b_id.in_(b)),
        and_(StewardLink.record_a_id.in_(b), StewardLink.record_b_id.in_(a)),
    )
    ids = list(session.scalars(select(StewardLink.id).where(across, StewardLink.kind == kind)))
    if ids:
        session.execute(delete(StewardLink).where(StewardLink.id.in_(ids)))
    return len(ids)


def merges_of(
    session: Session, *, domain: str, golden_id: str | None, limit: int
) -> Sequence[GoldenMerge]:
    stmt = select(GoldenMerge).where(GoldenMerge.domain == domain)
    if golden_id:
        stmt = stmt.where(
            or_(GoldenMerge.survivor_id == golden_id, GoldenMerge.absorbed_id == golden_id)
        )
    return session.scalars(stmt.order_by(GoldenMerge.id.desc()).limit(limit)).all()


def splits_of(
    session: Session, *, domain: str, golden_id: str | None, limit: int
) -> Sequence[GoldenSplit]:
    stmt = select(GoldenSplit).where(GoldenSplit.domain == domain)
    if golden_id:
        stmt = stmt.where(GoldenSplit.golden_id == golden_id)
    return session.scalars(stmt.order_by(GoldenSplit.id.desc()).limit(limit)).all()


def merge(session: Session, merge_id: int) -> GoldenMerge | None:
    return session.get(GoldenMerge, merge_id)


def add_split(session: Session, split: GoldenSplit) -> None:
    session.add(split)
    session.flush()
