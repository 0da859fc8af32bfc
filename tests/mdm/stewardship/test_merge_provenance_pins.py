"""Unpinning takes effect in the whole merge tree at once: a record arriving later does not bring
a carried pin back."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import golden_of, send
from tests.mdm.stewardship.helpers import GRACE, PAUL, merge, pin, pins, three_goldens, unpin


def test_unpinning_a_carried_pin_lets_another_absorbed_pin_come_back_later(
    client: TestClient,
) -> None:
    a, b, c = three_goldens(client)
    pin(client, a, "Cardiology")
    pin(client, b, "Oncology")
    assert merge(client, c, a)["survivor_id"] == c
    assert merge(client, c, b)["survivor_id"] == c
    assert pins(client, c) == {"specialty": "Cardiology"}  # A merged first

    unpin(client, c)
    after_unpin = pins(client, c)
    # An unrelated new record of Paul's joins C: nothing a steward did.
    send(client, "supply", "provider", {"source_key": "C5", "attributes": PAUL})
    assert golden_of(client, "supply", "provider", "C5") == c

    assert pins(client, c) == after_unpin


def test_unpinning_the_survivors_own_pin_changes_again_when_a_record_arrives(
    client: TestClient,
) -> None:
    a, b, _ = three_goldens(client)
    pin(client, b, "Oncology")
    assert merge(client, a, b)["survivor_id"] == a
    assert pins(client, a) == {"specialty": "Oncology"}
    pin(client, a, "Family Medicine")  # the steward's own pin replaces the carried one
    unpin(client, a)
    after_unpin = pins(client, a)

    send(client, "billing", "provider", {"source_key": "A3", "attributes": GRACE})
    assert golden_of(client, "billing", "provider", "A3") == a

    assert pins(client, a) == after_unpin
