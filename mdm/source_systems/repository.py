from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.models import SourceSystem


def by_code(session: Session, code: str) -> SourceSystem | None:
    return session.scalar(select(SourceSystem).where(SourceSystem.code == code))


def by_codes(session: Session, codes: Sequence[str]) -> dict[str, SourceSystem]:
    rows = session.scalars(select(SourceSystem).where(SourceSystem.code.in_(codes)))
    return {row.code: row for row in rows}


def by_id(session: Session, system_id: int) -> SourceSystem | None:
    return session.get(SourceSystem, system_id)


def all_systems(session: Session) -> Sequence[SourceSystem]:
    return session.scalars(select(SourceSystem).order_by(SourceSystem.code)).all()


def add(session: Session, system: SourceSystem) -> None:
    session.add(system)
    session.flush()
