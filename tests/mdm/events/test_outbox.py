"""Every canonical change writes its event in the change's own transaction, numbered in the
golden record's sequence, with what subscribers need: the version, what changed, the
crosswalk, and for merges and splits the IDs involved."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mdm.events.service import Rendering, cloud_event
from mdm.ingest.service import ingest_one
from mdm.models import GoldenRecord, OutboxEvent
from tests.helpers import golden_of, make_system, send
from tests.mdm.stewardship.helpers import MARTA, PAUL, merge, split

RENDERING = Rendering(source="urn:mdm-hub:test", type_prefix="org.mdmhub")


def _events(session: Session, subject: str) -> list[OutboxEvent]:
    return list(
        session.scalars(
            select(OutboxEvent).where(OutboxEvent.subject == subject).order_by(OutboxEvent.sequence)
        )
    )


def _kinds(session: Session, subject: str) -> list[str]:
    return [e.kind for e in _events(session, subject)]


def _systems(client: TestClient) -> None:
    for code in ("erp", "clinic", "billing", "supply"):
        make_system(client, code)


def _marta_merged_into_paul(client: TestClient) -> tuple[str, str]:
    """Marta (one clinic record; supply registered its key S-77 for her) merged by a steward
    into Paul (ERP and billing records). Returns (Marta's golden ID, Paul's)."""
    _systems(client)
    send(client, "clinic", "provider", {"source_key": "M1", "attributes": MARTA})
    for system, key in (("erp", "C1"), ("billing", "C2")):
        send(client, system, "provider", {"source_key": key, "attributes": PAUL})
    marta = golden_of(client, "clinic", "provider", "M1")
    paul = golden_of(client, "erp", "provider", "C1")
    registered = client.put("/api/v1/crosswalk/supply/provider/S-77", json={"golden_id": marta})
    assert registered.is_success
    assert merge(client, paul, marta)["survivor_id"] == paul
    return marta, paul


def test_created_then_updated_carry_version_changes_and_crosswalk(
    client: TestClient, session: Session
) -> None:
    _systems(client)
    send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
    gid = golden_of(client, "erp", "provider", "P1")
    send(
        client,
        "erp",
        "provider",
        {"source_key": "P1", "attributes": {**PAUL, "phone": "(210) 555-0999"}},
    )

    created, updated = _events(session, gid)
    assert (created.kind, created.sequence, created.data["version"]) == ("created", 1, 1)
    assert created.data["crosswalk"] == [
        {"system": "erp", "key": "P1", "kind": "source_record", "status": "active"}
    ]
    assert created.data["attributes"]["phone"] == "+12105550123"
    assert (updated.kind, updated.sequence, updated.data["version"]) == ("updated", 2, 2)
    assert updated.data["changed_attributes"] == ["phone"]
    assert updated.data["previous"] == {"phone": "+12105550123"}
    assert updated.data["attributes"]["phone"] == "+12105550999"
    assert updated.data["rule_set_version"]


def test_a_change_rolled_back_emits_nothing_and_a_committed_one_its_event(
    client: TestClient, session: Session
) -> None:
    _systems(client)
    before = session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
    savepoint = session.begin_nested()
    ingest_one(
        session,
        source_code="erp",
        domain="provider",
        source_key="P1",
        body={"attributes": PAUL},
        actor="test",
    )
    session.flush()
    assert session.scalar(select(func.count()).select_from(OutboxEvent)) == before + 1
    savepoint.rollback()
    assert session.scalar(select(func.count()).select_from(OutboxEvent)) == before
    assert session.scalar(select(func.count()).select_from(GoldenRecord)) == 0


def test_merge_tells_each_subscriber_which_of_its_keys_now_name_the_survivor(
    client: TestClient, session: Session
) -> None:
    absorbed, survivor = _marta_merged_into_paul(client)

    assert _kinds(session, absorbed) == ["created", "key_added", "merged"]
    merged = _events(session, absorbed)[-1]
    assert merged.sequence == 3
    assert merged.data["survivor_id"] == survivor
    assert merged.data["absorbed_ids"] == [absorbed]
    assert {(k["system"], k["key"]) for k in merged.data["moved_keys"]} == {
        ("clinic", "M1"),
        ("supply", "S-77"),
    }
    for_supply = cloud_event(merged, rendering=RENDERING, receiver_system="supply").to_dict()
    assert for_supply["type"] == "org.mdmhub.provider.merged.v1"
    assert for_supply["subject"] == absorbed
    assert for_supply["data"]["recipient"] == {
        "system": "supply",
        "keys": [],
        "keys_now_on_survivor": ["S-77"],
    }
    # The survivor's own next version lists the moved keys in its crosswalk.
    last = _events(session, survivor)[-1]
    assert last.kind == "updated"
    assert ("supply", "S-77") in {(k["system"], k["key"]) for k in last.data["crosswalk"]}
    for_billing = cloud_event(last, rendering=RENDERING, receiver_system="billing").to_dict()
    assert for_billing["data"]["recipient"]["keys"] == ["C2"]


def test_split_emits_split_restored_and_the_keys_that_went_back(
    client: TestClient, session: Session
) -> None:
    marta, paul = _marta_merged_into_paul(client)
    before = len(_events(session, paul))

    split(client, paul, ("clinic", "M1"))

    after = _events(session, paul)[before:]
    assert [e.kind for e in after] == ["key_removed", "updated", "split"]
    assert after[-1].data["result_golden_ids"] == [marta]
    assert after[-1].data["records"] == [{"system": "clinic", "key": "M1", "kind": "source_record"}]
    assert after[0].data["key"]["key"] == "S-77"
    kinds = _kinds(session, marta)
    assert kinds[-2:] == ["key_added", "restored"]
    restored = _events(session, marta)[-1]
    assert restored.data["status"] == "active"
    assert {(k["system"], k["key"]) for k in restored.data["crosswalk"]} == {
        ("clinic", "M1"),
        ("supply", "S-77"),
    }


def test_deactivated_and_reactivated(client: TestClient, session: Session) -> None:
    _systems(client)
    send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
    gid = golden_of(client, "erp", "provider", "P1")
    assert client.delete("/api/v1/sources/erp/domains/provider/records/P1").is_success
    send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
    assert _kinds(session, gid)[-2:] == ["deactivated", "reactivated"]


def test_key_removed_and_sequences_have_no_gaps(client: TestClient, session: Session) -> None:
    _systems(client)
    send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
    gid = golden_of(client, "erp", "provider", "P1")
    assert client.put("/api/v1/crosswalk/billing/provider/B-9", json={"golden_id": gid}).is_success
    # Registering the same key again changes nothing and emits nothing.
    assert client.put("/api/v1/crosswalk/billing/provider/B-9", json={"golden_id": gid}).is_success
    assert client.delete("/api/v1/crosswalk/billing/provider/B-9").status_code == 204
    events = _events(session, gid)
    assert [e.kind for e in events] == ["created", "key_added", "key_removed"]
    assert [e.sequence for e in events] == [1, 2, 3]
    removed: dict[str, Any] = events[-1].data
    assert removed["key"] == {"system": "billing", "key": "B-9", "kind": "downstream"}
    assert removed["cause"] == "removed"


def test_sensitive_values_are_masked_in_events(client: TestClient, session: Session) -> None:
    make_system(client, "hr")
    send(
        client,
        "hr",
        "employee",
        {
            "source_key": "E1",
            "attributes": {
                "name": "Okafor, Grace",
                "birth_date": "1975-02-14",
                "ssn": "123-45-6789",
                "employee_number": "E1",
            },
        },
    )
    gid = golden_of(client, "hr", "employee", "E1")
    created = _events(session, gid)[0]
    assert "123-45-6789" not in str(created.data)
    assert "6789" in str(created.data["attributes"].get("ssn"))


def test_a_split_event_names_the_records_that_really_left(
    client: TestClient, session: Session
) -> None:
    marta, paul = _marta_merged_into_paul(client)
    before = len(_events(session, paul))

    # The steward names Paul's own records; provenance keeps them on Paul's golden record and
    # gives Marta's record back to Marta's: that is what left, and the event says so.
    split(client, paul, ("erp", "C1"), ("billing", "C2"))

    (split_event,) = [e for e in _events(session, paul)[before:] if e.kind == "split"]
    assert split_event.data["records"] == [
        {"system": "clinic", "key": "M1", "kind": "source_record"}
    ]
    assert split_event.data["result_golden_ids"] == [marta]
    assert _kinds(session, marta)[-1] == "restored"
