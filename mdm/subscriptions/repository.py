"""Queries of subscriptions and their secrets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mdm.models import Subscription, SubscriptionSecret


def add(session: Session, subscription: Subscription) -> None:
    session.add(subscription)
    session.flush()


def get(session: Session, subscription_id: str, *, for_update: bool = False) -> Subscription | None:
    return session.get(
        Subscription, subscription_id, with_for_update=for_update, populate_existing=for_update
    )


def all_(session: Session) -> list[Subscription]:
    return list(
        session.scalars(select(Subscription).order_by(Subscription.created_at, Subscription.id))
    )


def delete(session: Session, subscription: Subscription) -> None:
    session.delete(subscription)
    session.flush()


def add_secret(session: Session, secret: SubscriptionSecret) -> None:
    session.add(secret)
    session.flush()


def expire_secrets(session: Session, subscription_id: str, *, at: datetime) -> None:
    """Every secret that signs now stops signing at ``at`` (earlier expiries stay)."""
    session.execute(
        update(SubscriptionSecret)
        .where(
            SubscriptionSecret.subscription_id == subscription_id,
            (SubscriptionSecret.expires_at.is_(None)) | (SubscriptionSecret.expires_at > at),
        )
        .values(expires_at=at)
    )


def latest_secret(session: Session, subscription_id: str) -> SubscriptionSecret | None:
    return session.scalar(
        select(SubscriptionSecret)
        .where(SubscriptionSecret.subscription_id == subscription_id)
        .order_by(SubscriptionSecret.id.desc())
        .limit(1)
    )
