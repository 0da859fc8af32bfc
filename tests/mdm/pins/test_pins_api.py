"""A steward's pinned value beats every source until unpinned."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import golden, golden_of, make_system, send

GRACE = {"name": "Okafor, Grace", "phone": "(512) 555-0142", "birth_date": "1975-02-14"}


def _grace(client: TestClient) -> str:
    make_system(client, "erp")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": GRACE})
    return golden_of(client, "erp", "provider", "P1")


def test_a_pinned_value_beats_every_source_until_unpinned(client: TestClient) -> None:
    gid = _grace(client)

    pinned = client.put(
        f"/api/v1/golden/provider/{gid}/pins/phone",
        json={"value": "512.555.0199", "reason": "verified with the clinic"},
        headers={"X-MDM-Actor": "steward.ann"},
    )

    assert pinned.status_code == 200, pinned.text
    assert pinned.json()["pins"][0]["value"] == "+15125550199"
    record = golden(client, "provider", gid)
    assert record["attributes"]["phone"] == "+15125550199"
    assert record["lineage"]["phone"]["rule"] == "steward_pin"
    assert record["lineage"]["phone"]["pinned_by"] == "steward.ann"
    assert record["lineage"]["phone"]["pin_reason"] == "verified with the clinic"

    # The source sends another phone: the pin still wins.
    send(
        client,
        "erp",
        "provider",
        {"source_key": "P1", "attributes": {**GRACE, "phone": "(512) 555-0111"}},
    )
    assert golden(client, "provider", gid)["attributes"]["phone"] == "+15125550199"

    unpinned = client.delete(
        f"/api/v1/golden/provider/{gid}/pins/phone", params={"reason": "clinic updated its file"}
    )
    assert unpinned.status_code == 200, unpinned.text
    assert unpinned.json()["pins"] == []
    record = golden(client, "provider", gid)
    assert record["attributes"]["phone"] == "+15125550111"
    assert record["lineage"]["phone"]["source_key"] == "P1"
    history = client.get(f"/api/v1/golden/provider/{gid}/history").json()
    assert [v["reason"] for v in history][-1] == "attribute unpinned"
    assert "attribute pinned" in [v["reason"] for v in history]


def test_a_pin_is_standardised_and_validated_like_a_source_value(client: TestClient) -> None:
    gid = _grace(client)

    bad_npi = client.put(
        f"/api/v1/golden/provider/{gid}/pins/npi", json={"value": "1234567890", "reason": "x"}
    )
    assert bad_npi.status_code == 422
    (field,) = bad_npi.json()["error"]["fields"]
    assert field["field"] == "value"
    assert field["code"] == "invalid_npi"
    bad_date = client.put(
        f"/api/v1/golden/provider/{gid}/pins/birth_date",
        json={"value": "31/31/1975", "reason": "x"},
    )
    assert bad_date.status_code == 422
    assert bad_date.json()["error"]["fields"][0]["field"] == "value"
    no_reason = client.put(
        f"/api/v1/golden/provider/{gid}/pins/phone", json={"value": "5125550199", "reason": ""}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["fields"][0]["field"] == "reason"
    unknown = client.put(
        f"/api/v1/golden/provider/{gid}/pins/fax", json={"value": "5125550199", "reason": "x"}
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_attribute"
    assert (
        client.delete(
            f"/api/v1/golden/provider/{gid}/pins/phone", params={"reason": "x"}
        ).status_code
        == 404
    )
    assert golden(client, "provider", gid)["attributes"]["phone"] == "+15125550142"


def test_a_pinned_ssn_is_masked_in_responses_and_the_audit_log(client: TestClient) -> None:
    make_system(client, "hr")
    send(client, "hr", "employee", {"source_key": "E1", "attributes": {"name": "Okafor, Grace"}})
    gid = golden_of(client, "hr", "employee", "E1")

    pinned = client.put(
        f"/api/v1/golden/employee/{gid}/pins/ssn",
        json={"value": "512-34-8871", "reason": "I-9 form"},
    )

    assert pinned.status_code == 200, pinned.text
    assert "512-34-8871" not in pinned.text
    assert "8871" in pinned.json()["pins"][0]["value"]
    assert "512-34-8871" not in client.get(f"/api/v1/golden/employee/{gid}").text
    audit = client.get("/api/v1/audit", params={"entity_id": gid, "action": "steward.pin"})
    assert audit.json()["entries"]
    assert "512-34-8871" not in audit.text
