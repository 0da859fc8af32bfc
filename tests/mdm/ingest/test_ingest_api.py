"""Ingestion over REST, as a source system uses it."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import NPI_A, NPI_B, golden, make_system, send

PROVIDER: dict[str, Any] = {
    "source_key": "P1",
    "attributes": {"name": "SMITH, JOHN A MD", "npi": NPI_A, "phone": "(512) 555-0142"},
}


def test_record_is_standardised_and_founds_a_golden_record(client: TestClient) -> None:
    make_system(client, "clinic_a")

    result = send(client, "clinic_a", "provider", PROVIDER)["results"][0]

    assert result["outcome"] == "created"
    record = golden(client, "provider", result["golden_id"])
    assert record["attributes"]["last_name"] == "Smith"
    assert record["attributes"]["first_name"] == "John"
    assert record["attributes"]["credentials"] == ["MD"]
    assert record["attributes"]["phone"] == "+15125550142"
    assert record["lineage"]["npi"]["source_system"] == "clinic_a"
    assert record["lineage"]["npi"]["source_key"] == "P1"


def test_same_payload_again_changes_nothing(client: TestClient) -> None:
    make_system(client, "clinic_a")
    first = send(client, "clinic_a", "provider", PROVIDER)["results"][0]

    again = send(client, "clinic_a", "provider", PROVIDER)

    assert again["counts"]["unchanged"] == 1
    assert again["results"][0]["record_version"] == first["record_version"] == 1
    history = client.get(f"/api/v1/golden/provider/{first['golden_id']}/history").json()
    assert [v["version"] for v in history] == [1]


def test_changed_payload_makes_a_new_version_listing_changed_attributes(client: TestClient) -> None:
    make_system(client, "clinic_a")
    first = send(client, "clinic_a", "provider", PROVIDER)["results"][0]
    changed = {**PROVIDER, "attributes": {**PROVIDER["attributes"], "phone": "512-555-0199"}}

    result = send(client, "clinic_a", "provider", changed)["results"][0]

    assert result["outcome"] == "updated"
    assert result["record_version"] == 2
    history = client.get(f"/api/v1/golden/provider/{first['golden_id']}/history").json()
    assert history[-1]["changed_attributes"] == ["phone"]
    assert history[-1]["attributes"]["phone"] == "+15125550199"


def test_batch_lands_good_rows_and_refuses_bad_rows_by_field(client: TestClient) -> None:
    make_system(client, "clinic_a")
    rows: list[Any] = [
        PROVIDER,
        {"source_key": "P2", "attributes": {"last_name": "Jones", "birth_date": "1975-02-30"}},
        {"source_key": "P3", "attributes": {"last_name": "Lee", "favourite_color": "blue"}},
        {"source_key": "P4", "attributes": {"first_name": "No", "npi": NPI_A[:-1] + "0"}},
        {"attributes": {"last_name": "Keyless"}},
        "not an object",
        {
            "source_key": "P5",
            "attributes": {"last_name": "Ng", "licenses": [{"state": "XX", "number": "1"}]},
        },
    ]

    body = send(client, "clinic_a", "provider", *rows)

    assert body["counts"] == {
        "received": 7,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 6,
    }
    errors = {r["index"]: [(e["field"], e["code"]) for e in r["errors"]] for r in body["results"]}
    assert errors[1] == [("attributes.birth_date", "invalid_date")]
    assert errors[2] == [("attributes.favourite_color", "unknown_attribute")]
    assert errors[3] == [("attributes.last_name", "required")]
    assert errors[4] == [("source_key", "required")]
    assert errors[5] == [("", "type")]
    assert errors[6] == [("attributes.licenses.state", "invalid_state")]
    assert all(r["reject_id"] for r in body["results"][1:])


def test_refused_rows_are_kept_whole_in_the_rejects_queue(client: TestClient) -> None:
    make_system(client, "clinic_a")
    bad = {"source_key": "P2", "attributes": {"last_name": "Jones", "birth_date": "1975-02-30"}}
    body = send(client, "clinic_a", "provider", bad)

    queue = client.get("/api/v1/rejects", params={"source": "clinic_a"}).json()["rejects"]

    assert [r["id"] for r in queue] == [body["results"][0]["reject_id"]]
    assert queue[0]["payload"] == bad
    assert queue[0]["batch_id"] == body["batch_id"]
    assert queue[0]["errors"][0]["field"] == "attributes.birth_date"
    assert "1975-02-30" in queue[0]["errors"][0]["reason"]


def test_the_same_bad_row_again_is_counted_not_queued_twice(client: TestClient) -> None:
    make_system(client, "clinic_a")
    bad: dict[str, Any] = {
        "source_key": "P2",
        "attributes": {"last_name": "Jones", "birth_date": "1975-02-30"},
    }
    first = send(client, "clinic_a", "provider", bad)["results"][0]
    second = send(client, "clinic_a", "provider", bad)["results"][0]
    fixed_but_still_bad = {**bad, "attributes": {**bad["attributes"], "birth_date": "1975-13-01"}}
    third = send(client, "clinic_a", "provider", fixed_but_still_bad)["results"][0]

    queue = client.get("/api/v1/rejects", params={"source": "clinic_a"}).json()["rejects"]

    # Re-sending is refused again, with its reasons, but the steward sees one item per payload.
    assert second["outcome"] == "rejected"
    assert second["reject_id"] == first["reject_id"]
    assert third["reject_id"] != first["reject_id"]
    assert [(r["id"], r["times_received"]) for r in queue] == [
        (first["reject_id"], 2),
        (third["reject_id"], 1),
    ]


def test_invalid_identifier_is_kept_and_flagged_but_not_trusted(client: TestClient) -> None:
    make_system(client, "clinic_a")
    bad_npi = NPI_A[:-1] + "0"
    rows = [
        {"source_key": k, "attributes": {"last_name": "Smith", "npi": bad_npi}} for k in ("A", "B")
    ]

    body = send(client, "clinic_a", "provider", *rows)

    first, second = body["results"]
    assert first["outcome"] == second["outcome"] == "created"
    assert [i["code"] for i in first["issues"]] == ["invalid_npi"]
    assert golden(client, "provider", first["golden_id"])["attributes"]["npi"] == bad_npi
    # A failing check digit is no evidence: the two records stay apart.
    assert first["golden_id"] != second["golden_id"]


def test_single_record_put_and_get(client: TestClient) -> None:
    make_system(client, "clinic_a")
    body = {"attributes": PROVIDER["attributes"]}

    created = client.put("/api/v1/sources/clinic_a/domains/provider/records/P%2F1", json=body)
    again = client.put("/api/v1/sources/clinic_a/domains/provider/records/P%2F1", json=body)
    read = client.get("/api/v1/sources/clinic_a/domains/provider/records/P%2F1")

    assert created.status_code == 201
    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"
    assert read.json()["source_key"] == "P/1"
    assert read.json()["raw"]["attributes"]["name"] == "SMITH, JOHN A MD"
    assert read.json()["golden_id"] == created.json()["golden_id"]


def test_single_record_refusal_is_422_and_kept(client: TestClient) -> None:
    make_system(client, "clinic_a")

    response = client.put(
        "/api/v1/sources/clinic_a/domains/payer/records/X1",
        json={"attributes": {"name": "Aetna", "payer_type": "insurance"}},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "attributes.payer_type"
    assert client.get(f"/api/v1/rejects/{response.json()['reject_id']}").status_code == 200


def test_delete_makes_the_golden_record_inactive_and_resend_revives_it(client: TestClient) -> None:
    make_system(client, "clinic_a")
    golden_id = send(client, "clinic_a", "provider", PROVIDER)["results"][0]["golden_id"]

    deleted = client.delete("/api/v1/sources/clinic_a/domains/provider/records/P1")
    assert deleted.json()["outcome"] == "deleted"
    assert golden(client, "provider", golden_id)["status"] == "inactive"

    revived = send(client, "clinic_a", "provider", PROVIDER)["results"][0]
    assert revived["outcome"] == "updated"
    assert golden(client, "provider", golden_id)["status"] == "active"


def test_deactivated_record_leaves_survivorship(client: TestClient) -> None:
    make_system(client, "clinic_a")
    make_system(client, "billing")
    send(client, "clinic_a", "provider", PROVIDER)
    other = {
        "source_key": "B1",
        "attributes": {"last_name": "Smith", "npi": NPI_A, "email": "js@example.org"},
    }
    golden_id = send(client, "billing", "provider", other)["results"][0]["golden_id"]

    send(client, "billing", "provider", {**other, "status": "inactive"})

    record = golden(client, "provider", golden_id)
    assert "email" not in record["attributes"]
    assert record["status"] == "active"


def test_malformed_json_is_400(client: TestClient) -> None:
    make_system(client, "clinic_a")

    response = client.post(
        "/api/v1/sources/clinic_a/domains/provider/records",
        content=b'{"records": [',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_unknown_domain_is_404_naming_the_known_ones(client: TestClient) -> None:
    make_system(client, "clinic_a")

    response = client.post("/api/v1/sources/clinic_a/domains/widget/records", json={"records": []})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_domain"
    assert "provider" in response.json()["error"]["message"]


def test_unregistered_source_is_404(client: TestClient) -> None:
    response = client.post("/api/v1/sources/ghost/domains/provider/records", json={"records": []})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_source_system"


def test_source_may_only_send_its_registered_domains(client: TestClient) -> None:
    make_system(client, "billing", sends=["payer"])

    response = client.post("/api/v1/sources/billing/domains/item/records", json={"records": []})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "domain_not_allowed"


def test_oversized_batch_is_413(client: TestClient) -> None:
    make_system(client, "clinic_a")
    rows = [{"source_key": str(i), "attributes": {"last_name": "X"}} for i in range(51)]

    response = client.post(
        "/api/v1/sources/clinic_a/domains/provider/records", json={"records": rows}
    )

    assert response.status_code == 413
    assert "at most 50" in response.json()["error"]["message"]


def test_oversized_body_is_413(client: TestClient) -> None:
    make_system(client, "clinic_a")
    big = {"records": [{"source_key": "1", "attributes": {"last_name": "x" * 300_000}}]}

    response = client.post("/api/v1/sources/clinic_a/domains/provider/records", json=big)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_records_must_be_a_list(client: TestClient) -> None:
    make_system(client, "clinic_a")

    response = client.post(
        "/api/v1/sources/clinic_a/domains/provider/records", json={"records": {"source_key": "1"}}
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "records"


def test_key_in_body_must_agree_with_url(client: TestClient) -> None:
    make_system(client, "clinic_a")

    response = client.put(
        "/api/v1/sources/clinic_a/domains/provider/records/P1",
        json={"source_key": "P2", "attributes": {"last_name": "X"}},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "key_mismatch"


def test_sensitive_values_are_masked_everywhere(client: TestClient) -> None:
    make_system(client, "hr")
    row = {"source_key": "E1", "attributes": {"last_name": "Doe", "ssn": "123-45-6789"}}
    golden_id = send(client, "hr", "employee", row)["results"][0]["golden_id"]

    record = client.get("/api/v1/sources/hr/domains/employee/records/E1").json()
    audit = client.get("/api/v1/audit", params={"entity_type": "source_record"}).text

    assert golden(client, "employee", golden_id)["attributes"]["ssn"] == "***-**-6789"
    assert record["attributes"]["ssn"] == "***-**-6789"
    assert record["raw"]["attributes"]["ssn"] == "***-**-6789"
    assert "123-45-6789" not in audit
    assert "123456789" not in audit


def test_keys_that_differ_only_by_spaces_are_one_record_in_a_batch(client: TestClient) -> None:
    make_system(client, "clinic_a")

    body = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "P1", "attributes": {"last_name": "Smith", "npi": NPI_A}},
        {"source_key": " P1", "attributes": {"last_name": "Smith", "npi": NPI_B}},
    )

    # Taken in order, as a source sending one record twice means it: the second one wins.
    assert [r["outcome"] for r in body["results"]] == ["created", "updated"]
    assert body["results"][1]["record_version"] == 2
    record = client.get("/api/v1/sources/clinic_a/domains/provider/records/P1").json()
    assert record["attributes"]["npi"] == NPI_B


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def test_a_row_nested_too_deep_is_refused_and_kept_whole(client: TestClient) -> None:
    make_system(client, "clinic_a")
    deep = {"source_key": "P9", "attributes": {"last_name": "Deep", "notes": _nested(700)}}

    body = send(client, "clinic_a", "provider", PROVIDER, deep)

    assert body["counts"]["created"] == 1  # the good row lands all the same
    refused = body["results"][1]
    assert refused["outcome"] == "rejected"
    assert refused["errors"] == [
        {"field": "", "code": "too_deep", "reason": "is nested more than 32 levels deep"}
    ]
    kept = client.get(f"/api/v1/rejects/{refused['reject_id']}").json()
    assert json.loads(kept["payload"]) == deep  # its JSON text: nothing it sent is lost


def test_a_single_record_nested_too_deep_is_refused(client: TestClient) -> None:
    make_system(client, "clinic_a")

    response = client.put(
        "/api/v1/sources/clinic_a/domains/provider/records/P9",
        json={"attributes": {"last_name": "Deep", "notes": _nested(700)}},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_deep"
