"""The rejects queue over REST, as a data steward works it: re-submit corrected, or dismiss."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import NPI_A, golden, make_system, send

STEWARD = {"X-MDM-Actor": "steward.ann"}
BAD: dict[str, Any] = {
    "source_key": "P2",
    "attributes": {"name": "JONES, MARY", "npi": NPI_A, "birth_date": "1975-02-30"},
}
FIXED: dict[str, Any] = {**BAD, "attributes": {**BAD["attributes"], "birth_date": "1975-02-28"}}


def _refuse(client: TestClient, row: Any = BAD, *, source: str = "clinic_a") -> int:
    result = send(client, source, "provider", row)["results"][0]
    assert result["outcome"] == "rejected", result
    reject_id: int = result["reject_id"]
    return reject_id


def _resubmit(client: TestClient, reject_id: int, payload: Any, note: str = "typo") -> Any:
    return client.post(
        f"/api/v1/rejects/{reject_id}/resubmit",
        json={"payload": payload, "note": note},
        headers=STEWARD,
    )


def _open_rejects(client: TestClient) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = client.get("/api/v1/rejects").json()["rejects"]
    return body


def test_corrected_row_lands_as_a_golden_record_and_resolves_the_reject(
    client: TestClient,
) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)

    response = _resubmit(client, reject_id, FIXED, note="birth date typo, confirmed by phone")

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["outcome"] == "created"
    assert result["match"]["decision"] == "founded"
    record = golden(client, "provider", result["golden_id"])
    assert record["attributes"]["birth_date"] == "1975-02-28"
    assert record["attributes"]["last_name"] == "Jones"
    reject = client.get(f"/api/v1/rejects/{reject_id}").json()
    assert reject["status"] == "resubmitted"
    assert reject["resolved_by"] == "steward.ann"
    assert reject["resolved_at"] is not None
    assert reject["resolution_note"] == "birth date typo, confirmed by phone"
    assert reject["corrected_payload"] == FIXED
    assert reject["payload"] == BAD
    source_record = client.get("/api/v1/sources/clinic_a/domains/provider/records/P2").json()
    assert source_record["golden_id"] == result["golden_id"]
    assert reject["resolved_record_id"] is not None
    assert _open_rejects(client) == []


def test_resubmission_is_audited_as_the_steward(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)

    _resubmit(client, reject_id, FIXED)

    entries = client.get(
        "/api/v1/audit", params={"entity_type": "reject", "entity_id": str(reject_id)}
    ).json()["entries"]
    resubmitted = [e for e in entries if e["action"] == "reject.resubmitted"]
    assert [e["actor"] for e in resubmitted] == ["steward.ann"]
    assert resubmitted[0]["detail"]["source_record"] == "clinic_a/provider/P2"
    created = client.get(
        "/api/v1/audit",
        params={"entity_id": "clinic_a/provider/P2", "action": "source_record.created"},
    ).json()["entries"]
    assert [e["actor"] for e in created] == ["steward.ann"]


def test_a_row_resubmitted_without_its_key_keeps_the_refused_rows_key(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)

    response = _resubmit(client, reject_id, {"attributes": FIXED["attributes"]})

    assert response.status_code == 200, response.text
    assert response.json()["result"]["source_key"] == "P2"
    assert client.get("/api/v1/sources/clinic_a/domains/provider/records/P2").status_code == 200


def test_a_refused_key_can_be_corrected(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client, {"attributes": {"last_name": "Keyless"}})

    response = _resubmit(client, reject_id, {"source_key": "K1", "attributes": {"last_name": "Ng"}})

    assert response.status_code == 200, response.text
    assert response.json()["result"]["source_key"] == "K1"


def test_a_sound_key_cannot_be_changed_on_resubmission(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)

    response = _resubmit(client, reject_id, {**FIXED, "source_key": "P9"})

    assert response.status_code == 422
    fields = [(f["field"], f["code"]) for f in response.json()["error"]["fields"]]
    assert fields == [("source_key", "key_mismatch")]
    assert client.get("/api/v1/sources/clinic_a/domains/provider/records/P9").status_code == 404
    assert [r["id"] for r in _open_rejects(client)] == [reject_id]


def test_still_invalid_resubmission_is_422_naming_the_field_and_queues_nothing(
    client: TestClient,
) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)
    still_bad = {**BAD, "attributes": {**BAD["attributes"], "birth_date": "1975-13-01"}}

    response = _resubmit(client, reject_id, still_bad)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert [(f["field"], f["code"]) for f in error["fields"]] == [
        ("attributes.birth_date", "invalid_date")
    ]
    # The reject stays open, and the steward's attempt is not a second reject.
    assert [(r["id"], r["status"]) for r in _open_rejects(client)] == [(reject_id, "open")]
    assert client.get("/api/v1/sources/clinic_a/domains/provider/records/P2").status_code == 404


def test_resubmitting_the_row_unchanged_does_not_count_it_again(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)

    response = _resubmit(client, reject_id, BAD)

    assert response.status_code == 422
    reject = client.get(f"/api/v1/rejects/{reject_id}").json()
    assert (reject["status"], reject["times_received"]) == ("open", 1)


def test_resubmission_is_refused_when_the_source_has_sent_the_record_since(
    client: TestClient,
) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)
    newer = {**FIXED, "attributes": {**FIXED["attributes"], "birth_date": "1975-03-01"}}
    send(client, "clinic_a", "provider", newer)

    response = _resubmit(client, reject_id, FIXED)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "record_changed_since_reject"
    record = client.get("/api/v1/sources/clinic_a/domains/provider/records/P2").json()
    assert record["attributes"]["birth_date"] == "1975-03-01"
    assert [r["id"] for r in _open_rejects(client)] == [reject_id]


def test_dismissal_closes_the_reject_with_the_stewards_note(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)

    response = client.post(
        f"/api/v1/rejects/{reject_id}/dismiss",
        json={"note": "test row from the clinic's sandbox"},
        headers=STEWARD,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["resolved_by"]) == ("dismissed", "steward.ann")
    assert body["resolution_note"] == "test row from the clinic's sandbox"
    assert body["resolved_record_id"] is None
    assert _open_rejects(client) == []
    dismissed = client.get("/api/v1/rejects", params={"status": "dismissed"}).json()["rejects"]
    assert [r["id"] for r in dismissed] == [reject_id]
    actions = [
        e["action"]
        for e in client.get(
            "/api/v1/audit", params={"entity_type": "reject", "entity_id": str(reject_id)}
        ).json()["entries"]
    ]
    assert actions == ["reject.created", "reject.dismissed"]


def test_dismissal_needs_a_note(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)

    blank = client.post(f"/api/v1/rejects/{reject_id}/dismiss", json={"note": "  "})
    missing = client.post(f"/api/v1/rejects/{reject_id}/dismiss", json={})

    assert blank.status_code == missing.status_code == 422
    assert [f["field"] for f in blank.json()["error"]["fields"]] == ["note"]
    assert [f["field"] for f in missing.json()["error"]["fields"]] == ["note"]
    assert [r["id"] for r in _open_rejects(client)] == [reject_id]


def test_a_dismissed_reject_cannot_be_resolved_again(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)
    client.post(f"/api/v1/rejects/{reject_id}/dismiss", json={"note": "duplicate"})

    again = client.post(f"/api/v1/rejects/{reject_id}/dismiss", json={"note": "again"})
    resubmitted = _resubmit(client, reject_id, FIXED)

    assert again.status_code == resubmitted.status_code == 409
    assert resubmitted.json()["error"]["code"] == "reject_not_open"
    assert client.get("/api/v1/sources/clinic_a/domains/provider/records/P2").status_code == 404


def test_a_resubmitted_reject_cannot_be_resubmitted_again(client: TestClient) -> None:
    make_system(client, "clinic_a")
    reject_id = _refuse(client)
    _resubmit(client, reject_id, FIXED)

    response = _resubmit(client, reject_id, FIXED)

    assert response.status_code == 409
    assert client.get(f"/api/v1/rejects/{reject_id}").json()["status"] == "resubmitted"


def test_unknown_reject_is_404(client: TestClient) -> None:
    response = _resubmit(client, 999_999, FIXED)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_reject"


def test_queue_filters_by_refusal_code_and_key(client: TestClient) -> None:
    make_system(client, "clinic_a")
    bad_date = _refuse(client)
    unknown = _refuse(client, {"source_key": "P3", "attributes": {"last_name": "Lee", "x": 1}})

    by_code = client.get("/api/v1/rejects", params={"code": "unknown_attribute"}).json()
    by_key = client.get("/api/v1/rejects", params={"source_key": "P2"}).json()

    assert [r["id"] for r in by_code["rejects"]] == [unknown]
    assert [r["id"] for r in by_key["rejects"]] == [bad_date]


def test_sensitive_values_are_masked_and_a_masked_value_sent_back_keeps_the_original(
    client: TestClient,
) -> None:
    make_system(client, "hr")
    row = {
        "source_key": "E1",
        "attributes": {"last_name": "Doe", "ssn": "123-45-6789", "hire_date": "2020-02-30"},
    }
    reject_id = send(client, "hr", "employee", row)["results"][0]["reject_id"]

    shown = client.get(f"/api/v1/rejects/{reject_id}")
    payload = shown.json()["payload"]
    payload["attributes"]["hire_date"] = "2020-02-28"
    response = _resubmit(client, reject_id, payload)

    assert "123-45-6789" not in shown.text
    assert payload["attributes"]["ssn"] == "***-**-6789"
    assert response.status_code == 200, response.text
    # The masked SSN sent back stood for the one the source sent: it is kept, and valid.
    assert response.json()["result"]["issues"] == []
    assert "123-45-6789" not in response.text
    record = client.get("/api/v1/sources/hr/domains/employee/records/E1").json()
    assert record["attributes"]["ssn"] == "***-**-6789"
