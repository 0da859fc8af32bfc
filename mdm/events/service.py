"""Write canonical changes to the outbox, and render them as CloudEvents for a receiver.

Events are written where the change is made (the golden record's new version, a merge, a split,
a crosswalk key), in the same transaction, so a change rolled back emits nothing and a change
committed cannot lose its event. Each event is numbered in its subject's sequence: the subject's
row (golden record or subscription) is locked by the change, so numbers follow commit order.

What a subscriber receives is the stored event plus its own part (``data.recipient``: its keys
for the golden record), added when the event is rendered for it.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mdm.domains import DOMAINS, get_domain
from mdm.domains.masking import mask_attributes
from mdm.errors import FieldError, NotFound, ValidationFailed
from mdm.events import repository
from mdm.golden.ids import crockford32
from mdm.models import (
    GoldenRecord,
    GoldenSplit,
    GoldenStatus,
    OutboxEvent,
    SourceRecord,
    Subscription,
)
from mdm.models.base import utcnow
from publishers.envelope import CloudEvent, EventTooLarge, event_type

# What happened to a golden record. ``restored``: a split brought back a golden record a merge
# had absorbed. The hub's own events (about subscriptions) use the scope "hub".
GOLDEN_KINDS = (
    "created",
    "updated",
    "deactivated",
    "reactivated",
    "restored",
    "merged",
    "split",
    "key_added",
    "key_removed",
)
HUB_KINDS = ("subscription_disabled",)
KINDS = GOLDEN_KINDS + HUB_KINDS
HUB_SCOPE = "hub"
# The reason of the version that brings back a golden record a merge absorbed.
RESTORED_BY_SPLIT = "restored by split"

# Flag set on the session when it wrote an event: the commit hook wakes the dispatcher.
EMITTED = "mdm.events.emitted"
_CODES = "mdm.events.system_codes"
# ASCII digits that fit a 64-bit position (str.isdigit also takes "²").
_CURSOR = re.compile(r"[0-9]{1,18}")


def new_event_id() -> str:
    """``evt_`` and a ULID: 48 bits of milliseconds then 80 random bits, Crockford base32.

    Sortable by time for operators reading logs; the event's identity is the whole string.
    """
    number = (int(time.time() * 1000) << 80) | int.from_bytes(secrets.token_bytes(10), "big")
    return "evt_" + crockford32(number, 26)


def _system_code(session: Session, system_id: int) -> str:
    codes: dict[int, str] = session.info.setdefault(_CODES, {})
    if system_id not in codes:
        codes.update(repository.system_codes(session))
    return codes.get(system_id, f"system-{system_id}")


def _emit(
    session: Session,
    *,
    subject: GoldenRecord | Subscription,
    domain: str | None,
    kind: str,
    data: dict[str, Any],
    actor: str,
    occurred_at: datetime | None = None,
) -> None:
    assert kind in KINDS, kind
    subject.event_sequence = (subject.event_sequence or 0) + 1
    repository.add(
        session,
        {
            "event_id": new_event_id(),
            "domain": domain,
            "kind": kind,
            "subject": subject.id,
            "sequence": subject.event_sequence,
            "data": data,
            "actor": actor[:200],
            "occurred_at": occurred_at or utcnow(),
        },
    )
    session.info[EMITTED] = True


def _key(session: Session, system_id: int, key: str, kind: str, **extra: str) -> dict[str, str]:
    return {"system": _system_code(session, system_id), "key": key, "kind": kind, **extra}


def _crosswalk(
    session: Session,
    golden: GoldenRecord,
    members: Sequence[SourceRecord],
    *,
    is_new: bool,
    downstream: Sequence[tuple[int, str]] | None = None,
) -> list[dict[str, str]]:
    keys = [
        _key(session, m.source_system_id, m.source_key, "source_record", status=str(m.status))
        for m in members
    ]
    if downstream is None and not is_new:
        # Read here unless the caller read them in bulk (one new in this transaction may hold
        # keys too, moved to it from a golden record retired into it).
        downstream = repository.downstream_keys(session, golden.id)
    keys += [_key(session, system_id, key, "downstream") for system_id, key in downstream or ()]
    return sorted(keys, key=lambda k: (k["system"], k["kind"], k["key"]))


def _kind_of_version(
    previous: GoldenStatus, current: GoldenStatus, *, is_new: bool, reason: str
) -> str:
    if is_new:
        return "created"
    if reason == RESTORED_BY_SPLIT:
        return "restored"
    if previous is GoldenStatus.ACTIVE and current is GoldenStatus.INACTIVE:
        return "deactivated"
    if previous is GoldenStatus.INACTIVE and current is GoldenStatus.ACTIVE:
        return "reactivated"
    return "updated"


@dataclass(frozen=True, slots=True)
class VersionWritten:
    """What an event says of the golden version it announces."""

    changed_attributes: list[str]
    reason: str
    rule_set_version: str
    actor: str
    created_at: datetime


def downstream_keys_of(
    session: Session, golden_ids: Collection[str]
) -> dict[str, list[tuple[int, str]]]:
    """The downstream keys each golden record's events list, read for many at once."""
    return repository.downstream_keys_of(session, golden_ids)


def golden_changed(
    session: Session,
    *,
    golden: GoldenRecord,
    version: VersionWritten,
    previous_status: GoldenStatus,
    previous_attributes: Mapping[str, Any],
    members: Sequence[SourceRecord],
    is_new: bool,
    downstream: Sequence[tuple[int, str]] | None = None,
) -> None:
    """The event of a golden record's new version: created, updated, (de/re)activated, restored.

    ``downstream``: the golden record's downstream keys when the caller read them in bulk.
    """
    spec = get_domain(golden.domain)
    changed = list(version.changed_attributes)
    # Every changed attribute with its value before (null: it had none), so a receiver that
    # keeps only some attributes can tell an addition from a change.
    previous = mask_attributes(spec, {name: previous_attributes.get(name) for name in changed})
    kind = _kind_of_version(previous_status, golden.status, is_new=is_new, reason=version.reason)
    _emit(
        session,
        subject=golden,
        domain=golden.domain,
        kind=kind,
        data={
            "golden_id": golden.id,
            "domain": golden.domain,
            "version": golden.version,
            "status": golden.status.value,
            "reason": version.reason,
            "rule_set_version": version.rule_set_version,
            "changed_attributes": changed,
            "previous": previous,
            "attributes": mask_attributes(spec, golden.attributes or {}),
            "crosswalk": _crosswalk(
                session, golden, members, is_new=is_new, downstream=downstream
            ),
        },
        actor=version.actor,
        occurred_at=version.created_at,
    )


def golden_merged(
    session: Session,
    *,
    golden: GoldenRecord,
    survivor_id: str,
    record_ids: Collection[int],
    reason: str,
    actor: str,
    previous_survivor_id: str | None = None,
) -> None:
    """The absorbed golden record's last event: its ID now resolves to ``survivor_id``.

    ``moved_keys`` are the crosswalk keys that named the absorbed golden record and now name
    the survivor: the records it held and the keys downstream systems registered for it (read
    before they move, which the caller does next).
    """
    moved = [
        _key(session, system_id, key, "source_record", status=status)
        for system_id, key, status in repository.source_keys(session, record_ids)
    ] + [
        _key(session, system_id, key, "downstream")
        for system_id, key in repository.downstream_keys(session, golden.id)
    ]
    data: dict[str, Any] = {
        "golden_id": golden.id,
        "domain": golden.domain,
        "version": golden.version,
        "status": golden.status.value,
        "survivor_id": survivor_id,
        "absorbed_ids": [golden.id],
        "reason": reason,
        "moved_keys": sorted(moved, key=lambda k: (k["system"], k["kind"], k["key"])),
    }
    if previous_survivor_id is not None:
        data["previous_survivor_id"] = previous_survivor_id
    _emit(
        session,
        subject=golden,
        domain=golden.domain,
        kind="merged",
        data=data,
        actor=actor,
        occurred_at=golden.updated_at,
    )


def golden_split(
    session: Session,
    *,
    split: GoldenSplit,
    record_keys: Sequence[tuple[int, str]],
    went_to: Sequence[str],
    actor: str,
) -> None:
    """Records (``record_keys``) left ``split.golden_id`` for the golden records ``went_to``."""
    golden = repository.golden(session, split.golden_id)
    if golden is None:
        return
    _emit(
        session,
        subject=golden,
        domain=golden.domain,
        kind="split",
        data={
            "golden_id": golden.id,
            "domain": golden.domain,
            "version": golden.version,
            "status": golden.status.value,
            "split_id": split.id,
            "result_golden_ids": sorted(went_to),
            "records": [
                _key(session, system_id, key, "source_record") for system_id, key in record_keys
            ],
            "reason": split.reason,
        },
        actor=actor,
    )


def key_changed(
    session: Session,
    *,
    golden: GoldenRecord,
    system_id: int,
    key: str,
    added: bool,
    cause: str,
    actor: str,
) -> None:
    """A downstream key registered, removed, or moved by a split (``cause`` says which)."""
    _emit(
        session,
        subject=golden,
        domain=golden.domain,
        kind="key_added" if added else "key_removed",
        data={
            "golden_id": golden.id,
            "domain": golden.domain,
            "version": golden.version,
            "status": golden.status.value,
            "key": _key(session, system_id, key, "downstream"),
            "cause": cause,
        },
        actor=actor,
    )


def subscription_disabled(
    session: Session, *, subscription: Subscription, reason: str, actor: str
) -> None:
    """Announce that the hub stopped delivering to an endpoint (410 Gone, or failing for days)."""
    _emit(
        session,
        subject=subscription,
        domain=None,
        kind="subscription_disabled",
        # No URL: webhook URLs often carry a token, and this event goes to other subscribers.
        data={
            "subscription_id": subscription.id,
            "reason": reason,
            "failing_since": (
                subscription.failing_since.isoformat() if subscription.failing_since else None
            ),
        },
        actor=actor,
    )


@dataclass(frozen=True, slots=True)
class Rendering:
    """How events are rendered: the hub's identity and type prefix (configuration)."""

    source: str
    type_prefix: str


def cloud_event(
    event: OutboxEvent, *, rendering: Rendering, receiver_system: str | None
) -> CloudEvent:
    """The event as ``receiver_system`` gets it: with its own keys for the golden record.

    A golden record with thousands of source records would not fit the 64 KiB limit; then the
    crosswalk is cut to the receiver's own keys and ``crosswalk_truncated`` says so (the full
    crosswalk stays one REST call away).
    """
    data = dict(event.data)
    if receiver_system is not None:
        data["recipient"] = _recipient(data, event.kind, receiver_system)
    made = _cloud_event(event, rendering, data)
    try:
        made.encode()
    except EventTooLarge:
        crosswalk = data.get("crosswalk") or []
        data["crosswalk"] = [k for k in crosswalk if k.get("system") == receiver_system][:100]
        data["crosswalk_truncated"] = True
        data["crosswalk_total"] = len(crosswalk)
        if "moved_keys" in data:
            data["moved_keys"] = [
                k for k in data["moved_keys"] if k.get("system") == receiver_system
            ][:100]
        made = _cloud_event(event, rendering, data)
    return made


def _recipient(data: Mapping[str, Any], kind: str, system: str) -> dict[str, Any]:
    mine = [k["key"] for k in data.get("crosswalk") or [] if k.get("system") == system]
    recipient: dict[str, Any] = {"system": system, "keys": mine}
    if kind == "merged":
        recipient["keys_now_on_survivor"] = [
            k["key"] for k in data.get("moved_keys") or [] if k.get("system") == system
        ]
    if kind in ("key_added", "key_removed"):
        key = data.get("key") or {}
        recipient["keys"] = [key["key"]] if key.get("system") == system else []
    return recipient


def _cloud_event(event: OutboxEvent, rendering: Rendering, data: dict[str, Any]) -> CloudEvent:
    return CloudEvent(
        id=event.event_id,
        source=rendering.source,
        type=event_type(rendering.type_prefix, event.domain or HUB_SCOPE, event.kind),
        subject=event.subject,
        time=event.occurred_at,
        data=data,
        sequence=event.sequence,
    )


def type_of(event: OutboxEvent, rendering: Rendering) -> str:
    return event_type(rendering.type_prefix, event.domain or HUB_SCOPE, event.kind)


def get(session: Session, event_id: str) -> OutboxEvent:
    row = repository.get(session, event_id)
    if row is None:
        raise NotFound(f"event {event_id!r} does not exist", code="unknown_event")
    return row


def feed(
    session: Session,
    *,
    after: str,
    limit: int,
    domains: Collection[str],
    types: Collection[str],
    rendering: Rendering,
) -> tuple[list[OutboxEvent], str, bool]:
    """A page of the change feed after the cursor; returns the events, the next cursor, and
    whether more are waiting. Unknown domains or kinds are refused, never silently empty."""
    errors: list[FieldError] = []
    if not _CURSOR.fullmatch(after):
        errors.append(FieldError("after", "a cursor is the next_cursor of a page, or 0", "cursor"))
    for i, domain in enumerate(domains):
        if domain not in DOMAINS:
            errors.append(
                FieldError(f"domain[{i}]", f"unknown domain {domain!r}", "unknown_domain")
            )
    kinds: set[str] = set()
    for i, wanted in enumerate(types):
        kind = _kind_of_type(wanted, rendering)
        if kind is None:
            errors.append(
                FieldError(
                    f"type[{i}]",
                    f"unknown event type {wanted!r}; a kind ({', '.join(KINDS)}) or "
                    f"{rendering.type_prefix}.<domain>.<kind>.v1",
                    "unknown_event_type",
                )
            )
        else:
            kinds.add(kind)
    if errors:
        raise ValidationFailed("the feed query is not valid", errors)
    rows = repository.feed(
        session, after=int(after), limit=limit + 1, domains=set(domains), kinds=kinds
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = str(rows[-1].position) if rows else after
    return rows, cursor, more


def _kind_of_type(wanted: str, rendering: Rendering) -> str | None:
    if wanted in KINDS:
        return wanted
    prefix = rendering.type_prefix + "."
    if not wanted.startswith(prefix) or not wanted.endswith(".v1"):
        return None
    scope, _, kind = wanted[len(prefix) : -len(".v1")].partition(".")
    if kind in KINDS and (scope in DOMAINS or scope == HUB_SCOPE):
        return kind
    return None
