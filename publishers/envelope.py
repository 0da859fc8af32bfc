"""CloudEvents 1.0 in structured JSON mode: the envelope of every event the hub publishes.

Structured mode (``application/cloudevents+json``) keeps attributes and data in one body, so
the same bytes can be signed, stored, delivered by webhook and served by the change feed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

CONTENT_TYPE = "application/cloudevents+json"
SPEC_VERSION = "1.0"
# The publishing contract promises events under 64 KiB; many receivers (queues, serverless
# gateways) cap request bodies near there.
MAX_EVENT_BYTES = 64 * 1024

# The CloudEvents sequence extension
# (https://github.com/cloudevents/spec/blob/main/cloudevents/extensions/sequence.md) makes
# ``sequence`` a String that MUST order by a plain string compare, and says producers may need
# leading zeros for that. 20 digits hold any unsigned 64-bit integer.
SEQUENCE_DIGITS = 20

# Attributes every hub event carries; ``parse`` checks them. The first four are the ones the
# CloudEvents spec requires; the rest the publishing contract promises.
REQUIRED_ATTRIBUTES = (
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "data",
    "sequence",
)

_NAME_PART = re.compile(r"[a-z0-9_-]+")
_PREFIX = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")


class EventTooLarge(ValueError):
    """An encoded event over the size limit; split or slim the data instead of sending it."""


def event_type(prefix: str, scope: str, kind: str, version: int = 1) -> str:
    """``"{prefix}.{scope}.{kind}.v{version}"``, e.g. ``org.example.mdm.provider.merged.v1``.

    Reverse-DNS with a version suffix so a breaking change to ``data`` gets a new type that
    receivers opt into, instead of silently changing the old one.
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"event type prefix must be dotted lowercase names: {prefix!r}")
    for label, part in (("scope", scope), ("kind", kind)):
        if not _NAME_PART.fullmatch(part):
            raise ValueError(f"event type {label} must be lowercase [a-z0-9_-]+: {part!r}")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"event type version must be an integer >= 1: {version!r}")
    return f"{prefix}.{scope}.{kind}.v{version}"


@dataclass(frozen=True, slots=True)
class CloudEvent:
    """One event. ``id`` is stable across retries; ``sequence`` orders one subject's events."""

    id: str
    source: str
    type: str
    subject: str
    time: datetime
    data: Mapping[str, Any]
    sequence: int
    datacontenttype: str = "application/json"

    def __post_init__(self) -> None:
        for name in ("id", "source", "type", "subject", "datacontenttype"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"CloudEvent {name} must be a non-empty string")
        if self.time.tzinfo is None or self.time.utcoffset() is None:
            raise ValueError("CloudEvent time must be timezone-aware")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise ValueError(f"CloudEvent sequence must be an integer: {self.sequence!r}")
        if not 1 <= self.sequence < 10**SEQUENCE_DIGITS:
            raise ValueError(f"CloudEvent sequence must be 1..10^{SEQUENCE_DIGITS}-1")

    def to_dict(self) -> dict[str, Any]:
        """The structured-mode JSON object (before encoding)."""
        return {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": format_time(self.time),
            "datacontenttype": self.datacontenttype,
            "sequence": format_sequence(self.sequence),
            "data": dict(self.data),
        }

    def encode(self, limit: int = MAX_EVENT_BYTES) -> bytes:
        """Compact UTF-8 JSON; the same event always gives the same bytes (keys sorted).

        Raises :class:`EventTooLarge` when the body would exceed ``limit`` bytes.
        """
        body = json.dumps(
            self.to_dict(),
            separators=(",", ":"),
            ensure_ascii=False,
            sort_keys=True,
            # NaN and Infinity are not JSON; a receiver's strict parser would reject the event.
            allow_nan=False,
            default=_json_default,
        ).encode("utf-8")
        if len(body) > limit:
            raise EventTooLarge(
                f"event {self.id} encodes to {len(body)} bytes, over the limit of {limit} bytes"
            )
        return body


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with ``Z``; sub-second precision trimmed to milliseconds when present."""
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond // 1000:03d}"
    return text + "Z"


def format_sequence(sequence: int) -> str:
    """The sequence extension's string: zero-padded so string order is numeric order."""
    return f"{sequence:0{SEQUENCE_DIGITS}d}"


def parse(body: bytes) -> dict[str, Any]:
    """Decode a structured-mode event and check its shape; ValueError names what is wrong."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"event is not UTF-8 JSON: {exc}") from exc
    if not isinstance(event, dict):
        raise ValueError("event must be a JSON object")
    for name in REQUIRED_ATTRIBUTES:
        if name not in event:
            raise ValueError(f"event lacks required attribute {name!r}")
        if name != "data" and (not isinstance(event[name], str) or not event[name]):
            raise ValueError(f"event attribute {name!r} must be a non-empty string")
    if event["specversion"] != SPEC_VERSION:
        raise ValueError(f"event specversion must be {SPEC_VERSION!r}: {event['specversion']!r}")
    if not isinstance(event["data"], dict):
        raise ValueError("event attribute 'data' must be a JSON object")
    return event


def _json_default(value: object) -> object:
    # Hub data may hold read-only mappings (MappingProxyType) nested inside; json only knows dict.
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
