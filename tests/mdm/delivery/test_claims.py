"""Claims and answers at the service level: a replay racing an attempt in flight, endpoints
taking turns, and (PostgreSQL) a replay and a worker never deadlocking."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mdm.api.app import create_app
from mdm.config import Settings
from mdm.db import create_engine_for_url, session_factory
from mdm.delivery import service
from mdm.delivery.pump import rules_from
from mdm.models import Delivery, DeliveryState
from publishers.transport import DeliveryOutcome
from tests.helpers import make_system, send

RULES = rules_from(Settings(database_url="sqlite://", webhook_allow_networks="127.0.0.0/8"))
TIMEOUT = DeliveryOutcome("retry", None, "timeout after 15.0 s", None, 15000.0, "")
OK = DeliveryOutcome("delivered", 204, "", None, 3.0, "")


def _people(n: int) -> list[dict[str, Any]]:
    """``n`` different people: each a golden record of its own."""
    return [
        {
            "source_key": f"P{i}",
            "attributes": {
                "name": f"Doe{chr(65 + i)}, Person{chr(65 + i)}",
                "birth_date": f"19{50 + i}-0{1 + i % 9}-1{i % 9}",
                "phone": f"(210) 555-01{i:02d}",
            },
        }
        for i in range(n)
    ]


def _subscribe(client: TestClient, path: str) -> str:
    response = client.post("/api/v1/subscriptions", json={"url": f"http://127.0.0.1:9/{path}"})
    assert response.status_code == 201, response.text
    subscription_id: str = response.json()["id"]
    return subscription_id


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allow_networks": "127.0.0.0/8"})


def test_a_replay_waits_for_the_attempt_in_flight_and_gets_its_own_answer(
    client: TestClient, session: Session
) -> None:
    make_system(client, "erp")
    sub = _subscribe(client, "a")
    send(client, "erp", "provider", *_people(1))
    service.publish_pending(session)
    (first,) = service.claim_due(session, rules=RULES, limit=8)

    service.replay_delivery(session, subscription_id=sub, delivery_id=first.delivery_id, actor="op")
    # The first request is still out: the replay does not start a second one beside it.
    assert service.claim_due(session, rules=RULES, limit=8) == []
    # Its late answer belongs to the old claim: written as an attempt, not as the replay's.
    assert service.record_outcomes(session, [(first, TIMEOUT)], rules=RULES) == [None]
    row = session.get(Delivery, first.delivery_id)
    assert row is not None
    assert (row.state, row.attempts, row.lease_until) == (DeliveryState.PENDING, 0, None)

    # Now the replay goes, and its own answer counts.
    (replayed,) = service.claim_due(session, rules=RULES, limit=8)
    assert replayed.token != first.token
    assert service.record_outcomes(session, [(replayed, OK)], rules=RULES) == [
        DeliveryState.DELIVERED
    ]


def test_endpoints_take_turns_and_one_cannot_take_every_slot(
    client: TestClient, session: Session
) -> None:
    make_system(client, "erp")
    slow = _subscribe(client, "slow")
    fast = _subscribe(client, "fast")
    send(client, "erp", "provider", *_people(12))
    service.publish_pending(session)

    # The slow endpoint already has 4 requests out (its share of 8); the free slots go to fast.
    claims = service.claim_due(session, rules=RULES, limit=4, in_flight={slow: 4}, per_endpoint=4)
    assert [c.subscription_id for c in claims] == [fast] * 4
    # With slots for both, neither gets more than its share, whoever's turn it is.
    for turn in (0, 1):
        more = service.claim_due(session, rules=RULES, limit=6, per_endpoint=3, turn=turn)
        assert sorted(c.subscription_id for c in more) == sorted([slow] * 3 + [fast] * 3)


@pytest.mark.postgres_only
def test_a_replay_and_a_worker_recording_failures_never_deadlock(fresh_database_url: str) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    settings = Settings(
        database_url=fresh_database_url,
        delivery_mode="off",
        webhook_allow_networks="127.0.0.0/8",
    )
    engine = create_engine_for_url(fresh_database_url)
    with TestClient(create_app(settings, engine=engine)) as client:
        make_system(client, "erp")
        sub = _subscribe(client, "x")
        send(client, "erp", "provider", *_people(20))
    factory = session_factory(engine)
    rules = rules_from(settings)
    with factory() as setup:
        service.publish_pending(setup)
        setup.commit()
    errors: list[str] = []
    stop = time.monotonic() + 6
    failure = DeliveryOutcome("retry", 500, "HTTP 500", None, 1.0, "")

    def worker() -> None:
        while time.monotonic() < stop:
            try:
                with factory() as s:
                    claims = service.claim_due(s, rules=rules, limit=50)
                    s.commit()
                with factory() as s:
                    service.record_outcomes(s, [(c, failure) for c in claims], rules=rules)
                    s.commit()
            except Exception as exc:  # a deadlock is what this test looks for
                errors.append(f"worker: {type(exc).__name__}: {exc}".splitlines()[0])

    def operator() -> None:
        api = TestClient(create_app(settings, engine=engine), raise_server_exceptions=False)
        while time.monotonic() < stop:
            answer = api.post(f"/api/v1/subscriptions/{sub}/replay", json={"from_position": 0})
            if answer.status_code != 200:
                errors.append(f"replay: {answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=worker), threading.Thread(target=operator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
