"""Webhooks delivered by real ``mdm worker`` processes through a real broker (Celery).

The API commits and wakes the workers by sending the pump task; the workers' beat finds what
the wake-ups missed. Everything a subscriber receives is verified with the official
``standardwebhooks`` package and parsed with the ``cloudevents`` SDK, as in the embedded
dispatcher's tests. Needs MDM_TEST_BROKER_URL (e.g. redis://127.0.0.1:6379/15).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from mdm.api.app import create_app
from mdm.config import Settings
from mdm.db import create_engine_for_url
from mdm.ingest.service import ingest_batch
from mdm.models import OutboxEvent
from tests.helpers import golden_of, make_system, send
from tests.mdm.delivery.subscriber import subscribe, verified
from tests.mdm.delivery.worker_process import (
    BROKER_ENV,
    Worker,
    broker_url_or_skip,
    empty_broker,
)
from tests.mdm.stewardship.helpers import GRACE, MARTA, PAUL
from tests.receiver import Answer, Received, Receiver, receiving

pytestmark = pytest.mark.broker

if not os.environ.get(BROKER_ENV):
    # Not configured (the README's run): one quiet skip for the module, CI or not.
    pytest.skip(
        f"{BROKER_ENV} is not set (e.g. redis://127.0.0.1:6379/15): "
        "the Celery worker tests need a real broker",
        allow_module_level=True,
    )

PEOPLE = {"P1": PAUL, "P2": GRACE, "P3": MARTA}
# Generous: a 2-core machine running two workers, beat and the API may be slow at times.
WAIT = 60.0


@pytest.fixture(scope="session")
def broker_url() -> str:
    return broker_url_or_skip()


@dataclass
class CeleryHub:
    """One fresh database, the API in celery mode, and real workers, all on the test broker."""

    database_url: str
    broker_url: str
    directory: Path
    settings: dict[str, Any] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)
    clients: list[TestClient] = field(default_factory=list)
    engines: list[Engine] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.settings = {
            "database_url": self.database_url,
            "broker_url": self.broker_url,
            "delivery_mode": "celery",
            "webhook_allow_networks": "127.0.0.0/8,::1/128",
            # Seconds, not hours: the tests watch retries happen.
            "webhook_retry_schedule": [0.3, 0.3, 0.5, 1, 1, 2],
            "webhook_retry_jitter": 0.0,
            # Roomy, so that a loaded machine does not turn a slow answer into a retry.
            "webhook_lease_seconds": 15.0,
            "webhook_timeout_seconds": 10.0,
            "dispatch_interval_seconds": 0.25,
        }

    def api(self, **overrides: Any) -> TestClient:
        """The API (lifespan running) on this hub's database; its wake-ups go to the broker."""
        settings = Settings(**{**self.settings, **overrides})
        engine = create_engine_for_url(self.database_url)
        self.engines.append(engine)
        client = TestClient(create_app(settings, engine=engine))
        client.__enter__()
        self.clients.append(client)
        return client

    def worker(self, *, beat: bool = True, **overrides: Any) -> Worker:
        """A real ``mdm worker`` with this hub's settings (and ``overrides``) in its MDM_* env,
        once it consumes."""
        worker = Worker(
            f"w{len(self.workers) + 1}",
            settings={**self.settings, **overrides},
            directory=self.directory,
            beat=beat,
        )
        self.workers.append(worker)
        worker.wait_ready()
        return worker

    def logs(self) -> str:
        return "\n".join(w.log_tail() for w in self.workers)

    def close(self) -> None:
        try:
            for worker in self.workers:
                worker.stop()
        finally:
            self._close_api()

    def _close_api(self) -> None:
        for client in reversed(self.clients):
            dispatcher = client.app.state.dispatcher  # type: ignore[attr-defined]
            client.__exit__(None, None, None)
            if hasattr(dispatcher, "app"):  # the CeleryDispatcher's producer connections
                dispatcher.app.close()
        for engine in self.engines:
            engine.dispose()


@pytest.fixture
def celery_hub(broker_url: str, fresh_database_url: str, tmp_path: Path) -> Iterator[CeleryHub]:
    # Tasks an earlier run left (queued, or unacknowledged by a worker it killed) must not run.
    empty_broker(broker_url)
    hub = CeleryHub(fresh_database_url, broker_url, tmp_path / "workers")
    try:
        yield hub
    finally:
        hub.close()
        empty_broker(broker_url)


# --- what a subscriber sees -----------------------------------------------------------------


def _sequence(got: Received) -> int:
    return int(got.event["sequence"])


def _by_subject(received: list[Received]) -> dict[str, list[Received]]:
    grouped: dict[str, list[Received]] = defaultdict(list)
    for got in received:
        grouped[got.event["subject"]].append(got)
    return grouped


def _health(client: TestClient, subscription_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/subscriptions/{subscription_id}")
    assert response.status_code == 200, response.text
    health: dict[str, Any] = response.json()["health"]
    return health


def _settled_health(
    client: TestClient, subscription_id: str, *, delivered: int, timeout: float = WAIT
) -> dict[str, Any]:
    """The subscription's health once ``delivered`` deliveries are recorded: the receiver has
    the request a moment before the worker writes down the answer."""
    deadline = time.monotonic() + timeout
    while True:
        health = _health(client, subscription_id)
        if health["delivered"] >= delivered or time.monotonic() > deadline:
            return health
        time.sleep(0.1)


def _deliveries(client: TestClient, subscription_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/subscriptions/{subscription_id}/deliveries")
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["deliveries"]
    return rows


def _records(*keys: str, update: int = 0) -> list[dict[str, Any]]:
    """The people as the ERP sends them; ``update`` n gives each a new phone number of its own."""
    rows: list[dict[str, Any]] = []
    for key in keys:
        attributes = dict(PEOPLE[key])
        if update:
            attributes["phone"] = f"(210) 555-0{update}{key[1:]:0>2}"
        rows.append({"source_key": key, "attributes": attributes})
    return rows


def _systems(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "billing")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- the tests --------------------------------------------------------------------------------


def test_the_worker_delivers_every_change_signed_and_in_sequence(celery_hub: CeleryHub) -> None:
    # The beat looks only once an hour here: the API's wake-ups alone must drive delivery.
    celery_hub.worker(dispatch_interval_seconds=3600)
    client = celery_hub.api()
    _systems(client)
    with receiving() as receiver:
        sub = subscribe(client, receiver.url, source_system="billing")
        send(client, "erp", "provider", *_records("P1", "P2", "P3"))
        golden = {key: golden_of(client, "erp", "provider", key) for key in PEOPLE}
        send(client, "erp", "provider", *_records("P1", "P2", "P3", update=1))
        for key, gid in golden.items():
            response = client.put(
                f"/api/v1/crosswalk/billing/provider/PAY-{key}", json={"golden_id": gid}
            )
            assert response.status_code in (200, 201), response.text

        assert receiver.accepted_count(9, timeout=WAIT), celery_hub.logs()
        # In the order the requests arrived (``calls``: the receiver lists a request before it
        # answers; ``accepted`` only after, when the next one may already have come in).
        calls = list(receiver.calls)

        assert len(calls) == 9  # nothing failed, so nothing was sent twice
        payloads = [verified(sub["secret"], got) for got in calls]
        assert len({p["id"] for p in payloads}) == 9
        by_subject = _by_subject(calls)
        assert set(by_subject) == set(golden.values())
        for key, gid in golden.items():
            events = [got.event for got in by_subject[gid]]
            assert [int(e["sequence"]) for e in events] == [1, 2, 3]
            assert [e["type"] for e in events] == [
                "org.mdmhub.provider.created.v1",
                "org.mdmhub.provider.updated.v1",
                "org.mdmhub.provider.key_added.v1",
            ]
            assert all(e["data"]["golden_id"] == gid for e in events)
            assert events[1]["data"]["changed_attributes"] == ["phone"]
            assert events[2]["data"]["recipient"] == {"system": "billing", "keys": [f"PAY-{key}"]}
        health = _settled_health(client, sub["id"], delivered=9)
        assert (health["delivered"], health["pending"]) == (9, 0)


def test_a_failing_receiver_gets_every_event_in_order_once_it_recovers(
    celery_hub: CeleryHub,
) -> None:
    """Two workers compete while the receiver fails: per golden record nothing overtakes an
    event still being retried, and a retry carries the event's one webhook-id."""
    celery_hub.worker()
    celery_hub.worker(beat=False)
    client = celery_hub.api()
    _systems(client)
    statuses: dict[int, int] = {}
    seen: set[str] = set()
    lock = threading.Lock()

    def answer(got: Received, number: int) -> Answer:
        with lock:
            first_try = got.webhook_id not in seen
            seen.add(got.webhook_id)
            # Down for the first calls; then each record's second event fails once more.
            status = 500 if number <= 4 or (first_try and _sequence(got) == 2) else 204
            statuses[number] = status
        return Answer(status)

    with receiving(answer) as receiver:
        sub = subscribe(client, receiver.url, source_system="billing")
        send(client, "erp", "provider", *_records("P1", "P2", "P3"))
        golden = {key: golden_of(client, "erp", "provider", key) for key in PEOPLE}
        send(client, "erp", "provider", *_records("P1", "P2", "P3", update=1))
        send(client, "erp", "provider", *_records("P1", "P2", "P3", update=2))
        for key, gid in golden.items():
            response = client.put(
                f"/api/v1/crosswalk/billing/provider/PAY-{key}", json={"golden_id": gid}
            )
            assert response.status_code in (200, 201), response.text
        total = 12

        def all_delivered(r: Receiver) -> bool:
            return len({got.webhook_id for got in r.accepted}) >= total

        assert receiver.wait_for(all_delivered, timeout=WAIT), celery_hub.logs()
        calls = list(receiver.calls)

    # Every call, failed or not, verifies; one webhook-id per event, whatever the attempt.
    for got in calls:
        verified(sub["secret"], got)
    ids: dict[tuple[str, int], set[str]] = defaultdict(set)
    for got in calls:
        ids[(got.event["subject"], _sequence(got))].add(got.webhook_id)
    assert len(ids) == total
    assert all(len(one) == 1 for one in ids.values()), ids
    assert sum(1 for status in statuses.values() if status != 204) >= 4 + 3  # retries happened

    # In the order calls arrived: an event is sent only once every earlier one of its golden
    # record was accepted; a repeat of an accepted event would have to carry its webhook-id.
    for gid in golden.values():
        delivered_upto = 0
        for number, got in enumerate(calls, start=1):
            if got.event["subject"] != gid:
                continue
            sequence = _sequence(got)
            assert sequence <= delivered_upto + 1, (
                f"{gid}: event {sequence} sent before event {delivered_upto + 1} was accepted"
            )
            if statuses[number] == 204 and sequence == delivered_upto + 1:
                delivered_upto = sequence
        assert delivered_upto == 4, gid
    accepted = _by_subject([got for n, got in enumerate(calls, 1) if statuses[n] == 204])
    for gid in golden.values():
        sequences = [_sequence(got) for got in accepted[gid]]
        assert sorted(set(sequences)) == [1, 2, 3, 4]
        assert sequences == sorted(sequences), sequences  # a duplicate only repeats in place
    health = _settled_health(client, sub["id"], delivered=total)
    assert (health["delivered"], health["pending"], health["dead_lettered"]) == (total, 0, 0)


def test_a_worker_killed_mid_delivery_is_replaced_and_the_event_still_arrives(
    celery_hub: CeleryHub,
) -> None:
    # The lease (3 s) outlasts the timeout (2 s): another worker takes the delivery only once
    # the dead one's lease has lapsed.
    settings: dict[str, Any] = {"webhook_lease_seconds": 3.0, "webhook_timeout_seconds": 2.0}
    first = celery_hub.worker(**settings)
    client = celery_hub.api(**settings)
    _systems(client)
    release = threading.Event()

    def answer(got: Received, number: int) -> Answer:
        if number == 1:
            release.wait(30)  # hold the first request until the test has killed its sender
            return Answer(500)
        return Answer(204)

    with receiving(answer) as receiver:
        try:
            sub = subscribe(client, receiver.url, source_system="billing")
            send(client, "erp", "provider", *_records("P1"))
            assert receiver.wait_for(lambda r: len(r.calls) >= 1, timeout=WAIT), celery_hub.logs()
            first.kill()  # SIGKILL to its whole process group: main, pool process and beat
            assert first.process.returncode == -9
            (pending,) = _deliveries(client, sub["id"])
            assert (pending["state"], pending["attempts"]) == ("pending", 1)

            celery_hub.worker(**settings)
            assert receiver.accepted_count(1, timeout=WAIT), celery_hub.logs()
        finally:
            release.set()
        interrupted, retried = receiver.calls
        assert receiver.accepted == [retried]

    payload = verified(sub["secret"], retried)
    assert retried.webhook_id == interrupted.webhook_id == payload["id"]
    assert payload["type"] == "org.mdmhub.provider.created.v1"
    assert int(payload["sequence"]) == 1
    # Sent again only once the dead worker's lease had lapsed (give or take the claim's own time).
    assert retried.at - interrupted.at >= 1.5
    health = _settled_health(client, sub["id"], delivered=1)
    assert (health["delivered"], health["pending"], health["dead_lettered"]) == (1, 0, 0)
    (delivered,) = _deliveries(client, sub["id"])
    assert (delivered["state"], delivered["attempts"]) == ("delivered", 2)


def test_changes_whose_wake_up_was_lost_are_found_and_delivered_by_the_beat(
    celery_hub: CeleryHub, caplog: pytest.LogCaptureFixture
) -> None:
    # The API's broker is a closed port: every wake-up fails, as if the process had died
    # between commit and dispatch; no worker runs meanwhile.
    client = celery_hub.api(broker_url=f"redis://127.0.0.1:{_closed_port()}/15")
    _systems(client)
    with receiving() as receiver:
        sub = subscribe(client, receiver.url, source_system="billing")
        with caplog.at_level(logging.WARNING, logger="mdm.delivery.dispatcher"):
            started = time.monotonic()
            send(client, "erp", "provider", *_records("P1", "P2", "P3"))
            # The wake-up is sent from a thread of its own: the write does not wait for the
            # broker's connection timeout (2 s).
            assert time.monotonic() - started < 1.5
            deadline = time.monotonic() + 15
            while "could not wake the workers" not in caplog.text:
                assert time.monotonic() < deadline, "the failed wake-up was not logged"
                time.sleep(0.1)
        with celery_hub.engines[0].connect() as connection:
            waiting = connection.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.position.is_(None))
            )
        assert waiting == 3  # committed, not yet given to any subscriber

        celery_hub.worker()  # its beat finds them
        assert receiver.accepted_count(3, timeout=WAIT), celery_hub.logs()
        payloads = [verified(sub["secret"], got) for got in receiver.accepted]
        golden = {golden_of(client, "erp", "provider", key) for key in PEOPLE}
        assert {p["subject"] for p in payloads} == golden
        assert {p["type"] for p in payloads} == {"org.mdmhub.provider.created.v1"}
        assert all(int(p["sequence"]) == 1 for p in payloads)
        health = _settled_health(client, sub["id"], delivered=3)
        assert (health["delivered"], health["pending"]) == (3, 0)


def test_a_change_rolled_back_emits_nothing_even_with_a_worker_running(
    celery_hub: CeleryHub,
) -> None:
    worker = celery_hub.worker()
    client = celery_hub.api(max_batch_records=2)
    _systems(client)
    with receiving() as receiver:
        sub = subscribe(client, receiver.url, source_system="billing")

        # A request refused as a whole: too many records for one batch.
        response = client.post(
            "/api/v1/sources/erp/domains/provider/records",
            json={"records": _records("P1", "P2", "P3")},
        )
        assert response.status_code == 413, response.text
        # A change that really wrote its events, in a session of the API's own that rolls back.
        factory = client.app.state.session_factory  # type: ignore[attr-defined]
        with factory() as session:
            ingest_batch(
                session,
                source_code="erp",
                domain="provider",
                rows=_records("P2", "P3"),
                actor="test",
                max_rows=10,
            )
            session.flush()
            assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 2
            session.rollback()

        # The worker looks a few times (its beat) and finds nothing to send.
        assert worker.wait_pump_runs(3, timeout=WAIT), celery_hub.logs()
        assert receiver.calls == []
        feed = client.get("/api/v1/events")
        assert feed.status_code == 200, feed.text
        assert feed.json()["events"] == []

        # What is committed afterwards is delivered, numbered as if nothing had happened.
        send(client, "erp", "provider", *_records("P1"))
        gid = golden_of(client, "erp", "provider", "P1")
        assert receiver.accepted_count(1, timeout=WAIT), celery_hub.logs()
        assert worker.wait_pump_runs(2, timeout=WAIT), celery_hub.logs()
        (got,) = receiver.calls
        payload = verified(sub["secret"], got)
        assert (payload["subject"], int(payload["sequence"])) == (gid, 1)
        assert [e["id"] for e in client.get("/api/v1/events").json()["events"]] == [payload["id"]]
        health = _settled_health(client, sub["id"], delivered=1)
        assert (health["delivered"], health["pending"]) == (1, 0)
