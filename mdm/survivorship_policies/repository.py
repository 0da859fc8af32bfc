from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mdm.models import RuleSetStatus, SurvivorshipPolicyVersion


def active(session: Session, domain: str) -> SurvivorshipPolicyVersion | None:
    return session.scalars(
        select(SurvivorshipPolicyVersion).where(
            SurvivorshipPolicyVersion.domain == domain,
            SurvivorshipPolicyVersion.status == RuleSetStatus.ACTIVE,
        )
    ).first()


def get(session: Session, version: str) -> SurvivorshipPolicyVersion | None:
    return session.scalars(
        select(SurvivorshipPolicyVersion).where(SurvivorshipPolicyVersion.version == version)
    ).first()


def listing(session: Session, domain: str | None) -> Sequence[SurvivorshipPolicyVersion]:
    stmt = select(SurvivorshipPolicyVersion).order_by(SurvivorshipPolicyVersion.id)
    if domain:
        stmt = stmt.where(SurvivorshipPolicyVersion.domain == domain)
    return session.scalars(stmt).all()


def add(session: Session, row: SurvivorshipPolicyVersion) -> None:
    session.add(row)
    session.flush()


def retire_active(session: Session, domain: str) -> None:
    session.execute(
        update(SurvivorshipPolicyVersion)
        .where(
            SurvivorshipPolicyVersion.domain == domain,
            SurvivorshipPolicyVersion.status == RuleSetStatus.ACTIVE,
        )
        .values(status=RuleSetStatus.RETIRED)
    )
