"""A golden record founded in a batch can be, in that same batch, the survivor a retired golden
record hands its pins and downstream keys to: both count from its first version."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.models import OutboxEvent
from tests.helpers import golden, golden_of, make_system, send
from tests.mdm.stewardship.helpers import GRACE, MARTA, PAUL, merge, pin, pins


@pytest.fixture(autouse=True)
def _descending_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    # Later golden records get smaller IDs, so the tie between two new survivors goes to the
    # one founded last (with random IDs that happens about half the time).
    counter = itertools.count(999_999, -1)
    monkeypatch.setattr("mdm.golden.service.new_golden_id", lambda p: f"{p}-{next(counter):06d}")


def test_pins_and_keys_carried_to_a_golden_record_founded_in_the_batch(
    client: TestClient, session: Session
) -> None:
    for code in ("erp", "clinic", "billing", "supply"):
        make_system(client, code)
    for system, key in (("erp", "P1"), ("clinic", "P2"), ("billing", "P3")):
        send(client, system, "provider", {"source_key": key, "attributes": PAUL})
    send(client, "erp", "provider", {"source_key": "A1", "attributes": GRACE})
    send(client, "clinic", "provider", {"source_key": "A2", "attributes": GRACE})
    s = golden_of(client, "erp", "provider", "P1")
    a = golden_of(client, "erp", "provider", "A1")
    assert merge(client, s, a)["survivor_id"] == s
    pin(client, s, "Cardiology")
    assert client.put("/api/v1/crosswalk/supply/provider/S-1", json={"golden_id": s}).is_success
    for system, key in (("erp", "P1"), ("clinic", "P2"), ("billing", "P3")):
        deleted = client.delete(f"/api/v1/sources/{system}/domains/provider/records/{key}")
        assert deleted.status_code == 200

    # A2 now describes someone else: A1 goes back to A, A2 founds a golden record of its own,
    # and S, emptied, is retired into that new one.
    send(client, "clinic", "provider", {"source_key": "A2", "attributes": MARTA})

    survivor = golden(client, "provider", s)["id"]
    assert survivor == golden_of(client, "clinic", "provider", "A2")
    assert pins(client, survivor) == {"specialty": "Cardiology"}
    built = golden(client, "provider", survivor)
    assert built["attributes"]["specialty"] == "Cardiology"
    assert built["lineage"]["specialty"]["rule"] == "steward_pin"
    first = session.scalars(
        select(OutboxEvent).where(OutboxEvent.subject == survivor).order_by(OutboxEvent.sequence)
    ).first()
    assert first is not None
    assert {"system": "supply", "key": "S-1", "kind": "downstream"} in first.data["crosswalk"]
