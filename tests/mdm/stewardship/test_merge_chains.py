"""Chains of merges: merging a golden record that absorbed another into a third keeps the
inner merge (and its pin priority: nearer the survivor first); a golden record whose only
remaining source record is deleted is retired when a merge moves its live records away.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import golden_of, send
from tests.mdm.stewardship.helpers import MARTA, merge, pin, pins, three_goldens


def test_second_merge_of_a_chain_keeps_b_under_a_and_as_pin_wins(client: TestClient) -> None:
    a, b, c = three_goldens(client)
    pin(client, a, "Cardiology")
    pin(client, b, "Oncology")
    assert merge(client, a, b)["survivor_id"] == a
    assert pins(client, a) == {"specialty": "Cardiology"}  # A's own pin wins over B's

    assert merge(client, a, c)["survivor_id"] == c

    history = client.get("/api/v1/stewardship/provider/merges").json()["merges"]
    b_merge = next(m for m in history if m["absorbed_id"] == b)
    # B's records stayed with A's: the merge B -> A stands (today: re-attached to C).
    assert b_merge["survivor_id"] == a
    # A is nearer C than B is: C carries A's value (today: B's "Oncology").
    assert pins(client, c) == {"specialty": "Cardiology"}


def test_merging_a_golden_record_that_holds_a_deleted_record(client: TestClient) -> None:
    a, _, c = three_goldens(client)
    assert client.delete("/api/v1/sources/clinic/domains/provider/records/A2").is_success

    # A's live record A1 joins Paul's four; A must resolve to C (today: 500, AssertionError
    # "a must-link did not merge", because the deleted A2 keeps A's member count above 0).
    merged = merge(client, a, c)
    assert merged["survivor_id"] == c
    assert golden_of(client, "erp", "provider", "A1") == c


def test_splitting_the_survivors_own_records_after_a_later_record_joined(
    client: TestClient,
) -> None:
    a, b, _ = three_goldens(client)
    assert merge(client, a, b)["survivor_id"] == a
    # After the merge a second record of Marta's arrives; it joins the merged golden record A.
    send(client, "supply", "provider", {"source_key": "X", "attributes": MARTA})
    assert golden_of(client, "supply", "provider", "X") == a

    response = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": a,
            "records": [{"source": "erp", "key": "A1"}, {"source": "clinic", "key": "A2"}],
            "reason": "Grace is not Marta",
        },
        headers={"X-MDM-Actor": "steward.bo"},
    )
    assert response.status_code == 200, response.text

    # "Splitting the survivor's own record out gives the survivor its ID and the absorbed
    # record its own" (docs/stewardship.md). Grace's records get a new ID and Grace's
    # ID A stays with Marta's records (B1 counts for A via B, X for A as the root: 2 - 2, and
    # the records the steward named never take the ID).
    assert golden_of(client, "erp", "provider", "A1") == a
    assert golden_of(client, "billing", "provider", "B1") != a
