"""A split undoes exactly the merge that brought the split records in: through chains of merges,
and whichever side of the merge the steward names.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import golden, golden_of, make_system, send

GRACE = {"name": "Okafor, Grace A", "birth_date": "1975-02-14", "phone": "(512) 555-0142"}
MARTA = {"name": "Lindqvist, Marta", "birth_date": "1981-09-03", "phone": "(737) 555-0199"}
PAUL = {"name": "Abernathy, Paul", "birth_date": "1962-11-30", "phone": "(210) 555-0123"}


def _state(client: TestClient, golden_id: str) -> dict[str, Any]:
    body = golden(client, "provider", golden_id)
    keys = client.get(f"/api/v1/golden/provider/{golden_id}/crosswalk").json()["keys"]
    pins = client.get(f"/api/v1/golden/provider/{golden_id}/pins").json()["pins"]
    return {
        "id": body["id"],
        "status": body["status"],
        "attributes": body["attributes"],
        "lineage": body["lineage"],
        "members": sorted((m["source"], m["source_key"]) for m in body["members"]),
        "crosswalk": sorted((k["system"], k["key"], k["kind"]) for k in keys),
        "pins": {p["attribute"]: p["value"] for p in pins},
    }


def _merge(client: TestClient, a: str, b: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [a, b], "reason": "same clinician"},
        headers={"X-MDM-Actor": "steward.ann"},
    )
    assert response.status_code == 200, response.text
    merge: dict[str, Any] = response.json()["merge"]
    return merge


def _split(client: TestClient, golden_id: str, *records: tuple[str, str]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": golden_id,
            "records": [{"source": s, "key": k} for s, k in records],
            "reason": "not the same clinician",
        },
        headers={"X-MDM-Actor": "steward.bo"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _three_goldens(client: TestClient) -> tuple[str, str, str]:
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
    client.put("/api/v1/crosswalk/supply/provider/S-A", json={"golden_id": a})
    client.put("/api/v1/crosswalk/supply/provider/S-B", json={"golden_id": b})
    pinned = client.put(
        f"/api/v1/golden/provider/{b}/pins/specialty",
        json={"value": "Cardiology", "reason": "credentialing file"},
    )
    assert pinned.status_code == 200, pinned.text
    return a, b, c


def test_splitting_b_out_after_a_chain_of_merges_gives_b_back(client: TestClient) -> None:
    a, b, c = _three_goldens(client)
    before_b = _state(client, b)
    assert _merge(client, a, b)["survivor_id"] == a
    assert _merge(client, a, c)["survivor_id"] == c

    split = _split(client, c, ("billing", "B1"))

    assert split["placed"][0]["golden_id"] == b
    assert _state(client, b) == before_b
    assert ("supply", "S-A", "downstream") not in _state(client, b)["crosswalk"]


def test_undoing_only_the_second_merge_of_a_chain_leaves_b_with_c(client: TestClient) -> None:
    a, b, c = _three_goldens(client)
    assert _merge(client, a, b)["survivor_id"] == a
    assert _merge(client, a, c)["survivor_id"] == c

    split = _split(client, c, ("erp", "A1"), ("clinic", "A2"))

    assert split["restored"] == [a]
    # B1 (Marta) stayed in C; Grace's restored golden record must not take Marta's key and pin.
    assert golden_of(client, "billing", "provider", "B1") == c
    restored = _state(client, a)
    assert ("supply", "S-B", "downstream") not in restored["crosswalk"]
    assert "specialty" not in restored["pins"]


def test_splitting_the_survivors_own_record_out_restores_both_sides(client: TestClient) -> None:
    for code in ("erp", "billing", "supply"):
        make_system(client, code)
    send(client, "erp", "provider", {"source_key": "A1", "attributes": GRACE})
    send(client, "billing", "provider", {"source_key": "B1", "attributes": MARTA})
    a = golden_of(client, "erp", "provider", "A1")
    b = golden_of(client, "billing", "provider", "B1")
    client.put("/api/v1/crosswalk/supply/provider/S-A", json={"golden_id": a})
    client.put("/api/v1/crosswalk/supply/provider/S-B", json={"golden_id": b})
    before = {g: _state(client, g) for g in (a, b)}
    # One record each: the older golden record (A, Grace) survives.
    assert _merge(client, a, b)["survivor_id"] == a

    _split(client, a, ("erp", "A1"))

    assert {g: _state(client, g) for g in (a, b)} == before
