"""Chains of merges: merging a golden record that absorbed another into a third keeps the
inner merge (and its pin priority: nearer the survivor first); a golden record whose only
remaining source record is deleted is retired when a merge moves its live records away.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import golden_of, make_system, send

GRACE = {"name": "Okafor, Grace A", "birth_date": "1975-02-14", "phone": "(512) 555-0142"}
MARTA = {"name": "Lindqvist, Marta", "birth_date": "1981-09-03", "phone": "(737) 555-0199"}
PAUL = {"name": "Abernathy, Paul", "birth_date": "1962-11-30", "phone": "(210) 555-0123"}


def _merge(client: TestClient, a: str, b: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [a, b], "reason": "same clinician"},
        headers={"X-MDM-Actor": "steward.ann"},
    )
    assert response.status_code == 200, response.text
    merge: dict[str, Any] = response.json()["merge"]
    return merge


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


def test_second_merge_of_a_chain_keeps_b_under_a_and_as_pin_wins(client: TestClient) -> None:
    a, b, c = _setup(client)
    _pin(client, a, "Cardiology")
    _pin(client, b, "Oncology")
    assert _merge(client, a, b)["survivor_id"] == a
    assert _pins(client, a) == {"specialty": "Cardiology"}  # A's own pin wins over B's

    assert _merge(client, a, c)["survivor_id"] == c

    history = client.get("/api/v1/stewardship/provider/merges").json()["merges"]
    b_merge = next(m for m in history if m["absorbed_id"] == b)
    # B's records stayed with A's: the merge B -> A stands (today: re-attached to C).
    assert b_merge["survivor_id"] == a
    # A is nearer C than B is: C carries A's value (today: B's "Oncology").
    assert _pins(client, c) == {"specialty": "Cardiology"}


def test_merging_a_golden_record_that_holds_a_deleted_record(client: TestClient) -> None:
    a, _, c = _setup(client)
    assert client.delete("/api/v1/sources/clinic/domains/provider/records/A2").is_success

    # A's live record A1 joins Paul's four; A must resolve to C (today: 500, AssertionError
    # "a must-link did not merge", because the deleted A2 keeps A's member count above 0).
    merged = _merge(client, a, c)
    assert merged["survivor_id"] == c
    assert golden_of(client, "erp", "provider", "A1") == c


def test_splitting_the_survivors_own_records_after_a_later_record_joined(
    client: TestClient,
) -> None:
    a, b, _ = _setup(client)
    assert _merge(client, a, b)["survivor_id"] == a
    # After the merge a second record of Marta's arrives; it joins the merged golden record A.
    send(client, "supply", "provider", {"source_key": "X", "attributes": MARTA})
    assert golden_of(client, "supply", "provider", "X") == a

    response = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": a,
            "records": [{"source": "erp", "key": "A1"}, {"source": "clinic", "key": "A2"}],
            "reason": "Grace is not Marta",
        },
        headers={"X-MDM-Actor": "steward.bo"},
    )
    assert response.status_code == 200, response.text

    # "Splitting the survivor's own record out gives the survivor its ID and the absorbed
    # record its own" (docs/stewardship.md). Grace's records get a new ID and Grace's
    # ID A stays with Marta's records (B1 counts for A via B, X for A as the root: 2 - 2, and
    # the records the steward named never take the ID).
    assert golden_of(client, "erp", "provider", "A1") == a
    assert golden_of(client, "billing", "provider", "B1") != a
