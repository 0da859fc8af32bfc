"""Webhooks from the embedded dispatcher (no broker) to real receivers on loopback.

Every delivery is verified with the official ``standardwebhooks`` package and parsed with the
``cloudevents`` SDK; the contract's promises are checked as a subscriber would see them.
"""

from __future__ import annotations

import time
from typing import Any

from tests.helpers import golden_of, make_system, send
from tests.mdm.delivery.conftest import Hub
from tests.mdm.delivery.subscriber import subscribe, verified
from tests.receiver import Answer, Received, receiving

PAUL = {"name": "Abernathy, Paul", "birth_date": "1962-11-30", "phone": "(210) 555-0123"}


def test_a_change_reaches_the_subscriber_signed_and_as_a_cloudevent(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    make_system(client, "billing")
    with receiving() as receiver:
        sub = subscribe(client, receiver.url, source_system="billing", domains=["provider"])
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        gid = golden_of(client, "erp", "provider", "P1")
        registered = client.put("/api/v1/crosswalk/billing/provider/PAY-1", json={"golden_id": gid})
        assert registered.is_success
        assert receiver.accepted_count(2), [c.headers for c in receiver.calls]

        created, key_added = (verified(sub["secret"], r) for r in receiver.accepted)
        assert created["type"] == "org.mdmhub.provider.created.v1"
        assert created["subject"] == gid
        assert created["data"]["golden_id"] == gid
        assert created["sequence"] == "00000000000000000001"
        assert created["data"]["recipient"] == {"system": "billing", "keys": []}
        assert key_added["type"] == "org.mdmhub.provider.key_added.v1"
        assert key_added["data"]["recipient"]["keys"] == ["PAY-1"]
        # The receiver answers before the hub writes the answer down: wait for the record.
        base = f"/api/v1/subscriptions/{sub['id']}"
        assert receiver.wait_for(
            lambda _r: client.get(base).json()["health"]["delivered"] == 2, timeout=10
        )
        assert client.get(base).json()["health"]["pending"] == 0


def _people(n: int) -> list[dict[str, Any]]:
    return [
        {
            "name": f"Doe{chr(65 + i)}, Person{chr(65 + i)}",
            "birth_date": f"19{50 + i}-0{1 + i % 9}-1{i % 9}",
            "phone": f"(210) 555-01{i:02d}",
        }
        for i in range(n)
    ]


def _by_subject(received: list[Received]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for got in received:
        event = got.event
        out.setdefault(event["subject"], []).append(int(event["sequence"]))
    return out


def test_a_receiver_that_fails_then_recovers_gets_every_event_in_sequence(hub: Hub) -> None:
    # Retries 0.6 s apart: seven failures over three golden records give one of them three,
    # so its attempts span more than a second, and fresh timestamps (whole seconds) must
    # differ. With 0.2 s apart a fast machine ran every attempt inside one second.
    client = hub(webhook_retry_schedule=[0.6, 0.6, 0.6])
    make_system(client, "erp")
    # Fails the first 7 calls, then accepts everything.
    with receiving(lambda _r, n: Answer(500 if n <= 7 else 200)) as receiver:
        sub = subscribe(client, receiver.url)
        people = _people(3)
        for round_ in range(3):
            for i, person in enumerate(people):
                phone = f"(210) 555-{round_}{i}99"
                send(
                    client,
                    "erp",
                    "provider",
                    {"source_key": f"P{i}", "attributes": {**person, "phone": phone}},
                )
        assert receiver.wait_for(
            lambda r: (
                {k: sorted(set(v)) for k, v in _by_subject(r.accepted).items()}
                == {k: [1, 2, 3] for k in _by_subject(r.accepted)}
                and len(_by_subject(r.accepted)) == 3
            ),
            timeout=30,
        ), _by_subject(receiver.accepted)
        for got in receiver.accepted:
            verified(sub["secret"], got)
        # In sequence per golden record: never a later version before an earlier one.
        for subject, sequences in _by_subject(receiver.accepted).items():
            assert sequences == sorted(sequences), (subject, sequences)
        # A duplicate only ever repeats an event's webhook-id.
        ids = {(g.event["subject"], g.event["sequence"]): g.webhook_id for g in receiver.calls}
        for got in receiver.calls:
            assert ids[(got.event["subject"], got.event["sequence"])] == got.webhook_id
        failed = [c for c in receiver.calls if c not in receiver.accepted]
        assert len(failed) == 7
        # Retries sign again with a fresh timestamp, and still verify.
        assert len({c.headers["webhook-timestamp"] for c in receiver.calls}) >= 2
        attempts: dict[str, list[Received]] = {}
        for got in receiver.calls:
            attempts.setdefault(got.webhook_id, []).append(got)
        for calls in attempts.values():
            first = calls[0]
            for later in calls[1:]:
                signed = int(later.headers["webhook-timestamp"]) - int(
                    first.headers["webhook-timestamp"]
                )
                assert signed >= later.at - first.at - 1, (first.headers, later.headers)


def test_410_disables_the_endpoint_visibly_and_announces_it(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    with (
        receiving(lambda _r, _n: Answer(410)) as gone,
        receiving() as operator,
    ):
        sub = subscribe(client, gone.url)
        watcher = subscribe(client, operator.url, event_types=["subscription_disabled"])
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        assert operator.accepted_count(1)
        announced = verified(watcher["secret"], operator.accepted[0])
        assert announced["type"] == "org.mdmhub.hub.subscription_disabled.v1"
        assert announced["subject"] == sub["id"]
        assert "410" in announced["data"]["reason"]
        # Another subscriber's URL (often a credential) is never passed on.
        assert gone.url not in str(announced)
        state = client.get(f"/api/v1/subscriptions/{sub['id']}").json()
        assert state["status"] == "disabled"
        assert "410" in state["status_reason"]
        assert state["health"]["pending"] == 1
        assert len(gone.calls) == 1


def test_retry_after_is_honoured(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    answers = {1: Answer(503, {"Retry-After": "2"})}
    with receiving(lambda _r, n: answers.get(n, Answer(200))) as receiver:
        subscribe(client, receiver.url)
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        assert receiver.accepted_count(1, timeout=15)
        first, second = receiver.calls[:2]
        # The schedule alone would retry after 0.2 s; the endpoint asked for 2 s.
        assert second.at - first.at >= 1.9


def test_dead_letter_after_the_schedule_then_replay_delivers(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    healthy = False
    with receiving(lambda _r, _n: Answer(200 if healthy else 500)) as receiver:
        sub = subscribe(client, receiver.url)
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        base = f"/api/v1/subscriptions/{sub['id']}"
        # 1 attempt + 3 retries (the test schedule), then dead-lettered.
        assert receiver.wait_for(lambda r: len(r.calls) >= 4, timeout=15)
        assert receiver.wait_for(
            lambda _r: client.get(base).json()["health"]["dead_lettered"] == 1, timeout=10
        )
        dead = client.get(f"{base}/deliveries", params={"state": "dead"}).json()["deliveries"]
        assert [d["attempts"] for d in dead] == [4]
        assert dead[0]["last_status"] == 500
        detail = client.get(f"{base}/deliveries/{dead[0]['id']}").json()
        assert [a["status"] for a in detail["attempt_history"]] == [500] * 4
        assert detail["event"]["id"] == dead[0]["event_id"]
        calls = len(receiver.calls)
        time.sleep(1.0)
        assert len(receiver.calls) == calls, "a dead-lettered delivery was sent again"

        healthy = True
        replayed = client.post(f"{base}/deliveries/{dead[0]['id']}/replay")
        assert replayed.status_code == 200, replayed.text
        assert receiver.accepted_count(1)
        assert receiver.accepted[0].webhook_id == dead[0]["event_id"]
        verified(sub["secret"], receiver.accepted[0])


def test_replay_from_a_sequence_and_a_time_range_resends_with_the_same_ids(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    with receiving() as receiver:
        sub = subscribe(client, receiver.url)
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        gid = golden_of(client, "erp", "provider", "P1")
        phone = {**PAUL, "phone": "(210) 555-0999"}
        send(client, "erp", "provider", {"source_key": "P1", "attributes": phone})
        assert receiver.accepted_count(2)
        first_ids = [g.webhook_id for g in receiver.accepted]
        base = f"/api/v1/subscriptions/{sub['id']}/replay"

        again = client.post(base, json={"golden_id": gid, "from_sequence": 2})
        assert again.json() == {"requeued": 1, "created": 0}
        assert receiver.accepted_count(3)
        assert receiver.accepted[2].webhook_id == first_ids[1]

        window = client.post(base, json={"since": "2000-01-01T00:00:00Z"})
        assert window.json() == {"requeued": 2, "created": 0}
        assert receiver.accepted_count(5)
        assert [g.webhook_id for g in receiver.accepted[3:]] == first_ids


def test_a_subscription_made_later_can_replay_what_happened_before_it(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
    with receiving() as receiver:
        sub = subscribe(client, receiver.url)
        replay = client.post(f"/api/v1/subscriptions/{sub['id']}/replay", json={"from_position": 0})
        # One delivery either way: made by the replay, or by the fan-out it runs first.
        assert sum(replay.json().values()) == 1
        assert receiver.accepted_count(1)
        assert receiver.accepted[0].event["type"] == "org.mdmhub.provider.created.v1"


def test_pause_holds_deliveries_and_resume_sends_them_in_order(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    with receiving() as receiver:
        sub = subscribe(client, receiver.url)
        base = f"/api/v1/subscriptions/{sub['id']}"
        assert client.post(f"{base}/pause", json={"reason": "ERP cut-over"}).is_success
        for i in range(3):
            phone = f"(210) 555-01{i}9"
            send(
                client,
                "erp",
                "provider",
                {"source_key": "P1", "attributes": {**PAUL, "phone": phone}},
            )
        assert receiver.wait_for(
            lambda _r: client.get(base).json()["health"]["pending"] == 3, timeout=10
        )
        assert receiver.calls == []
        assert client.post(f"{base}/resume").is_success
        assert receiver.accepted_count(3)
        assert [int(g.event["sequence"]) for g in receiver.accepted] == [1, 2, 3]


def test_after_rotation_both_secrets_verify_during_the_overlap(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    with receiving() as receiver:
        sub = subscribe(client, receiver.url)
        rotated = client.post(f"/api/v1/subscriptions/{sub['id']}/secret/rotate").json()
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        assert receiver.accepted_count(1)
        got = receiver.accepted[0]
        assert len(got.headers["webhook-signature"].split(" ")) == 2
        verified(sub["secret"], got)
        verified(rotated["secret"], got)


def test_the_address_is_checked_again_at_send_time(hub: Hub) -> None:
    client = hub()
    make_system(client, "erp")
    with receiving() as receiver:
        sub = subscribe(client, receiver.url)
        hub.stop(client)
        # The operator withdraws loopback from the allow-list; the subscription still names it.
        client = hub(webhook_allow_networks="")
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        base = f"/api/v1/subscriptions/{sub['id']}"
        assert receiver.wait_for(
            lambda _r: client.get(base).json()["health"]["failed"] == 1, timeout=10
        )
        failed = client.get(f"{base}/deliveries").json()["deliveries"][0]
        assert "address refused" in failed["last_error"]
        assert "127.0.0.1" in failed["last_error"]
        assert receiver.calls == []


def test_an_endpoint_failing_for_long_enough_is_disabled(hub: Hub) -> None:
    # A second of failing stands in for the default five days.
    client = hub(webhook_disable_after_hours=1 / 3600, webhook_retry_schedule=[0.3] * 20)
    make_system(client, "erp")
    with receiving(lambda _r, _n: Answer(500)) as receiver:
        sub = subscribe(client, receiver.url)
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        base = f"/api/v1/subscriptions/{sub['id']}"
        assert receiver.wait_for(
            lambda _r: client.get(base).json()["status"] == "disabled", timeout=15
        )
        state = client.get(base).json()
        assert "every attempt failed since" in state["status_reason"]
        assert state["failing_since"] is not None
        calls = len(receiver.calls)
        feed = client.get("/api/v1/events", params={"type": "subscription_disabled"}).json()
        assert [e["subject"] for e in feed["events"]] == [sub["id"]]
        time.sleep(1.0)
        assert len(receiver.calls) == calls, "a disabled endpoint was called"


def test_events_committed_while_no_dispatcher_ran_are_delivered_when_one_starts(
    hub: Hub,
) -> None:
    # Stands in for a crash between commit and wake-up: nothing ran to deliver them.
    client = hub(delivery_mode="off")
    make_system(client, "erp")
    with receiving() as receiver:
        subscribe(client, receiver.url)
        send(client, "erp", "provider", {"source_key": "P1", "attributes": PAUL})
        hub.stop(client)
        assert receiver.calls == []
        hub()
        assert receiver.accepted_count(1)
