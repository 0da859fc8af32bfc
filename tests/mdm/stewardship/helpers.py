"""People, and steps a steward takes over REST, shared by the stewardship tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import golden, golden_of, make_system, send

GRACE = {"name": "Okafor, Grace A", "birth_date": "1975-02-14", "phone": "(512) 555-0142"}
MARTA = {"name": "Lindqvist, Marta", "birth_date": "1981-09-03", "phone": "(737) 555-0199"}
PAUL = {"name": "Abernathy, Paul", "birth_date": "1962-11-30", "phone": "(210) 555-0123"}


def state(client: TestClient, golden_id: str) -> dict[str, Any]:
    """What a split must restore: attributes, lineage, members, crosswalk, pins."""
    body = golden(client, "provider", golden_id)
    keys = client.get(f"/api/v1/golden/provider/{golden_id}/crosswalk").json()["keys"]
    return {
        "id": body["id"],
        "status": body["status"],
        "attributes": body["attributes"],
        "lineage": body["lineage"],
        "members": sorted((m["source"], m["source_key"]) for m in body["members"]),
        "relationships": body["relationships"],
        "crosswalk": sorted((k["system"], k["key"], k["kind"]) for k in keys),
        "pins": pins(client, golden_id),
    }


def merge(client: TestClient, a: str, b: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [a, b], "reason": "same clinician"},
        headers={"X-MDM-Actor": "steward.ann"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()["merge"]
    return body


def split(
    client: TestClient, golden_id: str, *records: tuple[str, str], together: bool = True
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": golden_id,
            "records": [{"source": s, "key": k} for s, k in records],
            "reason": "not the same clinician",
            "together": together,
        },
        headers={"X-MDM-Actor": "steward.bo"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def pins(client: TestClient, golden_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/golden/provider/{golden_id}/pins")
    assert response.status_code == 200, response.text
    return {p["attribute"]: p["value"] for p in response.json()["pins"]}


def pin(client: TestClient, golden_id: str, value: str) -> None:
    response = client.put(
        f"/api/v1/golden/provider/{golden_id}/pins/specialty",
        json={"value": value, "reason": "credentialing file"},
    )
    assert response.status_code == 200, response.text


def unpin(client: TestClient, golden_id: str) -> None:
    response = client.delete(
        f"/api/v1/golden/provider/{golden_id}/pins/specialty", params={"reason": "wrong"}
    )
    assert response.status_code == 200, response.text


def three_goldens(client: TestClient) -> tuple[str, str, str]:
    """A (Grace, 2 records), B (Marta, 1 record), C (Paul, 4 records)."""
    for code in ("erp", "clinic", "billing", "supply"):
        make_system(client, code)
    send(client, "erp", "provider", {"source_key": "A1", "attributes": GRACE})
    send(client, "clinic", "provider", {"source_key": "A2", "attributes": GRACE})
    send(client, "billing", "provider", {"source_key": "B1", "attributes": MARTA})
    for system, key in (("erp", "C1"), ("clinic", "C2"), ("billing", "C3"), ("supply", "C4")):
        send(client, system, "provider", {"source_key": key, "attributes": PAUL})
    a = golden_of(client, "erp", "provider", "A1")
    b = golden_of(client, "billing", "provider", "B1")
    c = golden_of(client, "erp", "provider", "C1")
    assert len({a, b, c}) == 3
    return a, b, c
