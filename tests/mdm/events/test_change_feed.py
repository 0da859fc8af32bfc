"""The change feed: the same events as the webhooks, read after a cursor, for subscribers that
poll. Every item is a CloudEvent the SDK reads; cursors never skip and never repeat."""

from __future__ import annotations

import json
from typing import Any

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from fastapi.testclient import TestClient

from tests.helpers import golden_of, make_system, send
from tests.mdm.stewardship.helpers import MARTA, PAUL, merge


def _page(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/events", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _changes(client: TestClient) -> tuple[str, str]:
    for code in ("erp", "clinic", "billing"):
        make_system(client, code)
    send(client, "clinic", "provider", {"source_key": "M1", "attributes": MARTA})
    send(client, "erp", "provider", {"source_key": "C1", "attributes": PAUL})
    send(client, "billing", "provider", {"source_key": "C2", "attributes": PAUL})
    marta = golden_of(client, "clinic", "provider", "M1")
    paul = golden_of(client, "erp", "provider", "C1")
    assert client.put(
        "/api/v1/crosswalk/billing/provider/PAY-7", json={"golden_id": marta}
    ).is_success
    merge(client, paul, marta)
    make_system(client, "hr")
    send(
        client,
        "hr",
        "employee",
        {"source_key": "E1", "attributes": {"name": "Okafor, Grace", "employee_number": "E1"}},
    )
    return marta, paul


def test_reading_page_by_page_gives_every_event_once_in_order(client: TestClient) -> None:
    _changes(client)
    everything = _page(client, limit=1000)["events"]
    assert len(everything) >= 6
    seen: list[str] = []
    cursor = "0"
    while True:
        page = _page(client, after=cursor, limit=2)
        seen += [e["id"] for e in page["events"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert seen == [e["id"] for e in everything]
    assert len(set(seen)) == len(seen)
    # Read again from the last cursor: nothing new, the cursor stays.
    last = _page(client, after=page["next_cursor"])
    assert (last["events"], last["next_cursor"]) == ([], page["next_cursor"])
    for item in everything:
        event = JSONFormat().read(CloudEvent, json.dumps(item).encode())
        assert event.get_id() == item["id"]


def test_filters_by_domain_and_type_and_adds_the_readers_own_keys(client: TestClient) -> None:
    marta, paul = _changes(client)
    employees = _page(client, domain="employee")["events"]
    assert [e["type"] for e in employees] == ["org.mdmhub.employee.created.v1"]
    merged = _page(client, type="org.mdmhub.provider.merged.v1", system="billing")["events"]
    assert [e["subject"] for e in merged] == [marta]
    assert merged[0]["data"]["survivor_id"] == paul
    assert merged[0]["data"]["recipient"]["keys_now_on_survivor"] == ["PAY-7"]
    by_kind = _page(client, type=["created", "merged"], domain="provider")["events"]
    assert {e["type"] for e in by_kind} == {
        "org.mdmhub.provider.created.v1",
        "org.mdmhub.provider.merged.v1",
    }
    one = client.get(f"/api/v1/events/{merged[0]['id']}").json()
    assert one["id"] == merged[0]["id"]
    assert "recipient" not in one["data"]


def test_bad_feed_queries_name_the_parameter(client: TestClient) -> None:
    for params, field in (
        ({"after": "yesterday"}, "after"),
        ({"domain": "patients"}, "domain[0]"),
        ({"type": "org.mdmhub.provider.exploded.v1"}, "type[0]"),
        ({"type": "com.other.provider.created.v1"}, "type[0]"),
    ):
        response = client.get("/api/v1/events", params=params)
        assert response.status_code == 422, (params, response.text)
        assert [f["field"] for f in response.json()["error"]["fields"]] == [field]
    assert client.get("/api/v1/events/evt_nope").status_code == 404


def test_out_of_range_cursors_and_unknown_systems_are_422_not_500(client: TestClient) -> None:
    make_system(client, "erp")
    for params, field in (
        ({"after": "²"}, "after"),
        ({"after": "99999999999999999999"}, "after"),
        ({"system": "nobody"}, "system"),
    ):
        response = client.get("/api/v1/events", params=params)
        assert response.status_code == 422, (params, response.text)
        assert [f["field"] for f in response.json()["error"]["fields"]] == [field]
