"""CloudEvents envelope: attributes, time and sequence formats, size limit, the SDK's reading."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent as SdkCloudEvent

from publishers.envelope import (
    CONTENT_TYPE,
    MAX_EVENT_BYTES,
    REQUIRED_ATTRIBUTES,
    CloudEvent,
    EventTooLarge,
    event_type,
    parse,
)

TIME = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _event(**changes: Any) -> CloudEvent:
    event = CloudEvent(
        id="0f6b1c2e-7d1a-4f3e-9a55-3c1d2e4f5a6b",
        source="https://mdm.example.org/hub",
        type="org.example.mdm.provider.merged.v1",
        subject="G-000123",
        time=TIME,
        data={"golden_id": "G-000123", "version": 7, "name": "Zoë Clinic", "sequence": 42},
        sequence=42,
    )
    return replace(event, **changes)


def test_event_type_joins_validated_parts() -> None:
    assert (
        event_type("org.example.mdm", "provider", "merged") == "org.example.mdm.provider.merged.v1"
    )
    assert event_type("mdm", "golden_record", "split-off", 3) == "mdm.golden_record.split-off.v3"


@pytest.mark.parametrize(
    ("prefix", "scope", "kind", "version"),
    [
        ("Org.example", "provider", "merged", 1),
        ("org..example", "provider", "merged", 1),
        (".org", "provider", "merged", 1),
        ("org.", "provider", "merged", 1),
        ("", "provider", "merged", 1),
        ("org", "provider.x", "merged", 1),
        ("org", "provider", "merged.v2", 1),
        ("org", "Provider", "merged", 1),
        ("org", "provider", "", 1),
        ("org", "pro vider", "merged", 1),
        ("org", "provider", "merged", 0),
        ("org", "provider", "merged", True),
    ],
)
def test_event_type_refuses_bad_parts(prefix: str, scope: str, kind: str, version: int) -> None:
    with pytest.raises(ValueError, match="event type"):
        event_type(prefix, scope, kind, version)


def test_to_dict_has_the_spec_attributes_and_the_sequence_extension() -> None:
    assert _event().to_dict() == {
        "specversion": "1.0",
        "id": "0f6b1c2e-7d1a-4f3e-9a55-3c1d2e4f5a6b",
        "source": "https://mdm.example.org/hub",
        "type": "org.example.mdm.provider.merged.v1",
        "subject": "G-000123",
        "time": "2026-03-01T09:30:15.123Z",
        "datacontenttype": "application/json",
        "sequence": "00000000000000000042",
        "data": {"golden_id": "G-000123", "version": 7, "name": "Zoë Clinic", "sequence": 42},
    }


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "2026-03-01T09:30:00Z"),
        (datetime(2026, 3, 1, 9, 30, 0, 999999, tzinfo=UTC), "2026-03-01T09:30:00.999Z"),
        (datetime(2026, 3, 1, 9, 30, 0, 500, tzinfo=UTC), "2026-03-01T09:30:00.000Z"),
        (
            datetime(2026, 3, 1, 11, 30, tzinfo=timezone(timedelta(hours=2))),
            "2026-03-01T09:30:00Z",
        ),
    ],
)
def test_time_is_rfc3339_utc_with_at_most_milliseconds(moment: datetime, text: str) -> None:
    assert _event(time=moment).to_dict()["time"] == text


def test_sequence_strings_sort_like_the_numbers() -> None:
    numbers = [1, 9, 10, 99, 100, 12345, 2**63]
    strings = [_event(sequence=n).to_dict()["sequence"] for n in numbers]
    assert sorted(strings) == strings
    assert all(len(s) == 20 for s in strings)


@pytest.mark.parametrize(
    "changes",
    [
        {"time": datetime(2026, 3, 1, 9, 30)},
        {"sequence": 0},
        {"sequence": -1},
        {"sequence": 10**20},
        {"id": ""},
        {"source": ""},
        {"type": ""},
        {"subject": ""},
        {"datacontenttype": ""},
    ],
)
def test_invalid_events_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="CloudEvent"):
        _event(**changes)


def test_encode_is_compact_utf8_and_deterministic() -> None:
    body = _event().encode()
    assert "Zoë".encode() in body  # not \u00eb-escaped
    assert b": " not in body
    assert b", " not in body
    assert json.loads(body) == _event().to_dict()
    reordered = _event(data=dict(reversed(list(_event().data.items()))))
    assert reordered.encode() == body


def test_encode_accepts_read_only_mappings() -> None:
    data = MappingProxyType({"crosswalk": MappingProxyType({"erp": "V-17"})})
    assert json.loads(_event(data=data).encode())["data"] == {"crosswalk": {"erp": "V-17"}}


def test_encode_refuses_nan_which_is_not_json() -> None:
    with pytest.raises(ValueError, match="JSON"):
        _event(data={"score": float("nan")}).encode()


def test_encode_enforces_the_size_limit_at_the_byte() -> None:
    body = _event().encode()
    assert _event().encode(limit=len(body)) == body
    with pytest.raises(EventTooLarge, match=f"{len(body)} bytes.*limit of {len(body) - 1} bytes"):
        _event().encode(limit=len(body) - 1)


def test_default_limit_is_64_kib() -> None:
    assert MAX_EVENT_BYTES == 65536
    with pytest.raises(EventTooLarge, match="limit of 65536 bytes"):
        _event(data={"blob": "x" * 65536}).encode()


def test_cloudevents_sdk_reads_the_structured_event() -> None:
    event = _event()
    message = HTTPMessage(headers={"content-type": CONTENT_TYPE}, body=event.encode())
    parsed = from_http(message, JSONFormat(), SdkCloudEvent)
    assert parsed.get_specversion() == "1.0"
    assert parsed.get_id() == event.id
    assert parsed.get_source() == event.source
    assert parsed.get_type() == event.type
    assert parsed.get_subject() == event.subject
    assert parsed.get_time() == TIME.replace(microsecond=123000)
    assert parsed.get_datacontenttype() == "application/json"
    assert parsed.get_data() == dict(event.data)
    assert parsed.get_extension("sequence") == "00000000000000000042"


def test_parse_round_trips_an_encoded_event() -> None:
    assert parse(_event().encode()) == _event().to_dict()


@pytest.mark.parametrize("missing", REQUIRED_ATTRIBUTES)
def test_parse_names_a_missing_attribute(missing: str) -> None:
    event = _event().to_dict()
    del event[missing]
    with pytest.raises(ValueError, match=f"'{missing}'"):
        parse(json.dumps(event).encode())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not UTF-8 JSON"),
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"[1, 2]", "JSON object"),
        (json.dumps({**_event().to_dict(), "specversion": "0.3"}).encode(), "specversion"),
        (json.dumps({**_event().to_dict(), "id": 7}).encode(), "'id'"),
        (json.dumps({**_event().to_dict(), "data": [1]}).encode(), "'data'"),
    ],
)
def test_parse_refuses_malformed_events(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(body)
