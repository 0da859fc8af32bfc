"""The data-quality queue over REST: records that landed with issues, and stewards' corrections."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import NPI_A, NPI_B, golden, golden_of, make_system, send

STEWARD = {"X-MDM-Actor": "steward.ann"}
BAD_NPI = NPI_A[:-1] + "0"
FLAGGED: dict[str, Any] = {
    "source_key": "P4",
    "attributes": {"name": "SMITH, JOHN A MD", "npi": BAD_NPI, "phone": "(512) 555-0142"},
    "references": {"practice_locations": ["L-10"]},
}
CORRECTED_ATTRIBUTES = {**FLAGGED["attributes"], "npi": NPI_A}
RECORD = "/api/v1/quality/records/clinic_a/provider/P4"


def _queue(client: TestClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/quality/records", params=params)
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()["records"]
    return records


def _correct(
    client: TestClient, payload: Any, reason: str = "NPI from NPPES", url: str = RECORD
) -> Any:
    return client.post(
        f"{url}/correct", json={"payload": payload, "reason": reason}, headers=STEWARD
    )


def _source_record(client: TestClient, key: str = "P4") -> dict[str, Any]:
    response = client.get(f"/api/v1/sources/clinic_a/domains/provider/records/{key}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_record_whose_npi_fails_its_check_digit_is_queued_with_its_issue(
    client: TestClient,
) -> None:
    make_system(client, "clinic_a")
    body = send(
        client,
        "clinic_a",
        "provider",
        FLAGGED,
        {"source_key": "P5", "attributes": {"last_name": "Lee", "npi": NPI_B}},
    )

    queue = _queue(client)

    assert [(r["source"], r["domain"], r["source_key"]) for r in queue] == [
        ("clinic_a", "provider", "P4")
    ]
    assert [(i["field"], i["code"]) for i in queue[0]["issues"]] == [
        ("attributes.npi", "invalid_npi")
    ]
    assert queue[0]["golden_id"] == body["results"][0]["golden_id"]
    assert queue[0]["attributes"]["npi"] == BAD_NPI


def test_queue_filters_by_domain_source_and_issue_code(client: TestClient) -> None:
    make_system(client, "clinic_a")
    make_system(client, "hr")
    send(client, "clinic_a", "provider", FLAGGED)
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "P6", "attributes": {"last_name": "Ng", "phone": "555-0100"}},
    )
    send(
        client,
        "hr",
        "employee",
        {"source_key": "E1", "attributes": {"last_name": "Doe", "home_phone": "555-0100"}},
    )

    def keys(**params: str) -> list[str]:
        return [r["source_key"] for r in _queue(client, **params)]

    assert keys() == ["P4", "P6", "E1"]
    assert keys(code="invalid_phone") == ["P6", "E1"]
    assert keys(domain="employee") == ["E1"]
    assert keys(source="clinic_a", code="invalid_phone") == ["P6"]


def test_queue_pages_with_a_cursor(client: TestClient) -> None:
    make_system(client, "clinic_a")
    rows = [
        {"source_key": f"P{i}", "attributes": {"last_name": "Ng", "npi": BAD_NPI}} for i in range(3)
    ]
    send(client, "clinic_a", "provider", *rows)

    first = client.get("/api/v1/quality/records", params={"limit": 2}).json()
    rest = client.get(
        "/api/v1/quality/records", params={"limit": 2, "after_id": first["next_after_id"]}
    ).json()

    assert [r["source_key"] for r in first["records"]] == ["P0", "P1"]
    assert [r["source_key"] for r in rest["records"]] == ["P2"]
    assert rest["next_after_id"] is None


def test_unknown_domain_or_source_filter_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/quality/records", params={"domain": "nope"}).status_code == 404
    assert client.get("/api/v1/quality/records", params={"source": "nope"}).status_code == 404


def test_deleted_records_leave_the_queue(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)

    client.delete("/api/v1/sources/clinic_a/domains/provider/records/P4")

    assert _queue(client) == []


def test_a_correction_goes_through_ingestion_and_clears_the_issue(client: TestClient) -> None:
    make_system(client, "clinic_a")
    golden_id = send(client, "clinic_a", "provider", FLAGGED)["results"][0]["golden_id"]

    response = _correct(client, {"attributes": CORRECTED_ATTRIBUTES})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"]["outcome"] == "updated"
    assert body["result"]["record_version"] == 2
    assert body["result"]["golden_id"] == golden_id
    assert body["result"]["match"]["decision"] == "stayed"
    assert body["remaining_issues"] == []
    assert _queue(client) == []
    record = _source_record(client)
    assert record["attributes"]["npi"] == NPI_A
    assert record["quality_issues"] == []
    # References left out of the correction keep what the source sent.
    assert [r["target_key"] for r in record["references"]] == ["L-10"]
    assert golden(client, "provider", golden_id)["attributes"]["npi"] == NPI_A


def test_a_corrected_identifier_is_matched_like_one_a_source_sent(client: TestClient) -> None:
    make_system(client, "clinic_a")
    make_system(client, "billing")
    flagged_golden = send(client, "clinic_a", "provider", FLAGGED)["results"][0]["golden_id"]
    other = {"source_key": "B1", "attributes": {"name": "SMITH, JOHN A", "npi": NPI_A}}
    billing_golden = send(client, "billing", "provider", other)["results"][0]["golden_id"]

    response = _correct(client, {"attributes": CORRECTED_ATTRIBUTES})

    # A failing NPI was no evidence, so the two stayed apart; the corrected one is.
    assert flagged_golden != billing_golden
    result = response.json()["result"]
    assert "npi identical" in result["match"]["summary"]
    assert golden_of(client, "billing", "provider", "B1") == result["golden_id"]
    members = golden(client, "provider", result["golden_id"])["members"]
    assert sorted(m["source_key"] for m in members) == ["B1", "P4"]


def test_a_correction_is_listed_with_before_and_after_and_audited(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)
    _correct(client, {"source_key": "P4", "attributes": CORRECTED_ATTRIBUTES})

    corrections = client.get(f"{RECORD}/corrections").json()

    assert len(corrections) == 1
    correction = corrections[0]
    assert correction["before"]["attributes"] == FLAGGED["attributes"]
    assert correction["after"]["attributes"] == CORRECTED_ATTRIBUTES
    assert (correction["actor"], correction["reason"]) == ("steward.ann", "NPI from NPPES")
    assert correction["in_effect"] is True
    audit = client.get(
        "/api/v1/audit",
        params={"entity_id": "clinic_a/provider/P4", "action": "source_record.corrected"},
    ).json()["entries"]
    assert [(e["actor"], e["detail"]["correction_id"]) for e in audit] == [
        ("steward.ann", correction["id"])
    ]


def test_the_source_sending_the_record_again_overwrites_the_correction(
    client: TestClient,
) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)
    _correct(client, {"attributes": CORRECTED_ATTRIBUTES})

    again = send(client, "clinic_a", "provider", FLAGGED)["results"][0]

    assert again["outcome"] == "updated"
    assert _source_record(client)["attributes"]["npi"] == BAD_NPI
    assert [r["source_key"] for r in _queue(client)] == ["P4"]
    assert [c["in_effect"] for c in client.get(f"{RECORD}/corrections").json()] == [False]


def test_an_invalid_correction_is_422_and_changes_nothing(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)
    invalid = {**CORRECTED_ATTRIBUTES, "birth_date": "1975-02-30"}

    response = _correct(client, {"attributes": invalid})

    assert response.status_code == 422
    fields = [(f["field"], f["code"]) for f in response.json()["error"]["fields"]]
    assert fields == [("attributes.birth_date", "invalid_date")]
    record = _source_record(client)
    assert (record["version"], record["attributes"]["npi"]) == (1, BAD_NPI)
    assert client.get(f"{RECORD}/corrections").json() == []
    # The steward's attempt is not a row a source sent: nothing is queued as a reject.
    assert client.get("/api/v1/rejects").json()["rejects"] == []
    assert [r["source_key"] for r in _queue(client)] == ["P4"]


def test_a_correction_that_changes_nothing_is_422(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)

    response = _correct(client, {"attributes": FLAGGED["attributes"]})

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["code"] == "unchanged"
    assert client.get(f"{RECORD}/corrections").json() == []


def test_a_correction_under_another_key_is_422(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)

    response = _correct(client, {"source_key": "P9", "attributes": CORRECTED_ATTRIBUTES})

    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["source_key"]
    assert _source_record(client)["version"] == 1


def test_a_correction_needs_a_reason(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)

    response = _correct(client, {"attributes": CORRECTED_ATTRIBUTES}, reason=" ")

    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["reason"]
    assert _source_record(client)["version"] == 1


def test_correcting_an_unknown_or_deleted_record_is_refused(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", FLAGGED)
    client.delete("/api/v1/sources/clinic_a/domains/provider/records/P4")

    deleted = _correct(client, {"attributes": CORRECTED_ATTRIBUTES})
    unknown = _correct(
        client,
        {"attributes": CORRECTED_ATTRIBUTES},
        url="/api/v1/quality/records/clinic_a/provider/NOPE",
    )

    assert deleted.status_code == 409
    assert unknown.status_code == 404
    assert client.get(f"{RECORD}/corrections").json() == []


def test_a_correction_leaving_status_out_keeps_an_inactive_record_inactive(
    client: TestClient,
) -> None:
    make_system(client, "clinic_a")
    send(client, "clinic_a", "provider", {**FLAGGED, "status": "inactive"})

    response = _correct(client, {"attributes": CORRECTED_ATTRIBUTES})

    assert response.status_code == 200, response.text
    assert _source_record(client)["status"] == "inactive"


def test_sensitive_values_are_masked_in_the_queue_and_the_corrections(client: TestClient) -> None:
    make_system(client, "hr")
    row = {
        "source_key": "E1",
        "attributes": {"last_name": "Doe", "ssn": "123-45-6789", "home_phone": "555-0100"},
    }
    send(client, "hr", "employee", row)
    url = "/api/v1/quality/records/hr/employee/E1"

    queue = client.get("/api/v1/quality/records")
    shown = queue.json()["records"][0]["attributes"]
    # The steward edits what the queue showed, masked SSN included.
    corrected = _correct(
        client, {"attributes": {**shown, "home_phone": "(512) 555-0100"}}, reason="x", url=url
    )
    corrections = client.get(f"{url}/corrections")

    assert shown["ssn"] == "***-**-6789"
    assert corrected.status_code == 200, corrected.text
    # The masked SSN stood for the one the source sent: it is kept, and still valid.
    assert corrected.json()["remaining_issues"] == []
    assert corrections.json()[0]["before"]["attributes"]["ssn"] == "***-**-6789"
    assert corrections.json()[0]["after"]["attributes"]["ssn"] == "***-**-6789"
    audit = client.get("/api/v1/audit", params={"action": "source_record.corrected"})
    for text in (queue.text, corrected.text, corrections.text, audit.text):
        assert "123-45-6789" not in text
        assert "123456789" not in text


def test_summary_counts_open_rejects_and_records_with_issues(client: TestClient) -> None:
    make_system(client, "clinic_a")
    make_system(client, "hr")
    rejected = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "R1", "attributes": {"last_name": "A", "birth_date": "1975-02-30"}},
        {"source_key": "R2", "attributes": {"last_name": "B", "x": 1, "birth_date": "2-30"}},
        {"source_key": "R3", "attributes": {"first_name": "No last name"}},
    )
    client.post(
        f"/api/v1/rejects/{rejected['results'][2]['reject_id']}/dismiss", json={"note": "test"}
    )
    send(client, "clinic_a", "provider", FLAGGED, {**FLAGGED, "source_key": "P5"})
    send(
        client,
        "hr",
        "employee",
        {"source_key": "E1", "attributes": {"last_name": "Doe", "home_phone": "555-0100"}},
        {"source_key": "E2", "attributes": {"last_name": "Roe", "home_phone": "555-0101"}},
    )
    client.delete("/api/v1/sources/clinic_a/domains/provider/records/P5")

    summary = client.get("/api/v1/quality/summary").json()

    assert summary["open_rejects"] == {
        "total": 2,
        "by_domain": {"provider": 2},
        "by_code": {"invalid_date": 2, "unknown_attribute": 1},
    }
    assert summary["records_with_issues"] == {
        "total": 3,
        "by_domain": {"provider": 1, "employee": 2},
        "by_code": {"invalid_npi": 1, "invalid_phone": 2},
    }
