"""A split undoes exactly the merge that brought the split records in: through chains of merges,
and whichever side of the merge the steward names.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import golden_of, make_system, send
from tests.mdm.stewardship.helpers import GRACE, MARTA, merge, split, state, three_goldens


def _three_goldens(client: TestClient) -> tuple[str, str, str]:
    """A, B and C of ``three_goldens``; B and A with a downstream key each, B with a pin."""
    a, b, c = three_goldens(client)
    client.put("/api/v1/crosswalk/supply/provider/S-A", json={"golden_id": a})
    client.put("/api/v1/crosswalk/supply/provider/S-B", json={"golden_id": b})
    pinned = client.put(
        f"/api/v1/golden/provider/{b}/pins/specialty",
        json={"value": "Cardiology", "reason": "credentialing file"},
    )
    assert pinned.status_code == 200, pinned.text
    return a, b, c


def test_splitting_b_out_after_a_chain_of_merges_gives_b_back(client: TestClient) -> None:
    a, b, c = _three_goldens(client)
    before_b = state(client, b)
    assert merge(client, a, b)["survivor_id"] == a
    assert merge(client, a, c)["survivor_id"] == c

    done = split(client, c, ("billing", "B1"))

    assert done["placed"][0]["golden_id"] == b
    assert state(client, b) == before_b
    assert ("supply", "S-A", "downstream") not in state(client, b)["crosswalk"]


def test_undoing_only_the_second_merge_of_a_chain_leaves_b_with_c(client: TestClient) -> None:
    a, b, c = _three_goldens(client)
    assert merge(client, a, b)["survivor_id"] == a
    assert merge(client, a, c)["survivor_id"] == c

    done = split(client, c, ("erp", "A1"), ("clinic", "A2"))

    assert done["restored"] == [a]
    # B1 (Marta) stayed in C; Grace's restored golden record must not take Marta's key and pin.
    assert golden_of(client, "billing", "provider", "B1") == c
    restored = state(client, a)
    assert ("supply", "S-B", "downstream") not in restored["crosswalk"]
    assert "specialty" not in restored["pins"]


def test_splitting_the_survivors_own_record_out_restores_both_sides(client: TestClient) -> None:
    for code in ("erp", "billing", "supply"):
        make_system(client, code)
    send(client, "erp", "provider", {"source_key": "A1", "attributes": GRACE})
    send(client, "billing", "provider", {"source_key": "B1", "attributes": MARTA})
    a = golden_of(client, "erp", "provider", "A1")
    b = golden_of(client, "billing", "provider", "B1")
    client.put("/api/v1/crosswalk/supply/provider/S-A", json={"golden_id": a})
    client.put("/api/v1/crosswalk/supply/provider/S-B", json={"golden_id": b})
    before = {g: state(client, g) for g in (a, b)}
    # One record each: the older golden record (A, Grace) survives.
    assert merge(client, a, b)["survivor_id"] == a

    split(client, a, ("erp", "A1"))

    assert {g: state(client, g) for g in (a, b)} == before
