from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import NPI_A, make_system, send


def _provider(client: TestClient) -> str:
    make_system(client, "clinic_a", receives=[])
    make_system(client, "billing", receives=[])
    make_system(client, "erp", sends=[], receives=["provider"])
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"last_name": "Ng", "npi": NPI_A}},
    )
    body = send(
        client,
        "billing",
        "provider",
        {"source_key": "B1", "attributes": {"last_name": "Ng", "npi": NPI_A}},
    )
    golden_id: str = body["results"][0]["golden_id"]
    return golden_id


def test_lookup_by_one_systems_key_gives_every_systems_key(client: TestClient) -> None:
    golden_id = _provider(client)

    body = client.get("/api/v1/crosswalk/clinic_a/provider/A1").json()

    assert body["golden_id"] == golden_id
    assert [(k["system"], k["key"], k["kind"]) for k in body["keys"]] == [
        ("billing", "B1", "source_record"),
        ("clinic_a", "A1", "source_record"),
    ]


def test_downstream_system_registers_its_own_key(client: TestClient) -> None:
    golden_id = _provider(client)

    created = client.put("/api/v1/crosswalk/erp/provider/SUP-9001", json={"golden_id": golden_id})
    again = client.put("/api/v1/crosswalk/erp/provider/SUP-9001", json={"golden_id": golden_id})
    by_erp_key = client.get("/api/v1/crosswalk/erp/provider/SUP-9001").json()

    assert created.status_code == 201
    assert again.status_code == 200
    assert by_erp_key["golden_id"] == golden_id
    assert ("erp", "SUP-9001", "downstream") in [
        (k["system"], k["key"], k["kind"]) for k in by_erp_key["keys"]
    ]
    keys = client.get(f"/api/v1/golden/provider/{golden_id}/crosswalk").json()["keys"]
    assert len(keys) == 3


def test_key_already_pointing_elsewhere_is_a_conflict(client: TestClient) -> None:
    golden_id = _provider(client)
    other = send(
        client, "clinic_a", "provider", {"source_key": "A2", "attributes": {"last_name": "Other"}}
    )["results"][0]["golden_id"]
    client.put("/api/v1/crosswalk/erp/provider/K1", json={"golden_id": golden_id})

    response = client.put("/api/v1/crosswalk/erp/provider/K1", json={"golden_id": other})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "key_already_registered"


def test_a_source_cannot_register_a_key_it_sends(client: TestClient) -> None:
    golden_id = _provider(client)
    client.patch("/api/v1/source-systems/billing", json={"receives": ["provider"]})

    response = client.put("/api/v1/crosswalk/billing/provider/B1", json={"golden_id": golden_id})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "key_is_a_source_record"


def test_only_receiving_systems_register_keys(client: TestClient) -> None:
    golden_id = _provider(client)

    response = client.put("/api/v1/crosswalk/clinic_a/provider/K", json={"golden_id": golden_id})

    assert response.status_code == 403


def test_registering_against_another_domain_is_refused(client: TestClient) -> None:
    golden_id = _provider(client)
    client.patch("/api/v1/source-systems/erp", json={"receives": ["provider", "payer"]})

    response = client.put("/api/v1/crosswalk/erp/payer/K", json={"golden_id": golden_id})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "domain_mismatch"


def test_removed_key_no_longer_resolves(client: TestClient) -> None:
    golden_id = _provider(client)
    client.put("/api/v1/crosswalk/erp/provider/K1", json={"golden_id": golden_id})

    removed = client.delete("/api/v1/crosswalk/erp/provider/K1")

    assert removed.status_code == 204
    assert client.get("/api/v1/crosswalk/erp/provider/K1").status_code == 404


def test_downstream_keys_follow_a_merge(client: TestClient) -> None:
    make_system(client, "clinic_a", receives=[])
    make_system(client, "erp", sends=[], receives=["provider"])
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"last_name": "Ng", "npi": NPI_A}},
    )
    typo = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A2", "attributes": {"last_name": "Ng", "npi": NPI_A[:-1] + "1"}},
    )["results"][0]["golden_id"]
    client.put("/api/v1/crosswalk/erp/provider/E2", json={"golden_id": typo})

    fixed = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A2", "attributes": {"last_name": "Ng", "npi": NPI_A}},
    )["results"][0]["golden_id"]

    body = client.get("/api/v1/crosswalk/erp/provider/E2").json()
    assert body["golden_id"] == fixed != typo
    assert sorted(k["key"] for k in body["keys"]) == ["A1", "A2", "E2"]
    merged_view = client.get(f"/api/v1/golden/provider/{typo}/crosswalk").json()
    assert merged_view["requested_golden_id"] == typo
    assert merged_view["golden_id"] == fixed


def test_unknown_key_is_404(client: TestClient) -> None:
    make_system(client, "erp")

    response = client.get("/api/v1/crosswalk/erp/provider/nothing")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_key"
