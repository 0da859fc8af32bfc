"""Unpinning takes effect in the whole merge tree at once: a record arriving later does not bring
a carried pin back."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import golden_of, make_system, send

GRACE = {"name": "Okafor, Grace A", "birth_date": "1975-02-14", "phone": "(512) 555-0142"}
MARTA = {"name": "Lindqvist, Marta", "birth_date": "1981-09-03", "phone": "(737) 555-0199"}
PAUL = {"name": "Abernathy, Paul", "birth_date": "1962-11-30", "phone": "(210) 555-0123"}


def _pins(client: TestClient, golden_id: str) -> dict[str, str]:
    response = client.get(f"/api/v1/golden/provider/{golden_id}/pins")
    assert response.status_code == 200, response.text
    return {p["attribute"]: p["value"] for p in response.json()["pins"]}


def _pin(client: TestClient, golden_id: str, value: str) -> None:
    response = client.put(
        f"/api/v1/golden/provider/{golden_id}/pins/specialty",
        json={"value": value, "reason": "credentialing file"},
    )
    assert response.status_code == 200, response.text


def _unpin(client: TestClient, golden_id: str) -> None:
    response = client.delete(
        f"/api/v1/golden/provider/{golden_id}/pins/specialty", params={"reason": "wrong"}
    )
    assert response.status_code == 200, response.text


def _merge(client: TestClient, a: str, b: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [a, b], "reason": "same clinician"},
        headers={"X-MDM-Actor": "steward.ann"},
    )
    assert response.status_code == 200, response.text
    merge: dict[str, Any] = response.json()["merge"]
    return merge


def _setup(client: TestClient) -> tuple[str, str, str]:
    """A (Grace, 2 records), B (Marta, 1), C (Paul, 4)."""
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


def test_unpinning_a_carried_pin_lets_another_absorbed_pin_come_back_later(
    client: TestClient,
) -> None:
    a, b, c = _setup(client)
    _pin(client, a, "Cardiology")
    _pin(client, b, "Oncology")
    assert _merge(client, c, a)["survivor_id"] == c
    assert _merge(client, c, b)["survivor_id"] == c
    assert _pins(client, c) == {"specialty": "Cardiology"}  # A merged first

    _unpin(client, c)
    after_unpin = _pins(client, c)
    # An unrelated new record of Paul's joins C: nothing a steward did.
    send(client, "supply", "provider", {"source_key": "C5", "attributes": PAUL})
    assert golden_of(client, "supply", "provider", "C5") == c

    assert _pins(client, c) == after_unpin


def test_unpinning_the_survivors_own_pin_changes_again_when_a_record_arrives(
    client: TestClient,
) -> None:
    a, b, _ = _setup(client)
    _pin(client, b, "Oncology")
    assert _merge(client, a, b)["survivor_id"] == a
    assert _pins(client, a) == {"specialty": "Oncology"}
    _pin(client, a, "Family Medicine")  # the steward's own pin replaces the carried one
    _unpin(client, a)
    after_unpin = _pins(client, a)

    send(client, "billing", "provider", {"source_key": "A3", "attributes": GRACE})
    assert golden_of(client, "billing", "provider", "A3") == a

    assert _pins(client, a) == after_unpin
