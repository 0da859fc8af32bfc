"""References between domains resolve to golden IDs through the crosswalk, and stay right."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import NPI_A, NPI_B, golden, golden_of, make_system, send


def _relationships(client: TestClient, domain: str, golden_id: str) -> list[tuple[str, str | None]]:
    return [(r["name"], r["golden_id"]) for r in golden(client, domain, golden_id)["relationships"]]


def test_reference_by_the_sources_own_key_resolves_to_the_golden_id(client: TestClient) -> None:
    make_system(client, "clinic_a")
    location = send(
        client,
        "clinic_a",
        "location",
        {"source_key": "L10", "attributes": {"name": "Riverside Clinic"}},
    )["results"][0]["golden_id"]
    provider = send(
        client,
        "clinic_a",
        "provider",
        {
            "source_key": "P1",
            "attributes": {"last_name": "Ng"},
            "references": {"practice_locations": ["L10"]},
        },
    )["results"][0]["golden_id"]

    assert _relationships(client, "provider", provider) == [("practice_locations", location)]


def test_reference_to_a_record_not_yet_sent_resolves_when_it_arrives(client: TestClient) -> None:
    make_system(client, "erp")
    item = send(
        client,
        "erp",
        "item",
        {
            "source_key": "I1",
            "attributes": {"description": "Gauze"},
            "references": {"supplier": "V9"},
        },
    )["results"][0]["golden_id"]
    assert _relationships(client, "item", item) == [("supplier", None)]

    supplier = send(
        client, "erp", "supplier", {"source_key": "V9", "attributes": {"legal_name": "Acme"}}
    )["results"][0]["golden_id"]

    assert _relationships(client, "item", item) == [("supplier", supplier)]


def test_reference_to_another_systems_key(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "clinic_b")
    cost_center = send(
        client,
        "erp",
        "cost_center",
        {
            "source_key": "CC1",
            "attributes": {"code": "4100", "name": "Ortho", "legal_entity": "HS02"},
        },
    )["results"][0]["golden_id"]

    location = send(
        client,
        "clinic_b",
        "location",
        {
            "source_key": "L1",
            "attributes": {"name": "Lakeside"},
            "references": {"cost_center": {"source": "erp", "key": "CC1"}},
        },
    )

    assert _relationships(client, "location", location["results"][0]["golden_id"]) == [
        ("cost_center", cost_center)
    ]


def test_reference_naming_an_unregistered_system_is_refused(client: TestClient) -> None:
    make_system(client, "clinic_b")

    body = send(
        client,
        "clinic_b",
        "location",
        {
            "source_key": "L1",
            "attributes": {"name": "L"},
            "references": {"cost_center": {"source": "nope", "key": "1"}},
        },
    )

    assert body["results"][0]["errors"][0]["field"] == "references.cost_center.source"


def test_unknown_reference_name_is_refused(client: TestClient) -> None:
    make_system(client, "clinic_b")

    body = send(
        client,
        "clinic_b",
        "location",
        {"source_key": "L1", "attributes": {"name": "L"}, "references": {"supplier": "V1"}},
    )

    assert body["results"][0]["errors"][0]["code"] == "unknown_reference"


def test_reference_follows_its_target_into_the_golden_record_it_joins(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "billing")
    send(
        client,
        "erp",
        "location",
        {"source_key": "L1", "attributes": {"name": "Main", "npi": NPI_B}},
    )
    send(client, "billing", "location", {"source_key": "BL", "attributes": {"name": "Main"}})
    provider = send(
        client,
        "billing",
        "provider",
        {
            "source_key": "P",
            "attributes": {"last_name": "Ng", "npi": NPI_A},
            "references": {"practice_locations": ["BL"]},
        },
    )
    provider_id = provider["results"][0]["golden_id"]

    # Billing now sends the location's NPI: its record joins the ERP's golden location.
    send(
        client,
        "billing",
        "location",
        {"source_key": "BL", "attributes": {"name": "Main", "npi": NPI_B}},
    )

    assert _relationships(client, "provider", provider_id) == [
        ("practice_locations", golden_of(client, "erp", "location", "L1"))
    ]


def test_reference_through_a_registered_downstream_key(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "supply")
    supplier = send(
        client, "supply", "supplier", {"source_key": "S1", "attributes": {"legal_name": "Acme"}}
    )["results"][0]["golden_id"]
    client.put("/api/v1/crosswalk/erp/supplier/VENDOR-77", json={"golden_id": supplier})

    item = send(
        client,
        "erp",
        "item",
        {
            "source_key": "I1",
            "attributes": {"description": "Gauze"},
            "references": {"supplier": "VENDOR-77"},
        },
    )

    assert _relationships(client, "item", item["results"][0]["golden_id"]) == [
        ("supplier", supplier)
    ]


def test_multi_reference_keeps_every_target(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(
        client,
        "clinic_a",
        "location",
        {"source_key": "L1", "attributes": {"name": "One"}},
        {"source_key": "L2", "attributes": {"name": "Two"}},
    )
    provider = send(
        client,
        "clinic_a",
        "provider",
        {
            "source_key": "P",
            "attributes": {"last_name": "Ng"},
            "references": {"practice_locations": ["L1", "L2", "L1"]},
        },
    )

    names = _relationships(client, "provider", provider["results"][0]["golden_id"])
    assert [n for n, _ in names] == ["practice_locations", "practice_locations"]
    assert {g for _, g in names} == {
        golden_of(client, "clinic_a", "location", "L1"),
        golden_of(client, "clinic_a", "location", "L2"),
    }
