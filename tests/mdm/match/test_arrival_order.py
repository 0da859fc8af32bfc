"""The same records, sent one by one in different orders or in batches, give the same golden
records; and matching them as one batch in memory (as rule-set activation does) gives the same
again."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.defaults import provider
from matching.features import match_record
from matching.linking import link
from mdm.api.app import create_app
from mdm.config import Settings
from mdm.db import create_engine_for_url
from mdm.demo import generate_demo
from mdm.domains import DOMAINS
from mdm.domains.standardise import standardise_record
from mdm.match import service
from mdm.models import MatchDecision
from tests.helpers import make_system

Partition = frozenset[frozenset[str]]


def _demo_providers() -> list[tuple[str, dict[str, Any]]]:
    demo = generate_demo()
    return [
        (
            f"{source}/{record.source_key}",
            {"source_key": record.source_key, "attributes": record.attributes},
        )
        for source, domain, record in demo.records()
        if domain == "provider" and not record.is_reject
    ]


def _standardised(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    result = standardise_record(DOMAINS["provider"], row["attributes"])
    invalid = [i.field.split(".")[1] for i in result.issues if i.code.startswith("invalid_")]
    return result.attributes, invalid


def _partition(golden_by_record: dict[str, str]) -> Partition:
    groups: dict[str, set[str]] = {}
    for record, golden_id in golden_by_record.items():
        groups.setdefault(golden_id, set()).add(record)
    return frozenset(frozenset(g) for g in groups.values())


def _ingest(url: str, rows: list[tuple[str, dict[str, Any]]], batch: int = 0) -> Partition:
    """Send every row one by one (``batch`` 0: PUT per record) or in batches per source."""
    engine = create_engine_for_url(url)
    try:
        with TestClient(create_app(Settings(database_url=url), engine=engine)) as client:
            for system in sorted({ref.split("/")[0] for ref, _ in rows}):
                make_system(client, system)
            placed = {}
            if batch:
                for source in sorted({ref.split("/")[0] for ref, _ in rows}):
                    mine = [row for ref, row in rows if ref.split("/")[0] == source]
                    for start in range(0, len(mine), batch):
                        response = client.post(
                            f"/api/v1/sources/{source}/domains/provider/records",
                            json={"records": mine[start : start + batch]},
                        )
                        assert response.status_code == 200, response.text
            for ref, row in rows if not batch else ():
                source = ref.split("/")[0]
                response = client.put(
                    f"/api/v1/sources/{source}/domains/provider/records/{row['source_key']}",
                    json={"attributes": row["attributes"]},
                )
                assert response.status_code in (200, 201), response.text
            for ref, row in rows:
                source = ref.split("/")[0]
                body = client.get(
                    f"/api/v1/sources/{source}/domains/provider/records/{row['source_key']}"
                ).json()
                placed[ref] = body["golden_id"]
        return _partition(placed)
    finally:
        engine.dispose()


def test_arrival_order_does_not_change_the_golden_records(
    database_factory: Callable[[], str],
) -> None:
    rows = _demo_providers()
    orders = [rows, list(reversed(rows))]
    shuffled = list(rows)
    random.Random(11).shuffle(shuffled)
    orders.append(shuffled)

    partitions = [_ingest(database_factory(), order) for order in orders]
    # Batches are matched together: whole sources at once, or 40 records at a time.
    partitions.append(_ingest(database_factory(), rows, batch=1000))
    partitions.append(_ingest(database_factory(), shuffled, batch=40))

    assert all(p == partitions[0] for p in partitions[1:])
    # And the library's batch linking of the same records agrees with the hub.
    settings = provider()
    records = [match_record(settings, ref, *_standardised(row)) for ref, row in rows]
    batch = link(settings, records).clustering.clusters
    assert frozenset(frozenset(c) for c in batch) == partitions[0]


def test_rematching_a_domain_in_batch_changes_nothing_incremental_matching_decided(
    client: TestClient, session: Session
) -> None:
    for system in ("erp", "clinic_a", "clinic_b", "billing", "supply"):
        make_system(client, system)
    for ref, row in _demo_providers():
        source = ref.split("/")[0]
        client.post(f"/api/v1/sources/{source}/domains/provider/records", json={"records": [row]})

    result = service.rematch_domain(session, domain="provider", actor="test", trigger="test")

    assert result.records == len(_demo_providers())
    assert result.moved == 0
    assert result.founded == 0


def test_a_large_batch_gets_a_neighbourhood_budget_per_record(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ten records' worth of neighbourhood each: a batch of 40 must not be cut at ten in all.
    monkeypatch.setattr(service, "MAX_NEIGHBOURHOOD", 10)
    for system in ("erp", "clinic_a", "clinic_b", "billing", "supply"):
        make_system(client, system)
    by_source: dict[str, list[dict[str, Any]]] = {}
    for ref, row in _demo_providers():
        by_source.setdefault(ref.split("/")[0], []).append(row)
    for source, rows in by_source.items():
        for start in range(0, len(rows), 40):
            response = client.post(
                f"/api/v1/sources/{source}/domains/provider/records",
                json={"records": rows[start : start + 40]},
            )
            assert response.status_code == 200, response.text

    decisions = session.scalars(select(MatchDecision)).all()

    assert decisions
    assert not [d.id for d in decisions if d.explanation["neighbourhood_truncated"]]
