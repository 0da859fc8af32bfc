"""Manual merge and split over REST: a split restores exactly the state before the merge."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import NPI_A, NPI_B, golden, golden_of, make_system, send
from tests.mdm.stewardship.helpers import GRACE, MARTA, state

GRACE_CLINIC = {"name": "Grace Okafor MD", "birth_date": "02/14/1975", "email": "go@clinic.example"}


def _setup(client: TestClient) -> tuple[str, str]:
    for code in ("erp", "clinic_a", "billing", "supply"):
        make_system(client, code)
    send(client, "erp", "provider", {"source_key": "P1", "attributes": GRACE})
    send(client, "clinic_a", "provider", {"source_key": "77", "attributes": GRACE_CLINIC})
    send(client, "billing", "provider", {"source_key": "B9", "attributes": MARTA})
    grace = golden_of(client, "erp", "provider", "P1")
    marta = golden_of(client, "billing", "provider", "B9")
    assert golden_of(client, "clinic_a", "provider", "77") == grace
    assert grace != marta
    return grace, marta


def _merge(client: TestClient, a: str, b: str, **extra: Any) -> Any:
    return client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [a, b], "reason": "same clinician, confirmed by phone", **extra},
        headers={"X-MDM-Actor": "steward.ann"},
    )


def test_merge_moves_everything_to_the_survivor_and_the_absorbed_id_keeps_resolving(
    client: TestClient,
) -> None:
    grace, marta = _setup(client)
    client.put("/api/v1/crosswalk/supply/provider/S-200", json={"golden_id": marta})

    response = _merge(client, marta, grace)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "merged"
    # The survivor is the golden record with more source records (two against one).
    assert body["merge"]["survivor_id"] == grace
    assert body["merge"]["absorbed_id"] == marta
    assert golden(client, "provider", marta)["id"] == grace
    assert golden_of(client, "billing", "provider", "B9") == grace
    keys = client.get(f"/api/v1/golden/provider/{grace}/crosswalk").json()["keys"]
    assert ("supply", "S-200") in {(k["system"], k["key"]) for k in keys}
    history = client.get(f"/api/v1/golden/provider/{marta}/history").json()
    assert history[-1]["reason"] == "merged"
    assert history[-1]["actor"] == "steward.ann"
    merges = client.get("/api/v1/stewardship/provider/merges", params={"golden_id": grace}).json()[
        "merges"
    ]
    assert merges[0]["kind"] == "steward"
    assert merges[0]["actor"] == "steward.ann"
    assert merges[0]["reason"] == "same clinician, confirmed by phone"
    assert merges[0]["rule_set_version"].startswith("provider-default-1+")


def test_split_restores_exactly_the_state_before_the_merge(client: TestClient) -> None:
    grace, marta = _setup(client)
    client.put("/api/v1/crosswalk/supply/provider/S-200", json={"golden_id": marta})
    client.put("/api/v1/crosswalk/supply/provider/S-100", json={"golden_id": grace})
    pinned = client.put(
        f"/api/v1/golden/provider/{marta}/pins/specialty",
        json={"value": "Cardiology", "reason": "credentialing file"},
    )
    assert pinned.status_code == 200, pinned.text
    before = {g: state(client, g) for g in (grace, marta)}

    assert _merge(client, grace, marta).status_code == 200
    merged = state(client, grace)
    # Every record is in the survivor, and the absorbed one's pin came along (the survivor had
    # none for the attribute).
    assert merged["members"] == [("billing", "B9"), ("clinic_a", "77"), ("erp", "P1")]
    assert merged["attributes"]["specialty"] == "Cardiology"
    assert merged["pins"] == {"specialty": "Cardiology"}
    split = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": grace,
            "records": [{"source": "billing", "key": "B9"}],
            "reason": "two different clinicians after all",
        },
        headers={"X-MDM-Actor": "steward.bo"},
    )

    assert split.status_code == 200, split.text
    assert split.json()["restored"] == [marta]
    assert split.json()["placed"] == [{"source": "billing", "key": "B9", "golden_id": marta}]
    after = {g: state(client, g) for g in (grace, marta)}
    assert after == before
    history = client.get(f"/api/v1/golden/provider/{marta}/history").json()
    assert history[-1]["reason"] == "restored by split"
    assert history[-1]["actor"] == "steward.bo"
    merges = client.get("/api/v1/stewardship/provider/merges", params={"golden_id": grace}).json()
    assert len(merges["merges"]) == 1
    assert merges["merges"][0]["undone_by_split_id"] == split.json()["split_id"]
    assert merges["splits"][0]["actor"] == "steward.bo"


def test_a_split_stays_split_when_the_records_are_sent_again(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "clinic_a")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": GRACE})
    send(client, "clinic_a", "provider", {"source_key": "77", "attributes": GRACE_CLINIC})
    together = golden_of(client, "erp", "provider", "P1")
    assert golden_of(client, "clinic_a", "provider", "77") == together

    response = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": together,
            "records": [{"source": "clinic_a", "key": "77"}],
            "reason": "a namesake: different licence",
        },
    )
    assert response.status_code == 200, response.text
    apart = response.json()["placed"][0]["golden_id"]
    assert response.json()["founded"] == [apart]

    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "77", "attributes": {**GRACE_CLINIC, "phone": GRACE["phone"]}},
    )

    assert golden_of(client, "clinic_a", "provider", "77") == apart
    assert golden_of(client, "erp", "provider", "P1") == together
    # A steward's "not a match" is not proposed back to stewards either.
    assert client.get("/api/v1/stewardship/candidates").json()["candidates"] == []


def test_a_merge_holds_after_the_record_that_carried_it_is_deleted(client: TestClient) -> None:
    grace, marta = _setup(client)
    assert _merge(client, grace, marta).status_code == 200

    # P1 was the survivor's record the steward's must-link joined; the source deletes it.
    client.delete("/api/v1/sources/erp/domains/provider/records/P1")

    assert golden_of(client, "clinic_a", "provider", "77") == grace
    assert golden_of(client, "billing", "provider", "B9") == grace


def test_a_merge_a_hard_rule_forbids_needs_force(client: TestClient) -> None:
    make_system(client, "erp")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": {**GRACE, "npi": NPI_A}})
    send(client, "erp", "provider", {"source_key": "P2", "attributes": {**MARTA, "npi": NPI_B}})
    a, b = golden_of(client, "erp", "provider", "P1"), golden_of(client, "erp", "provider", "P2")

    refused = _merge(client, a, b)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "hard_rule_conflict"
    assert "npi" in refused.json()["error"]["message"]
    assert golden_of(client, "erp", "provider", "P2") == b

    forced = _merge(client, a, b, force=True)
    assert forced.status_code == 200, forced.text
    assert golden_of(client, "erp", "provider", "P2") == golden_of(client, "erp", "provider", "P1")


def test_merge_and_split_refuse_what_cannot_be_done(client: TestClient) -> None:
    grace, marta = _setup(client)
    make_system(client, "hr")
    send(client, "hr", "employee", {"source_key": "E1", "attributes": {"name": "Okafor, Grace"}})
    employee = golden_of(client, "hr", "employee", "E1")

    assert _merge(client, grace, grace).json()["error"]["code"] == "already_merged"
    assert _merge(client, grace, employee).status_code == 404
    assert _merge(client, grace, "PRV-NOPE").status_code == 404
    empty_reason = client.post(
        "/api/v1/stewardship/provider/merges", json={"golden_ids": [grace, marta], "reason": " "}
    )
    assert empty_reason.status_code == 422
    assert empty_reason.json()["error"]["fields"][0]["field"] == "reason"
    everything = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": grace,
            "records": [{"source": "erp", "key": "P1"}, {"source": "clinic_a", "key": "77"}],
            "reason": "x",
        },
    )
    assert everything.status_code == 409
    assert everything.json()["error"]["code"] == "split_everything"
    stranger = client.post(
        "/api/v1/stewardship/provider/splits",
        json={"golden_id": grace, "records": [{"source": "billing", "key": "B9"}], "reason": "x"},
    )
    assert stranger.status_code == 422
    assert stranger.json()["error"]["fields"][0]["field"] == "records[0]"
    assert stranger.json()["error"]["fields"][0]["code"] == "not_a_member"


def test_every_merge_and_split_is_in_the_audit_log(client: TestClient) -> None:
    grace, marta = _setup(client)
    _merge(client, grace, marta)
    client.post(
        "/api/v1/stewardship/provider/splits",
        json={"golden_id": grace, "records": [{"source": "billing", "key": "B9"}], "reason": "no"},
        headers={"X-MDM-Actor": "steward.bo"},
    )

    entries = client.get("/api/v1/audit", params={"entity_id": grace}).json()["entries"]
    actions = [(e["action"], e["actor"]) for e in entries]
    assert ("steward.merge", "steward.ann") in actions
    assert ("steward.split", "steward.bo") in actions
