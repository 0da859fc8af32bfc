from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.models import GoldenPin


def pin(session: Session, golden_id: str, attribute: str) -> GoldenPin | None:
    return session.scalars(
        select(GoldenPin).where(GoldenPin.golden_id == golden_id, GoldenPin.attribute == attribute)
    ).first()


def pins_of(session: Session, golden_id: str) -> Sequence[GoldenPin]:
    return session.scalars(
        select(GoldenPin).where(GoldenPin.golden_id == golden_id).order_by(GoldenPin.attribute)
    ).all()


def delete_attribute_pins(session: Session, golden_ids: set[str], attribute: str) -> int:
    rows = session.scalars(
        select(GoldenPin).where(
            GoldenPin.golden_id.in_(sorted(golden_ids)), GoldenPin.attribute == attribute
        )
    ).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def add(session: Session, row: GoldenPin) -> None:
    session.add(row)
    session.flush()


def delete(session: Session, row: GoldenPin) -> None:
    session.delete(row)
    session.flush()
