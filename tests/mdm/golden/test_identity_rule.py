"""Which golden record a record joins before the matching engine: agreeing strong identifiers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import NPI_A, NPI_B, golden, golden_of, make_system, send


def _systems(client: TestClient) -> None:
    for code in ("clinic_a", "clinic_b", "billing", "erp", "supply"):
        make_system(client, code)


def test_same_valid_npi_in_two_systems_is_one_golden_record(client: TestClient) -> None:
    _systems(client)
    a = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"name": "SMITH, WILLIAM J", "npi": NPI_A}},
    )
    b = send(
        client,
        "billing",
        "provider",
        {"source_key": "B7", "attributes": {"name": "Bill Smith, MD", "npi": NPI_A}},
    )

    assert a["results"][0]["golden_id"] == b["results"][0]["golden_id"]
    record = golden(client, "provider", a["results"][0]["golden_id"])
    assert sorted((m["source"], m["source_key"]) for m in record["members"]) == [
        ("billing", "B7"),
        ("clinic_a", "A1"),
    ]
    assert record["attributes"]["first_name"] == "Bill"  # most recent non-empty wins for now
    assert record["lineage"]["first_name"]["source_system"] == "billing"


def test_different_valid_npis_never_join(client: TestClient) -> None:
    _systems(client)
    a = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"name": "SMITH, JOHN", "npi": NPI_A}},
    )
    b = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A2", "attributes": {"name": "SMITH, JOHN", "npi": NPI_B}},
    )

    assert a["results"][0]["golden_id"] != b["results"][0]["golden_id"]


def test_record_without_identifier_founds_its_own_golden_record(client: TestClient) -> None:
    _systems(client)
    a = send(
        client, "clinic_a", "provider", {"source_key": "A1", "attributes": {"name": "Doe, Jane"}}
    )
    b = send(
        client, "clinic_b", "provider", {"source_key": "B1", "attributes": {"name": "Doe, Jane"}}
    )

    assert a["results"][0]["golden_id"] != b["results"][0]["golden_id"]


def test_cost_center_code_identifies_only_within_its_legal_entity(client: TestClient) -> None:
    _systems(client)
    erp = send(
        client,
        "erp",
        "cost_center",
        {
            "source_key": "HS01-4100",
            "attributes": {"code": "4100", "name": "Cardiology", "legal_entity": "HS01"},
        },
        {
            "source_key": "HS02-4100",
            "attributes": {"code": "4100", "name": "Cardiology", "legal_entity": "HS02"},
        },
    )
    clinic = send(
        client,
        "clinic_b",
        "cost_center",
        {
            "source_key": "CC4100",
            "attributes": {"code": "4100", "name": "CARDIOLOGY", "legal_entity": "hs02"},
        },
    )

    hs01, hs02 = (r["golden_id"] for r in erp["results"])
    assert hs01 != hs02
    assert clinic["results"][0]["golden_id"] == hs02


def test_upc_and_its_gtin14_form_are_one_item(client: TestClient) -> None:
    _systems(client)
    erp = send(
        client,
        "erp",
        "item",
        {
            "source_key": "I1",
            "attributes": {"description": "GLOVE EXAM NITRILE LG PF", "gtin": "036000291452"},
        },
    )
    supply = send(
        client,
        "supply",
        "item",
        {
            "source_key": "S1",
            "attributes": {"description": "Nitrile exam gloves, large", "gtin": "00036000291452"},
        },
    )

    assert erp["results"][0]["golden_id"] == supply["results"][0]["golden_id"]


def test_conflicting_second_identifier_blocks_the_join(client: TestClient) -> None:
    """Same NPI but a different valid CCN: the hub will not put them together and says why."""
    _systems(client)
    first = send(
        client,
        "erp",
        "location",
        {
            "source_key": "L1",
            "attributes": {"name": "Main Hospital", "npi": NPI_B, "ccn": "450001"},
        },
    )
    second = send(
        client,
        "billing",
        "location",
        {"source_key": "BL1", "attributes": {"name": "Main Hosp", "npi": NPI_B, "ccn": "450002"}},
    )

    assert first["results"][0]["golden_id"] != second["results"][0]["golden_id"]
    decision = client.get("/api/v1/match/decisions/billing/location/BL1").json()[-1]
    assert decision["outcome"] == "founded"
    assert [r["rule"] for r in decision["explanation"]["refused"]] == ["cannot_link:ccn"]


def test_identifiers_pointing_at_two_golden_records_do_not_chain_them(client: TestClient) -> None:
    """X shares the NPI of one golden record and the CCN of another that does not match the
    first: X joins one of them, and the two go to a steward instead of merging silently."""
    _systems(client)
    by_npi = send(
        client,
        "erp",
        "location",
        {"source_key": "L1", "attributes": {"name": "North Clinic", "npi": NPI_B}},
    )
    by_ccn = send(
        client,
        "erp",
        "location",
        {"source_key": "L2", "attributes": {"name": "North Clinic", "ccn": "450001"}},
    )
    both = send(
        client,
        "billing",
        "location",
        {"source_key": "X", "attributes": {"name": "North", "npi": NPI_B, "ccn": "450001"}},
    )

    pair = {by_npi["results"][0]["golden_id"], by_ccn["results"][0]["golden_id"]}
    assert both["results"][0]["golden_id"] in pair
    assert both["results"][0]["match"]["decision"] == "joined"
    candidates = client.get("/api/v1/match/candidates", params={"domain": "location"}).json()
    assert [
        ({c["left_golden_id"], c["right_golden_id"]}, c["kind"], c["reason"])
        for c in candidates["candidates"]
    ] == [(pair, "golden_golden", "chain_guard")]


def test_corrected_identifier_moves_a_record_and_the_old_id_resolves(client: TestClient) -> None:
    _systems(client)
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"last_name": "Ruiz", "npi": NPI_A}},
    )
    typo = send(
        client,
        "clinic_b",
        "provider",
        {"source_key": "B1", "attributes": {"last_name": "Ruiz", "npi": NPI_A[:-1] + "0"}},
    )
    old_id = typo["results"][0]["golden_id"]

    fixed = send(
        client,
        "clinic_b",
        "provider",
        {"source_key": "B1", "attributes": {"last_name": "Ruiz", "npi": NPI_A}},
    )

    survivor = golden_of(client, "clinic_a", "provider", "A1")
    assert fixed["results"][0]["golden_id"] == survivor
    moved = golden(client, "provider", old_id)
    assert moved["id"] == survivor
    assert moved["requested_id"] == old_id
    history = client.get(f"/api/v1/golden/provider/{old_id}/history").json()
    assert history[-1]["reason"] == "merged"


def test_record_whose_identifier_changes_leaves_its_golden_record(client: TestClient) -> None:
    _systems(client)
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"last_name": "Kim", "npi": NPI_A}},
    )
    joined = send(
        client,
        "billing",
        "provider",
        {"source_key": "B1", "attributes": {"last_name": "Kim", "npi": NPI_A}},
    )["results"][0]["golden_id"]

    moved = send(
        client,
        "billing",
        "provider",
        {"source_key": "B1", "attributes": {"last_name": "Kim", "npi": NPI_B}},
    )["results"][0]["golden_id"]

    assert moved != joined
    remaining = golden(client, "provider", joined)
    assert [m["source_key"] for m in remaining["members"]] == ["A1"]
    assert (
        client.get(f"/api/v1/golden/provider/{joined}/history").json()[-1]["reason"]
        == "source record left"
    )


def test_lookup_by_identifier(client: TestClient) -> None:
    _systems(client)
    golden_id = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"last_name": "Kim", "npi": NPI_A}},
    )["results"][0]["golden_id"]

    found = client.get(f"/api/v1/golden/provider/by-identifier/npi/{NPI_A}").json()
    unknown = client.get("/api/v1/golden/provider/by-identifier/gtin/1")

    assert [g["id"] for g in found] == [golden_id]
    assert unknown.status_code == 404


def test_golden_ids_are_opaque_and_prefixed_by_domain(client: TestClient) -> None:
    _systems(client)
    golden_id = send(
        client,
        "erp",
        "supplier",
        {"source_key": "VOL1", "attributes": {"legal_name": "Acme Medical Supply, Inc."}},
    )["results"][0]["golden_id"]

    prefix, body = golden_id.split("-")
    assert prefix == "SUP"
    assert len(body) == 16
    assert set(body) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")  # Crockford base32
    # Nothing of the source key in it. (The key holds O and L, which Crockford base32 never
    # writes: "V1" was found in one random ID out of about seventy.)
    assert "VOL1" not in golden_id


def test_list_pages_through_golden_records(client: TestClient) -> None:
    _systems(client)
    send(
        client,
        "erp",
        "payer",
        *[{"source_key": f"P{i}", "attributes": {"name": f"Payer {i}"}} for i in range(5)],
    )

    first = client.get("/api/v1/golden/payer", params={"limit": 3}).json()
    rest = client.get(
        "/api/v1/golden/payer", params={"limit": 3, "after_id": first["next_after_id"]}
    ).json()

    ids = [r["id"] for r in first["records"] + rest["records"]]
    assert len(ids) == len(set(ids)) == 5
    assert rest["next_after_id"] is None
