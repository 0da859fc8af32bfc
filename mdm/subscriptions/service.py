"""Subscriptions: register an endpoint (its URL checked against SSRF), choose what it receives,
rotate its secret, pause and resume it, and read its health."""

from __future__ import annotations

import secrets as random_secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.delivery import service as delivery
from mdm.delivery.repository import Counts
from mdm.domains import DOMAINS
from mdm.errors import FieldError, MDMError, NotFound, ValidationFailed
from mdm.events.service import KINDS
from mdm.models import Subscription, SubscriptionSecret, SubscriptionStatus
from mdm.models.base import utcnow
from mdm.source_systems import service as source_systems
from mdm.subscriptions import repository
from publishers.address_guard import AddressGuard, UnsafeUrl, redacted
from publishers.signing import generate_secret


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a subscriber asks for; ``None`` leaves a field as it is (on update)."""

    url: str | None = None
    description: str | None = None
    source_system: str | None = None
    domains: Sequence[str] | None = None
    event_types: Sequence[str] | None = None


def _new_id() -> str:
    return "sub_" + random_secrets.token_hex(8)


def _check(
    session: Session, wanted: Wanted, guard: AddressGuard
) -> tuple[list[FieldError], int | None]:
    errors: list[FieldError] = []
    if wanted.url is not None:
        try:
            # Resolve now, too: an address refused at send time would fail every delivery.
            guard.resolve(wanted.url)
        except UnsafeUrl as exc:
            errors.append(FieldError("url", exc.reason, "unsafe_url"))
    for i, domain in enumerate(wanted.domains or ()):
        if domain not in DOMAINS:
            errors.append(
                FieldError(
                    f"domains[{i}]",
                    f"unknown domain {domain!r}; one of {', '.join(sorted(DOMAINS))}",
                    "unknown_domain",
                )
            )
    for i, kind in enumerate(wanted.event_types or ()):
        if kind not in KINDS:
            errors.append(
                FieldError(
                    f"event_types[{i}]",
                    f"unknown event type {kind!r}; one of {', '.join(KINDS)}",
                    "unknown_event_type",
                )
            )
    system_id = None
    if wanted.source_system:
        try:
            system_id = source_systems.get(session, code=wanted.source_system).id
        except NotFound:
            errors.append(
                FieldError(
                    "source_system",
                    f"source system {wanted.source_system!r} is not registered",
                    "unknown_source_system",
                )
            )
    return errors, system_id


def create(
    session: Session, wanted: Wanted, *, guard: AddressGuard, actor: str
) -> tuple[Subscription, str]:
    """A new active subscription and its secret (shown this once; the hub keeps it to sign)."""
    if wanted.url is None:
        raise ValidationFailed(
            "a subscription needs a url", [FieldError("url", "required", "missing")]
        )
    errors, system_id = _check(session, wanted, guard)
    if errors:
        raise ValidationFailed("the subscription cannot be created", errors)
    now = utcnow()
    subscription = Subscription(
        id=_new_id(),
        url=wanted.url,
        description=wanted.description or "",
        source_system_id=system_id,
        domains=sorted(set(wanted.domains or ())),
        event_types=sorted(set(wanted.event_types or ())),
        status=SubscriptionStatus.ACTIVE,
        status_reason="",
        status_changed_at=now,
        event_sequence=0,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    repository.add(session, subscription)
    secret = generate_secret()
    repository.add_secret(
        session, SubscriptionSecret(subscription_id=subscription.id, secret=secret, created_at=now)
    )
    audit.record(
        session,
        actor=actor,
        action="subscription.created",
        entity_type="subscription",
        entity_id=subscription.id,
        detail={
            "url": redacted(subscription.url),
            "source_system": wanted.source_system,
            "domains": subscription.domains,
            "event_types": subscription.event_types,
        },
    )
    return subscription, secret


def get(session: Session, subscription_id: str, *, for_update: bool = False) -> Subscription:
    found = repository.get(session, subscription_id, for_update=for_update)
    if found is None:
        raise NotFound(
            f"subscription {subscription_id!r} does not exist", code="unknown_subscription"
        )
    return found


def all_(session: Session) -> list[Subscription]:
    return repository.all_(session)


def update(
    session: Session, subscription_id: str, wanted: Wanted, *, guard: AddressGuard, actor: str
) -> Subscription:
    subscription = get(session, subscription_id, for_update=True)
    errors, system_id = _check(session, wanted, guard)
    if errors:
        raise ValidationFailed("the subscription cannot be changed", errors)
    changed: dict[str, object] = {}
    if wanted.url is not None and wanted.url != subscription.url:
        subscription.url = wanted.url
        changed["url"] = redacted(wanted.url)
    if wanted.description is not None:
        subscription.description = wanted.description
    if wanted.source_system is not None:
        subscription.source_system_id = system_id
        changed["source_system"] = wanted.source_system or None
    if wanted.domains is not None:
        subscription.domains = sorted(set(wanted.domains))
        changed["domains"] = subscription.domains
    if wanted.event_types is not None:
        subscription.event_types = sorted(set(wanted.event_types))
        changed["event_types"] = subscription.event_types
    subscription.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="subscription.updated",
        entity_type="subscription",
        entity_id=subscription.id,
        detail=changed,
    )
    return subscription


def delete(session: Session, subscription_id: str, *, actor: str) -> None:
    """Remove the endpoint with its secrets and deliveries; its events stay in the feed."""
    subscription = get(session, subscription_id, for_update=True)
    audit.record(
        session,
        actor=actor,
        action="subscription.deleted",
        entity_type="subscription",
        entity_id=subscription.id,
        detail={"url": redacted(subscription.url)},
    )
    repository.delete(session, subscription)


def pause(session: Session, subscription_id: str, *, reason: str, actor: str) -> Subscription:
    """Stop sending; deliveries keep accumulating and go out, in order, on resume."""
    subscription = get(session, subscription_id, for_update=True)
    if subscription.status is SubscriptionStatus.DISABLED:
        raise MDMError(
            f"subscription {subscription_id} is disabled by the hub "
            f"({subscription.status_reason}); resume it instead",
            409,
            "subscription_disabled",
        )
    _set_status(session, subscription, SubscriptionStatus.PAUSED, reason or "paused", actor)
    return subscription


def resume(session: Session, subscription_id: str, *, actor: str) -> Subscription:
    """Send again, paused or disabled: the backlog goes first, in order per golden record."""
    subscription = get(session, subscription_id, for_update=True)
    _set_status(session, subscription, SubscriptionStatus.ACTIVE, "", actor)
    subscription.failing_since = None
    return subscription


def _set_status(
    session: Session,
    subscription: Subscription,
    status: SubscriptionStatus,
    reason: str,
    actor: str,
) -> None:
    previous = subscription.status
    now = utcnow()
    subscription.status = status
    subscription.status_reason = reason[:2000]
    subscription.status_changed_at = now
    subscription.updated_at = now
    audit.record(
        session,
        actor=actor,
        action=f"subscription.{'resumed' if status is SubscriptionStatus.ACTIVE else status.value}",
        entity_type="subscription",
        entity_id=subscription.id,
        detail={"from": previous.value, "reason": reason},
    )


def rotate_secret(
    session: Session, subscription_id: str, *, overlap: timedelta, actor: str
) -> tuple[str, datetime]:
    """A new secret, shown once. The old ones keep signing beside it until the overlap ends,
    so the subscriber can switch without losing a delivery (both signatures are sent)."""
    subscription = get(session, subscription_id, for_update=True)
    now = utcnow()
    until = now + overlap
    repository.expire_secrets(session, subscription.id, at=until)
    secret = generate_secret()
    repository.add_secret(
        session, SubscriptionSecret(subscription_id=subscription.id, secret=secret, created_at=now)
    )
    subscription.updated_at = now
    audit.record(
        session,
        actor=actor,
        action="subscription.secret_rotated",
        entity_type="subscription",
        entity_id=subscription.id,
        detail={"previous_valid_until": until.isoformat()},
    )
    return secret, until


def secret_created_at(session: Session, subscription_id: str) -> datetime | None:
    latest = repository.latest_secret(session, subscription_id)
    return latest.created_at if latest else None


def health(session: Session, subscriptions: Sequence[Subscription]) -> dict[str, Counts]:
    return delivery.counts(session, [s.id for s in subscriptions])


def source_system_code(session: Session, subscription: Subscription) -> str | None:
    if subscription.source_system_id is None:
        return None
    return source_systems.get_by_id(session, subscription.source_system_id).code
