"""the candidate queue and four-eyes."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import send
from tests.mdm.stewardship.test_candidate_queue import ANN, BO, _decide, _review_pair

CY = {"X-MDM-Actor": "steward.cy"}


def _four_eyes(client: TestClient) -> None:
    response = client.put("/api/v1/stewardship/settings/provider", json={"four_eyes": True})
    assert response.status_code == 200, response.text


def _resend_clinic_b(client: TestClient) -> None:
    """The clinic sends its record again with an e-mail: matching re-clusters the pair."""
    send(
        client,
        "clinic_b",
        "provider",
        {
            "source_key": "B-Okafor",
            "attributes": {
                "name": "Okafor, Grace",
                "phone": "(512) 555-0142",
                "email": "g@clinic.example",
            },
        },
    )


def _waiting(client: TestClient) -> list[dict[str, Any]]:
    page = client.get(
        "/api/v1/stewardship/candidates",
        params={"status": ["open", "deferred", "pending_approval"]},
    ).json()
    rows: list[dict[str, Any]] = page["candidates"]
    return rows


def test_a_pair_pending_approval_is_not_proposed_a_second_time(client: TestClient) -> None:
    _four_eyes(client)
    candidate = _review_pair(client)
    assert _decide(client, candidate["id"], "accept", ANN).json()["candidate"]["status"] == (
        "pending_approval"
    )

    _resend_clinic_b(client)

    assert [c["id"] for c in _waiting(client)] == [candidate["id"]]


def test_a_later_not_a_match_is_not_overridden_by_an_older_pending_acceptance(
    client: TestClient,
) -> None:
    _four_eyes(client)
    candidate = _review_pair(client)
    _decide(client, candidate["id"], "accept", ANN)
    # Meanwhile BO asks for the same merge by hand and CY turns it down: "not a match".
    request = client.post(
        "/api/v1/stewardship/provider/merges",
        json={
            "golden_ids": [candidate["left_golden_id"], candidate["right_golden_id"]],
            "reason": "same?",
        },
        headers=BO,
    )
    assert request.status_code == 202, request.text
    rejected = _decide(client, request.json()["candidate"]["id"], "reject", CY, "another DOB")
    assert rejected.status_code == 200, rejected.text

    approved = _decide(client, candidate["id"], "approve", BO)

    # The older acceptance must not merge the pair and withdraw CY's "not a match".
    assert approved.status_code == 409, approved.json()
    assert approved.json()["error"]["code"] == "rejected_since_proposed"


def test_rejecting_a_stewards_merge_request_is_remembered(client: TestClient) -> None:
    _four_eyes(client)
    candidate = _review_pair(client)
    request = client.post(
        "/api/v1/stewardship/provider/merges",
        json={
            "golden_ids": [candidate["left_golden_id"], candidate["right_golden_id"]],
            "reason": "same clinician?",
        },
        headers=ANN,
    )
    assert request.status_code == 202, request.text
    rejected = _decide(client, request.json()["candidate"]["id"], "reject", BO, "two people")
    assert rejected.status_code == 200, rejected.text

    _resend_clinic_b(client)

    # docs/stewardship.md: reject is "not a match", never proposed again. nothing is
    # remembered and matching's own candidate for the pair is still in the queue.
    assert _waiting(client) == []


def test_a_stale_candidate_in_a_bulk_decision_is_marked_superseded(client: TestClient) -> None:
    _four_eyes(client)
    candidate = _review_pair(client)
    _decide(client, candidate["id"], "accept", ANN)
    request = client.post(
        "/api/v1/stewardship/provider/merges",
        json={
            "golden_ids": [candidate["left_golden_id"], candidate["right_golden_id"]],
            "reason": "x",
        },
        headers=BO,
    )
    assert _decide(client, request.json()["candidate"]["id"], "approve", CY).status_code == 200

    bulk = client.post(
        "/api/v1/stewardship/candidates/decisions",
        json={"decisions": [{"candidate_id": candidate["id"], "action": "approve"}]},
        headers=CY,
    )
    # Closed by the merge already (superseded), or found stale now: either way refused.
    assert bulk.json()["results"][0]["error"]["code"] in ("candidate_stale", "candidate_closed")

    # The single-decision endpoint marks it superseded; the bulk one rolls that back, so the
    # candidate waits in the approvers' queue for ever.
    status = client.get(f"/api/v1/stewardship/candidates/{candidate['id']}").json()["status"]
    assert status == "superseded"


def test_the_domain_queue_weight_applies_to_candidates_already_waiting(
    client: TestClient,
) -> None:
    candidate = _review_pair(client)

    response = client.put(
        "/api/v1/stewardship/settings/provider", json={"four_eyes": False, "queue_weight": 500}
    )
    assert response.status_code == 200

    now = client.get(f"/api/v1/stewardship/candidates/{candidate['id']}").json()
    assert now["priority"] >= candidate["base_priority"] + 500
