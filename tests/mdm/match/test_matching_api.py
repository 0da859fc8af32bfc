"""Matching as stewards and source systems see it over REST: decisions, explanations,
candidates, remembered rejections, re-matching on change."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mdm.match import service
from mdm.match.repository import record_by_key
from mdm.models import LinkKind
from tests.helpers import NPI_A, golden, golden_of, make_system, send

WILLIAM = {
    "name": "HARTLEY, WILLIAM J MD",
    "birth_date": "1968-04-12",
    "email": "whartley@lakeside.example",
}


def _decisions(client: TestClient, source: str, domain: str, key: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/match/decisions/{source}/{domain}/{key}")
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


def test_a_nickname_without_npi_joins_and_the_decision_explains_why(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "clinic_a")
    first = send(
        client, "erp", "provider", {"source_key": "P1", "attributes": {**WILLIAM, "npi": NPI_A}}
    )
    second = send(
        client,
        "clinic_a",
        "provider",
        {
            "source_key": "77",
            "attributes": {"name": "Bill Hartley, M.D.", "birth_date": "04/12/1968"},
        },
    )

    joined = second["results"][0]
    assert joined["golden_id"] == first["results"][0]["golden_id"]
    assert joined["match"]["decision"] == "joined"
    assert joined["match"]["rule_set_version"] == "provider-default-1"
    decision = _decisions(client, "clinic_a", "provider", "77")[-1]
    merged_by = decision["explanation"]["merged_by"]
    by_comparison = {c["comparison"]: c for c in merged_by["comparisons"]}
    assert by_comparison["first_name"]["level"] == "exact or nickname"
    assert by_comparison["birth_date"]["level"] == "exact"
    assert by_comparison["birth_date"]["weight"] > 10
    assert by_comparison["npi"]["level"] == "missing"
    assert decision["weight"] == pytest.approx(merged_by["weight"], abs=0.001)
    assert decision["weight"] >= 12
    assert "first_name exact or nickname +5.9" in merged_by["summary"]


def test_a_namesake_with_another_birth_date_founds_its_own_golden_record(
    client: TestClient,
) -> None:
    make_system(client, "erp")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": WILLIAM})
    other = send(
        client,
        "erp",
        "provider",
        {"source_key": "P2", "attributes": {**WILLIAM, "birth_date": "1990-10-30", "email": None}},
    )

    assert other["results"][0]["match"]["decision"] == "founded"
    assert golden_of(client, "erp", "provider", "P1") != golden_of(client, "erp", "provider", "P2")
    assert client.get("/api/v1/match/candidates").json()["candidates"] == []


def _review_pair(client: TestClient) -> dict[str, Any]:
    make_system(client, "clinic_a")
    make_system(client, "clinic_b")
    practice = {"name": "Okafor, Grace", "phone": "(512) 555-0142"}
    send(client, "clinic_a", "provider", {"source_key": "A1", "attributes": practice})
    send(client, "clinic_b", "provider", {"source_key": "B1", "attributes": practice})
    page = client.get("/api/v1/match/candidates", params={"domain": "provider"}).json()
    (candidate,) = page["candidates"]
    assert isinstance(candidate, dict)
    return candidate


def test_the_uncertain_middle_goes_to_stewards_with_its_explanation(client: TestClient) -> None:
    candidate = _review_pair(client)

    assert candidate["kind"] == "record_golden"
    assert candidate["reason"] == "review_band"
    assert candidate["status"] == "open"
    assert 4 <= candidate["weight"] < 12
    assert candidate["threshold_gap"] == 12 - candidate["weight"]
    assert "phone exact" in candidate["explanation"]["summary"]
    assert golden_of(client, "clinic_a", "provider", "A1") != golden_of(
        client, "clinic_b", "provider", "B1"
    )
    assert client.get(f"/api/v1/match/candidates/{candidate['id']}").json() == candidate


def test_a_pair_a_steward_rejected_is_never_proposed_again(
    client: TestClient, session: Session
) -> None:
    candidate = _review_pair(client)
    a = record_by_key(session, source_code="clinic_a", domain="provider", source_key="A1")
    b = record_by_key(session, source_code="clinic_b", domain="provider", source_key="B1")
    assert a is not None
    assert b is not None
    service.remember_link(
        session, record_a=a, record_b=b, kind=LinkKind.CANNOT_LINK, actor="steward", reason="x"
    )

    # B1 changes (a new email), so it is matched again: nothing is proposed this time.
    send(
        client,
        "clinic_b",
        "provider",
        {
            "source_key": "B1",
            "attributes": {
                "name": "Okafor, Grace",
                "phone": "(512) 555-0142",
                "email": "g.okafor@example.org",
            },
        },
    )

    assert client.get("/api/v1/match/candidates").json()["candidates"] == []
    old = client.get(f"/api/v1/match/candidates/{candidate['id']}").json()
    assert old["status"] == "superseded"


def test_a_changed_record_is_matched_again_and_moves(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "clinic_a")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": {**WILLIAM, "npi": NPI_A}})
    send(client, "clinic_a", "provider", {"source_key": "9", "attributes": {"name": "Hartley, Wm"}})
    alone = golden_of(client, "clinic_a", "provider", "9")
    assert alone != golden_of(client, "erp", "provider", "P1")

    moved = send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "9", "attributes": {"name": "Hartley, Wm", "npi": NPI_A}},
    )["results"][0]

    assert moved["match"]["decision"] == "moved"
    assert moved["golden_id"] == golden_of(client, "erp", "provider", "P1")
    # The golden record it left had no one else: its ID now resolves to where the record went.
    assert golden(client, "provider", alone)["id"] == moved["golden_id"]


def test_deleting_the_record_that_tied_two_others_splits_them(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "clinic_a")
    make_system(client, "clinic_b")
    phone = "(512) 555-0142"
    send(client, "erp", "provider", {"source_key": "P1", "attributes": {**WILLIAM, "phone": phone}})
    # A shares P1's email, B its birth date; A and B alone share only name and phone.
    a = {"name": "Hartley, William", "phone": phone, "email": WILLIAM["email"]}
    b = {"name": "Hartley, William", "phone": phone, "birth_date": WILLIAM["birth_date"]}
    send(client, "clinic_a", "provider", {"source_key": "A", "attributes": a})
    send(client, "clinic_b", "provider", {"source_key": "B", "attributes": b})
    together = golden_of(client, "erp", "provider", "P1")
    assert golden_of(client, "clinic_a", "provider", "A") == together
    assert golden_of(client, "clinic_b", "provider", "B") == together

    client.delete("/api/v1/sources/erp/domains/provider/records/P1")

    apart = {
        golden_of(client, "clinic_a", "provider", "A"),
        golden_of(client, "clinic_b", "provider", "B"),
    }
    assert len(apart) == 2
    # The deleted record keeps answering for its key in the crosswalk.
    assert golden_of(client, "erp", "provider", "P1") in apart
    # The record that had to leave says why.
    last = [
        _decisions(client, s, "provider", k)[-1] for s, k in (("clinic_a", "A"), ("clinic_b", "B"))
    ]
    (moved,) = [d for d in last if d["outcome"] == "moved"]
    assert moved["trigger"] == "re-clustered after erp/provider/P1 deleted"
    # Name and phone alone are for a steward to judge.
    (candidate,) = client.get("/api/v1/match/candidates").json()["candidates"]
    assert {candidate["left_golden_id"], candidate["right_golden_id"]} == apart


def test_deleting_a_record_retires_the_candidates_that_proposed_it(client: TestClient) -> None:
    candidate = _review_pair(client)

    client.delete("/api/v1/sources/clinic_a/domains/provider/records/A1")

    assert client.get("/api/v1/match/candidates").json()["candidates"] == []
    assert client.get(f"/api/v1/match/candidates/{candidate['id']}").json()["status"] == (
        "superseded"
    )


def test_a_parent_and_child_at_one_address_reach_a_steward_as_contrary_evidence(
    client: TestClient,
) -> None:
    # One name, one home, no suffix on either record: only the birth dates and the SSNs say
    # two people. The pair outweighs auto-match, and still a steward decides.
    make_system(client, "hr", sends=["employee"])
    home = {"line1": "58 Andrea Pl", "city": "Evanston", "state": "IL", "zip": "60201"}
    person = {"first_name": "Amber", "last_name": "Pamplin", "home_address": home}
    parent = {**person, "birth_date": "1937-04-07", "ssn": "101824555"}
    send(client, "hr", "employee", {"source_key": "E1", "attributes": parent})
    child = {**person, "birth_date": "1966-09-21", "ssn": "105390217"}
    arrived = send(client, "hr", "employee", {"source_key": "E2", "attributes": child})

    match = arrived["results"][0]["match"]
    assert match["decision"] == "founded"
    assert golden_of(client, "hr", "employee", "E1") != golden_of(client, "hr", "employee", "E2")
    page = client.get("/api/v1/match/candidates", params={"domain": "employee"}).json()
    (candidate,) = page["candidates"]
    assert match["candidate_ids"] == [candidate["id"]]
    assert match["summary"] == (
        f"no automatic match: left to a steward (match candidate {candidate['id']})"
    )
    assert candidate["reason"] == "contrary_evidence"
    assert candidate["kind"] == "record_golden"
    assert candidate["weight"] >= 12
    assert "birth_date else" in candidate["explanation"]["summary"]
    assert "ssn else" in candidate["explanation"]["summary"]
