"""PostgreSQL-only defects (column lengths SQLite does not enforce; races between
concurrent transactions). PostgreSQL only (skipped on SQLite)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mdm.api.app import create_app
from mdm.config import Settings
from mdm.db import create_engine_for_url
from mdm.merges import service as merges
from mdm.pins import service as pins
from mdm.survivorship_policies import service as policies
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import golden, golden_of, make_system, send
from tests.mdm.stewardship.helpers import GRACE, MARTA, PAUL
from tests.mdm.stewardship.test_candidate_queue import ANN, _decide, _review_pair

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"), reason="PostgreSQL only"
)


# --- lengths the API accepts but the columns do not ----------------------------------------


def test_a_policy_with_a_56_character_version_does_not_break_ingestion(client: TestClient) -> None:
    make_system(client, "erp")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": GRACE})
    version = "provider-nppes-first-2026-11-approved-by-data-governance"
    policy = {"domain": "provider", "version": version, "default": [{"kind": "most_recent"}]}
    assert client.post("/api/v1/survivorship/policies", json={"policy": policy}).status_code == 201
    assert client.post(f"/api/v1/survivorship/policies/{version}/activate").status_code == 200

    # golden_version.rule_set_version is VARCHAR(64); "provider-default-1+<version>" is 75:
    # every later golden write in the domain fails (DataError, 500).
    send(client, "erp", "provider", {"source_key": "P2", "attributes": MARTA})


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_a_decision_comment_the_api_accepts_is_stored(client: TestClient, action: str) -> None:
    candidate = _review_pair(client)

    # DecisionIn allows 2000 characters; steward_link.reason is VARCHAR(500).
    response = _decide(client, candidate["id"], action, ANN, comment="x" * 1500)

    assert response.status_code == 200


def test_a_split_reason_the_api_accepts_is_stored(client: TestClient) -> None:
    for code in ("erp", "clinic", "billing"):
        make_system(client, code)
    send(client, "billing", "provider", {"source_key": "B1", "attributes": MARTA})
    send(client, "erp", "provider", {"source_key": "A1", "attributes": GRACE})
    send(client, "clinic", "provider", {"source_key": "C1", "attributes": PAUL})
    ids = [golden_of(client, s, "provider", k) for s, k in (("billing", "B1"), ("erp", "A1"))]
    first = client.post(
        "/api/v1/stewardship/provider/merges", json={"golden_ids": ids, "reason": "r"}
    ).json()["merge"]["survivor_id"]
    survivor = client.post(
        "/api/v1/stewardship/provider/merges",
        json={"golden_ids": [first, golden_of(client, "clinic", "provider", "C1")], "reason": "r"},
    ).json()["merge"]["survivor_id"]

    # SplitIn allows 500 characters; _rejoin prefixes it and writes VARCHAR(500).
    response = client.post(
        "/api/v1/stewardship/provider/splits",
        json={
            "golden_id": survivor,
            "records": [{"source": "billing", "key": "B1"}],
            "reason": "y" * 480,
        },
    )

    assert response.status_code == 200


# --- races --------------------------------------------------------------------------------


def _app(url: str) -> tuple[Engine, TestClient]:
    engine = create_engine_for_url(url)
    return engine, TestClient(create_app(Settings(database_url=url), engine=engine))


def _race(first: Callable[[Session], Any], second: Callable[[], None], engine: Engine) -> None:
    """Run ``first`` in a transaction held open 1.5 s, and ``second`` meanwhile."""
    started = threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        with Session(engine) as session:
            first(session)
            started.set()
            time.sleep(1.5)
            session.commit()

    def meanwhile() -> None:
        started.wait()
        try:
            second()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=hold), threading.Thread(target=meanwhile)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _grace_and_marta(client: TestClient) -> tuple[str, str]:
    for code in ("erp", "clinic", "billing", "supply"):
        make_system(client, code)
    send(client, "erp", "provider", {"source_key": "A1", "attributes": GRACE})
    send(client, "clinic", "provider", {"source_key": "A2", "attributes": GRACE})
    marta = {**MARTA, "npi": "1245319599"}
    send(client, "billing", "provider", {"source_key": "B1", "attributes": marta})
    return golden_of(client, "erp", "provider", "A1"), golden_of(
        client, "billing", "provider", "B1"
    )


def test_a_record_ingested_during_a_steward_merge_reaches_the_survivor(
    fresh_database_url: str,
) -> None:
    engine, client = _app(fresh_database_url)
    with client:
        a, b = _grace_and_marta(client)
        results = []

        def ingest() -> None:
            results.append(
                TestClient(client.app).post(
                    "/api/v1/sources/supply/domains/provider/records",
                    json={
                        "records": [
                            {"source_key": "S1", "attributes": {**MARTA, "npi": "1245319599"}}
                        ]
                    },
                )
            )

        _race(
            lambda s: merges.merge_goldens(
                s, domain="provider", golden_ids=(a, b), actor="ann", reason="r"
            ),
            ingest,
            engine,
        )
        assert results[0].status_code == 200
        members = {(m["source"], m["source_key"]) for m in golden(client, "provider", a)["members"]}
        assert ("supply", "S1") in members
    engine.dispose()


def test_a_pin_during_a_merge_is_serialised_not_a_server_error(fresh_database_url: str) -> None:
    engine, client = _app(fresh_database_url)
    with client:
        a, b = _grace_and_marta(client)

        def pin() -> None:
            with Session(engine) as session:
                pins.pin(
                    session,
                    domain="provider",
                    golden_id=b,
                    attribute="specialty",
                    value="Cardiology",
                    reason="licence",
                    actor="bo",
                )
                session.commit()

        _race(
            lambda s: merges.merge_goldens(
                s, domain="provider", golden_ids=(a, b), actor="ann", reason="r"
            ),
            pin,
            engine,
        )
        assert golden(client, "provider", b)["attributes"].get("specialty") == "Cardiology"
    engine.dispose()


def test_two_concurrent_activations_leave_one_active_policy(fresh_database_url: str) -> None:
    engine, client = _app(fresh_database_url)
    with client:
        make_system(client, "erp")
        send(client, "erp", "provider", {"source_key": "P1", "attributes": GRACE})
        for version in ("prov-a", "prov-b"):
            policy = {
                "domain": "provider",
                "version": version,
                "default": [{"kind": "most_recent"}],
            }
            assert (
                client.post("/api/v1/survivorship/policies", json={"policy": policy}).status_code
                == 201
            )

        def activate_b() -> None:
            with Session(engine) as session:
                policies.activate(session, version="prov-b", actor="bo")
                session.commit()

        _race(lambda s: policies.activate(s, version="prov-a", actor="ann"), activate_b, engine)
        rows = client.get("/api/v1/survivorship/policies", params={"domain": "provider"}).json()
        assert [r["status"] for r in rows].count("active") == 1
    engine.dispose()
