"""The match-candidate queue over REST: priorities, claims, decisions, four-eyes, bulk."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import golden, golden_of, make_system, send

ANN = {"X-MDM-Actor": "steward.ann"}
BO = {"X-MDM-Actor": "steward.bo"}


def _review_pair(
    client: TestClient, name: str = "Okafor, Grace", phone: str = "(512) 555-0142"
) -> dict[str, Any]:
    """Same name and phone from two clinics: enough to ask a steward, not to merge."""
    for code in ("clinic_a", "clinic_b"):
        if client.get(f"/api/v1/source-systems/{code}").status_code == 404:
            make_system(client, code)
    key = name.split(",")[0]
    practice = {"name": name, "phone": phone}
    send(client, "clinic_a", "provider", {"source_key": f"A-{key}", "attributes": practice})
    send(client, "clinic_b", "provider", {"source_key": f"B-{key}", "attributes": practice})
    page = client.get("/api/v1/stewardship/candidates", params={"domain": "provider"}).json()
    mine = golden_of(client, "clinic_a", "provider", f"A-{key}")
    (candidate,) = [
        c for c in page["candidates"] if mine in (c["left_golden_id"], c["right_golden_id"])
    ]
    assert isinstance(candidate, dict)
    return candidate


def _decide(
    client: TestClient, cid: int, action: str, headers: dict[str, str] = ANN, comment: str = ""
) -> Any:
    return client.post(
        f"/api/v1/stewardship/candidates/{cid}/decision",
        json={"action": action, "comment": comment},
        headers=headers,
    )


def test_the_queue_shows_priority_explanation_and_both_sides(client: TestClient) -> None:
    candidate = _review_pair(client)

    assert candidate["status"] == "open"
    assert candidate["reason"] == "review_band"
    assert 0 < candidate["base_priority"] <= 100
    assert candidate["priority"] >= candidate["base_priority"]
    assert candidate["assignee"] is None
    detail = client.get(f"/api/v1/stewardship/candidates/{candidate['id']}").json()
    assert {detail["left"]["record"], detail["right"]["record"]} == {
        "clinic_a:A-Okafor",
        "clinic_b:B-Okafor",
    }
    assert detail["left"]["attributes"]["last_name"] == "Okafor"
    assert "phone exact" in detail["explanation"]["summary"]


def test_candidates_feeding_more_downstream_systems_come_first(client: TestClient) -> None:
    quiet = _review_pair(client, "Okafor, Grace", "(512) 555-0142")
    make_system(client, "erp")
    make_system(client, "supply")
    marta = {"name": "Lindqvist, Marta", "phone": "(737) 555-0199"}
    send(client, "clinic_a", "provider", {"source_key": "A-Lindqvist", "attributes": marta})
    busy_golden = golden_of(client, "clinic_a", "provider", "A-Lindqvist")
    client.put("/api/v1/crosswalk/erp/provider/V-1", json={"golden_id": busy_golden})
    client.put("/api/v1/crosswalk/supply/provider/S-1", json={"golden_id": busy_golden})
    busy = _review_pair(client, "Lindqvist, Marta", "(737) 555-0199")

    assert busy["downstream_systems"] == 2
    assert quiet["downstream_systems"] == 0
    queue = client.get("/api/v1/stewardship/candidates").json()
    assert [c["id"] for c in queue["candidates"]] == [busy["id"], quiet["id"]]
    assert queue["total"] == 2
    priorities = [c["priority"] for c in queue["candidates"]]
    assert priorities == sorted(priorities, reverse=True)


def test_claim_assign_and_filter_by_assignee(client: TestClient) -> None:
    cid = _review_pair(client)["id"]

    claimed = client.post(f"/api/v1/stewardship/candidates/{cid}/claim", headers=ANN)
    assert claimed.status_code == 200
    assert claimed.json()["assignee"] == "steward.ann"
    taken = client.post(f"/api/v1/stewardship/candidates/{cid}/claim", headers=BO)
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "candidate_claimed"
    mine = client.get("/api/v1/stewardship/candidates", params={"assignee": "steward.ann"}).json()
    assert [c["id"] for c in mine["candidates"]] == [cid]
    assert (
        client.get("/api/v1/stewardship/candidates", params={"unassigned": True}).json()["total"]
        == 0
    )
    reassigned = client.post(
        f"/api/v1/stewardship/candidates/{cid}/assign", json={"assignee": "steward.bo"}, headers=ANN
    )
    assert reassigned.json()["assignee"] == "steward.bo"
    released = client.post(f"/api/v1/stewardship/candidates/{cid}/release", headers=BO)
    assert released.json()["assignee"] is None


def test_accept_merges_the_two_golden_records(client: TestClient) -> None:
    candidate = _review_pair(client)
    left, right = candidate["left_golden_id"], candidate["right_golden_id"]

    response = _decide(client, candidate["id"], "accept", comment="same NPI in the licence file")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["candidate"]["status"] == "accepted"
    assert body["candidate"]["decided_by"] == "steward.ann"
    assert {body["merge"]["survivor_id"], body["merge"]["absorbed_id"]} == {left, right}
    assert golden(client, "provider", left)["id"] == golden(client, "provider", right)["id"]
    assert golden_of(client, "clinic_a", "provider", "A-Okafor") == golden_of(
        client, "clinic_b", "provider", "B-Okafor"
    )
    merges = client.get("/api/v1/stewardship/provider/merges").json()["merges"]
    assert merges[0]["candidate_id"] == candidate["id"]
    assert merges[0]["reason"] == "same NPI in the licence file"
    # Deciding again is refused: the candidate is closed.
    assert _decide(client, candidate["id"], "reject").status_code == 409


def test_a_rejected_pair_is_remembered_and_never_proposed_again(client: TestClient) -> None:
    candidate = _review_pair(client)

    response = _decide(client, candidate["id"], "reject", comment="different DOB on licence")
    assert response.status_code == 200
    assert response.json()["candidate"]["status"] == "rejected"

    # Both records change and are matched again: still apart, and nothing is proposed.
    for source, key in (("clinic_a", "A-Okafor"), ("clinic_b", "B-Okafor")):
        send(
            client,
            source,
            "provider",
            {
                "source_key": key,
                "attributes": {
                    "name": "Okafor, Grace",
                    "phone": "(512) 555-0142",
                    "email": "grace@okafor.example",
                },
            },
        )
    assert golden_of(client, "clinic_a", "provider", "A-Okafor") != golden_of(
        client, "clinic_b", "provider", "B-Okafor"
    )
    assert client.get("/api/v1/stewardship/candidates").json()["candidates"] == []
    entries = client.get(
        "/api/v1/audit", params={"action": "steward.rejected", "actor": "steward.ann"}
    ).json()["entries"]
    assert entries[0]["detail"]["comment"] == "different DOB on licence"


def test_defer_keeps_the_candidate_for_later(client: TestClient) -> None:
    cid = _review_pair(client)["id"]

    deferred = _decide(client, cid, "defer", comment="waiting for the clinic to call back")

    assert deferred.json()["candidate"]["status"] == "deferred"
    assert client.get("/api/v1/stewardship/candidates").json()["total"] == 0
    later = client.get("/api/v1/stewardship/candidates", params={"status": ["open", "deferred"]})
    assert [c["id"] for c in later.json()["candidates"]] == [cid]
    assert _decide(client, cid, "accept").json()["candidate"]["status"] == "accepted"


def test_four_eyes_needs_a_second_steward_to_approve_a_merge(client: TestClient) -> None:
    candidate = _review_pair(client)
    turned_on = client.put(
        "/api/v1/stewardship/settings/provider", json={"four_eyes": True}, headers=ANN
    )
    assert turned_on.json()["four_eyes"] is True

    proposed = _decide(client, candidate["id"], "accept", ANN, "same person")
    assert proposed.json()["candidate"]["status"] == "pending_approval"
    assert proposed.json()["merge"] is None
    assert golden_of(client, "clinic_a", "provider", "A-Okafor") != golden_of(
        client, "clinic_b", "provider", "B-Okafor"
    )
    own = _decide(client, candidate["id"], "approve", ANN)
    assert own.status_code == 409
    assert own.json()["error"]["code"] == "four_eyes_same_steward"

    approved = _decide(client, candidate["id"], "approve", BO, "agreed")

    assert approved.status_code == 200, approved.text
    assert approved.json()["candidate"]["status"] == "accepted"
    assert golden_of(client, "clinic_a", "provider", "A-Okafor") == golden_of(
        client, "clinic_b", "provider", "B-Okafor"
    )
    merge = client.get("/api/v1/stewardship/provider/merges").json()["merges"][0]
    assert (merge["actor"], merge["approved_by"]) == ("steward.ann", "steward.bo")


def test_a_declined_merge_goes_back_to_the_queue(client: TestClient) -> None:
    candidate = _review_pair(client)
    client.put("/api/v1/stewardship/settings/provider", json={"four_eyes": True})
    _decide(client, candidate["id"], "accept", ANN)

    declined = _decide(client, candidate["id"], "decline", BO, "check the DOB first")

    assert declined.json()["candidate"]["status"] == "open"
    assert declined.json()["candidate"]["proposed_by"] is None
    assert golden_of(client, "clinic_a", "provider", "A-Okafor") != golden_of(
        client, "clinic_b", "provider", "B-Okafor"
    )


def test_a_manual_merge_under_four_eyes_waits_for_approval(client: TestClient) -> None:
    make_system(client, "erp")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": {"name": "Okafor, Grace"}})
    send(
        client, "erp", "provider", {"source_key": "P2", "attributes": {"name": "Lindqvist, Marta"}}
    )
    a, b = golden_of(client, "erp", "provider", "P1"), golden_of(client, "erp", "provider", "P2")
    client.put("/api/v1/stewardship/settings/provider", json={"four_eyes": True})

    requested = client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [a, b], "reason": "married name"},
        headers=ANN,
    )

    assert requested.status_code == 202, requested.text
    pending = requested.json()["candidate"]
    assert pending["status"] == "pending_approval"
    assert pending["reason"] == "steward_request"
    assert golden_of(client, "erp", "provider", "P1") != golden_of(client, "erp", "provider", "P2")
    queue = client.get("/api/v1/stewardship/candidates", params={"status": "pending_approval"})
    assert [c["id"] for c in queue.json()["candidates"]] == [pending["id"]]
    assert _decide(client, pending["id"], "approve", BO).status_code == 200
    assert golden_of(client, "erp", "provider", "P1") == golden_of(client, "erp", "provider", "P2")


def test_bulk_decisions_succeed_or_fail_one_by_one(client: TestClient) -> None:
    first = _review_pair(client, "Okafor, Grace", "(512) 555-0142")
    second = _review_pair(client, "Lindqvist, Marta", "(737) 555-0199")

    response = client.post(
        "/api/v1/stewardship/candidates/decisions",
        json={
            "decisions": [
                {"candidate_id": first["id"], "action": "accept", "comment": "same"},
                {"candidate_id": 999_999, "action": "reject"},
                {"candidate_id": second["id"], "action": "reject", "comment": "not the same"},
                {"candidate_id": first["id"], "action": "reject"},
            ]
        },
        headers=ANN,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["succeeded"], body["failed"]) == (2, 2)
    results = body["results"]
    assert results[0]["ok"]
    assert results[0]["status"] == "accepted"
    assert results[0]["merge"]["survivor_id"]
    assert results[1]["error"]["code"] == "unknown_candidate"
    assert results[2]["status"] == "rejected"
    assert results[3]["error"]["code"] == "candidate_closed"
    assert golden_of(client, "clinic_a", "provider", "A-Okafor") == golden_of(
        client, "clinic_b", "provider", "B-Okafor"
    )


def test_bad_decisions_are_refused_with_the_field_named(client: TestClient) -> None:
    cid = _review_pair(client)["id"]

    wrong = client.post(f"/api/v1/stewardship/candidates/{cid}/decision", json={"action": "merge"})
    assert wrong.status_code == 422
    assert "action" in wrong.text
    assert _decide(client, cid, "approve").json()["error"]["code"] == "wrong_candidate_status"
    assert client.post("/api/v1/stewardship/candidates/424242/claim").status_code == 404


def test_a_pending_merge_request_survives_re_matching_of_its_golden_records(
    client: TestClient,
) -> None:
    make_system(client, "erp")
    grace = {"name": "Okafor, Grace"}
    send(client, "erp", "provider", {"source_key": "P1", "attributes": grace})
    send(
        client, "erp", "provider", {"source_key": "P2", "attributes": {"name": "Lindqvist, Marta"}}
    )
    a, b = golden_of(client, "erp", "provider", "P1"), golden_of(client, "erp", "provider", "P2")
    client.put("/api/v1/stewardship/settings/provider", json={"four_eyes": True})
    requested = client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [a, b], "reason": "married name"},
        headers=ANN,
    ).json()["candidate"]

    # P1 changes and is matched again, which re-clusters a's neighbourhood.
    send(
        client,
        "erp",
        "provider",
        {"source_key": "P1", "attributes": {**grace, "phone": "5125550142"}},
    )

    still = client.get(f"/api/v1/stewardship/candidates/{requested['id']}").json()
    assert still["status"] == "pending_approval"
    assert still["reason"] == "steward_request"
    assert _decide(client, requested["id"], "approve", BO).status_code == 200
    assert golden_of(client, "erp", "provider", "P1") == golden_of(client, "erp", "provider", "P2")
