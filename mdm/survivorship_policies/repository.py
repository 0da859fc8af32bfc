from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from mdm.models import RuleSetStatus, SurvivorshipPolicyVersion


def active(session: Session, domain: str) -> SurvivorshipPolicyVersion | None:
    return session.scalars(
        select(SurvivorshipPolicyVersion)
        .where(
            SurvivorshipPolicyVersion.domain == domain,
            SurvivorshipPolicyVersion.status == RuleSetStatus.ACTIVE,
        )
        .order_by(
            SurvivorshipPolicyVersion.activated_at.desc(), SurvivorshipPolicyVersion.id.desc()
        )
    ).first()


def lock_domain(session: Session, domain: str) -> None:
    """Serialise policy activations of one domain (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(
        hashlib.sha256(f"survivorship:{domain}".encode()).digest()[:8], "big", signed=True
    )
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


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
