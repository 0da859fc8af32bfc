"""A revived golden record gets its own downstream keys back, whoever holds them, and they
go to the golden record the split revived, never to another by the order of IDs.
"""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from tests.helpers import golden_of, make_system, send
from tests.mdm.stewardship.helpers import MARTA, PAUL, merge, split, state


def _marta_into_paul(client: TestClient, marta_systems: list[str]) -> tuple[str, str]:
    """B (Marta, one record per system in ``marta_systems``, key S-B, pin) merged into C
    (Paul, 4 records). Marta's records go first, so the merge's must-link anchors B1."""
    for code in ("erp", "clinic", "billing", "supply"):
        make_system(client, code)
    for index, system in enumerate(marta_systems, start=1):
        send(client, system, "provider", {"source_key": f"B{index}", "attributes": MARTA})
    for system, key in (("erp", "C1"), ("clinic", "C2"), ("billing", "C3"), ("supply", "C4")):
        send(client, system, "provider", {"source_key": key, "attributes": PAUL})
    b = golden_of(client, marta_systems[0], "provider", "B1")
    c = golden_of(client, "erp", "provider", "C1")
    assert b != c
    assert client.put("/api/v1/crosswalk/supply/provider/S-B", json={"golden_id": b}).is_success
    pinned = client.put(
        f"/api/v1/golden/provider/{b}/pins/specialty",
        json={"value": "Cardiology", "reason": "credentialing file"},
    )
    assert pinned.status_code == 200, pinned.text
    assert merge(client, c, b)["survivor_id"] == c
    return b, c


def test_split_of_one_absorbed_record_revives_b_but_leaves_its_key_on_c(
    client: TestClient,
) -> None:
    b, c = _marta_into_paul(client, ["billing", "erp", "clinic"])

    # B3 alone goes; B1 (must-linked to C1) and B2 stay with Paul's records.
    split(client, c, ("clinic", "B3"))

    # Whatever B's ID now resolves to holds B's downstream key and B's pin together.
    state_b = state(client, b)
    assert ("supply", "S-B", "downstream") in state_b["crosswalk"], (
        f"B resolves to {state_b['id']} ({state_b['status']}) but its key S-B is on "
        f"{client.get('/api/v1/crosswalk/supply/provider/S-B').json()['golden_id']}"
    )
    assert state_b["pins"].get("specialty") == "Cardiology"


def _low_new_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on new golden IDs sort before the random ones made so far (makes the ID
    tie-break of ``provenance.holders_of`` deterministic)."""
    counter = itertools.count(1)
    monkeypatch.setattr(
        "mdm.golden.service.new_golden_id", lambda prefix: f"{prefix}-{next(counter):016d}"
    )


def test_split_apart_of_absorbed_records_gives_bs_key_to_the_new_golden(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    b, c = _marta_into_paul(client, ["billing", "erp"])
    _low_new_ids(monkeypatch)

    done = split(client, c, ("billing", "B1"), ("erp", "B2"), together=False)

    placed = {p["golden_id"] for p in done["placed"]}
    assert b in placed
    assert done["restored"] == [b]
    state_b = state(client, b)
    assert state_b["id"] == b
    # B is back (with one of its records and its pin), but S-B went to the other, new, golden.
    assert ("supply", "S-B", "downstream") in state_b["crosswalk"]


ROSA = {"name": "Castellanos, Rosa", "birth_date": "1990-06-07", "phone": "(915) 555-0188"}


def test_a_changed_record_of_an_absorbed_golden_takes_its_id_from_the_one_that_stayed(
    client: TestClient,
) -> None:
    b, c = _marta_into_paul(client, ["billing", "erp"])

    # ERP corrects its record B2: it was Rosa all along. B1 (Marta) stays with Paul's records
    # through the steward's must-link.
    send(client, "erp", "provider", {"source_key": "B2", "attributes": ROSA})
    assert golden_of(client, "billing", "provider", "B1") == c
    rosa = golden_of(client, "erp", "provider", "B2")
    assert rosa != c

    # B's record that did not change stayed with its survivor: the merge stands, and the
    # changed record moves to a new golden record (today Rosa's record takes B's ID and B's pin
    # "Cardiology", while B's key S-B stays on C).
    assert rosa != b
    assert state(client, b)["id"] == c
