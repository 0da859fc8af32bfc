"""Small helpers that make test objects through the hub's real API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

ALL_DOMAINS = ["provider", "location", "cost_center", "supplier", "item", "payer", "employee"]

# Real NPIs with valid Luhn check digits (over 80840 + first nine digits).
NPI_A = "1234567893"
NPI_B = "1245319599"


def make_system(
    client: TestClient,
    code: str,
    *,
    sends: list[str] | None = None,
    receives: list[str] | None = None,
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/source-systems",
        json={
            "code": code,
            "name": code.upper(),
            "sends": ALL_DOMAINS if sends is None else sends,
            "receives": ALL_DOMAINS if receives is None else receives,
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def send(client: TestClient, source: str, domain: str, *records: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/sources/{source}/domains/{domain}/records", json={"records": list(records)}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def golden_of(client: TestClient, source: str, domain: str, key: str) -> str:
    response = client.get(f"/api/v1/sources/{source}/domains/{domain}/records/{key}")
    assert response.status_code == 200, response.text
    golden_id: str = response.json()["golden_id"]
    return golden_id


def golden(client: TestClient, domain: str, golden_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/golden/{domain}/{golden_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
