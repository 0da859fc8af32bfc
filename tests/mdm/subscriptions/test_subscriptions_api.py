"""Subscribing over REST: the secret shown once, what is refused and why, pause, resume,
rotation, deletion, and each endpoint's health."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import make_system

HOOK = "http://127.0.0.1:9/hooks"


def _subscribe(client: TestClient, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/subscriptions", json={"url": HOOK} | extra)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _fields(response: Any) -> dict[str, str]:
    return {f["field"]: f["reason"] for f in response.json()["error"]["fields"]}


def test_the_secret_is_shown_once_and_the_subscription_is_listed_without_it(
    client: TestClient,
) -> None:
    make_system(client, "erp")
    created = _subscribe(
        client, source_system="erp", domains=["supplier"], event_types=["merged", "updated"]
    )
    assert created["secret"].startswith("whsec_")
    assert created["status"] == "active"
    assert created["source_system"] == "erp"
    assert created["event_types"] == ["merged", "updated"]
    again = client.get(f"/api/v1/subscriptions/{created['id']}").json()
    assert "secret" not in again
    listed = client.get("/api/v1/subscriptions").json()["subscriptions"]
    assert [s["id"] for s in listed] == [created["id"]]
    assert listed[0]["health"] == {
        "pending": 0,
        "failed": 0,
        "dead_lettered": 0,
        "delivered": 0,
        "oldest_pending_age_seconds": None,
    }


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"url": "http://10.1.2.3/hooks"}, "url", "10.1.2.3"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "url", "169.254.169.254"),
        ({"url": "http://[fe80::1]/hooks"}, "url", "fe80::1"),
        ({"url": "http://192.168.0.10/hooks"}, "url", "192.168.0.10"),
        ({"url": "ftp://127.0.0.1/hooks"}, "url", "scheme"),
        ({"url": "http://user:pw@127.0.0.1/hooks"}, "url", ""),
        ({"url": HOOK, "domains": ["provider", "patients"]}, "domains[1]", "patients"),
        ({"url": HOOK, "event_types": ["merged", "exploded"]}, "event_types[1]", "exploded"),
        ({"url": HOOK, "source_system": "nope"}, "source_system", "nope"),
    ],
)
def test_refusals_name_the_field_and_the_reason(
    client: TestClient, body: dict[str, Any], field: str, reason: str
) -> None:
    response = client.post("/api/v1/subscriptions", json=body)
    assert response.status_code == 422, response.text
    fields = _fields(response)
    assert field in fields, fields
    assert reason.lower() in fields[field].lower()
    assert client.get("/api/v1/subscriptions").json()["subscriptions"] == []


def test_a_missing_url_is_a_422_not_a_500(client: TestClient) -> None:
    response = client.post("/api/v1/subscriptions", json={"domains": ["provider"]})
    assert response.status_code == 422
    assert "url" in _fields(response)


def test_pause_resume_and_update(client: TestClient) -> None:
    sub = _subscribe(client)
    paused = client.post(f"/api/v1/subscriptions/{sub['id']}/pause", json={"reason": "ERP upgrade"})
    assert paused.json()["status"] == "paused"
    assert paused.json()["status_reason"] == "ERP upgrade"
    resumed = client.post(f"/api/v1/subscriptions/{sub['id']}/resume")
    assert resumed.json()["status"] == "active"
    patched = client.patch(
        f"/api/v1/subscriptions/{sub['id']}", json={"domains": ["item"], "description": "supply"}
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["domains"], patched.json()["description"]) == (["item"], "supply")
    refused = client.patch(f"/api/v1/subscriptions/{sub['id']}", json={"url": "http://10.0.0.1/x"})
    assert refused.status_code == 422
    assert client.get(f"/api/v1/subscriptions/{sub['id']}").json()["url"] == HOOK


def test_rotation_gives_a_new_secret_and_keeps_the_old_one_for_the_overlap(
    client: TestClient,
) -> None:
    sub = _subscribe(client)
    rotated = client.post(
        f"/api/v1/subscriptions/{sub['id']}/secret/rotate", json={"overlap_hours": 2}
    )
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != sub["secret"]
    assert rotated.json()["previous_valid_until"] > sub["created_at"]


def test_delete_and_unknown_ids(client: TestClient) -> None:
    sub = _subscribe(client)
    assert client.delete(f"/api/v1/subscriptions/{sub['id']}").status_code == 204
    missing = client.get(f"/api/v1/subscriptions/{sub['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "unknown_subscription"
    assert client.post("/api/v1/subscriptions/sub_nope/pause").status_code == 404


def test_a_replay_must_say_what_to_replay(client: TestClient) -> None:
    sub = _subscribe(client)
    empty = client.post(f"/api/v1/subscriptions/{sub['id']}/replay", json={})
    assert empty.status_code == 422
    orphan = client.post(f"/api/v1/subscriptions/{sub['id']}/replay", json={"from_sequence": 3})
    assert orphan.status_code == 422
    assert "golden_id" in orphan.json()["error"]["message"]


def test_what_a_subscription_receives_follows_its_domains_and_types(client: TestClient) -> None:
    make_system(client, "erp")
    everything = _subscribe(client)
    suppliers_merged = _subscribe(client, domains=["supplier"], event_types=["merged"])
    providers = _subscribe(client, domains=["provider"])
    operator = _subscribe(client, event_types=["subscription_disabled"])
    response = client.post(
        "/api/v1/sources/erp/domains/provider/records",
        json={"records": [{"source_key": "P1", "attributes": {"name": "Abernathy, Paul"}}]},
    )
    assert response.status_code == 200, response.text
    # Reading the feed gives events their positions and fans them out to subscriptions.
    assert len(client.get("/api/v1/events").json()["events"]) == 1

    def pending(sub: dict[str, Any]) -> int:
        body = client.get(f"/api/v1/subscriptions/{sub['id']}").json()
        count: int = body["health"]["pending"]
        return count

    assert [pending(s) for s in (everything, suppliers_merged, providers, operator)] == [
        1,
        0,
        1,
        0,
    ]
    deliveries = client.get(f"/api/v1/subscriptions/{providers['id']}/deliveries").json()
    assert [d["type"] for d in deliveries["deliveries"]] == ["org.mdmhub.provider.created.v1"]
    # Deleting a subscription takes its deliveries with it; the event stays in the feed.
    assert client.delete(f"/api/v1/subscriptions/{providers['id']}").status_code == 204
    assert client.get(f"/api/v1/subscriptions/{providers['id']}/deliveries").status_code == 404
    assert len(client.get("/api/v1/events").json()["events"]) == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/deliveries/99999999999999999999", None),
        ("get", "/deliveries?before_id=99999999999999999999", None),
        ("post", "/deliveries/99999999999999999999/replay", None),
        ("post", "/replay", {"from_position": 99999999999999999999}),
        ("post", "/replay", {"golden_id": "PRV-X", "from_sequence": 99999999999}),
        ("post", "/replay", {"since": "2026-01-01T00:00:00"}),
    ],
)
def test_out_of_range_ids_and_naive_times_are_422_not_500(
    client: TestClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    sub = _subscribe(client)
    url = f"/api/v1/subscriptions/{sub['id']}{path}"
    response = client.get(url) if method == "get" else client.post(url, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"]


def test_the_url_a_subscriber_gave_stays_out_of_the_audit_log(client: TestClient) -> None:
    _subscribe(client, url="http://127.0.0.1:9/hooks?token=SECRET-OF-A")
    audit = client.get("/api/v1/audit", params={"entity_type": "subscription"}).json()
    assert "SECRET-OF-A" not in str(audit)
    assert "http://127.0.0.1:9/…" in str(audit)
