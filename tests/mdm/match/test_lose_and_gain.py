"""One re-cluster in which a golden record both loses a record and gains one: it gets one new
version (and one event), never two versions with the same number (that was an HTTP 500)."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.models import GoldenVersion, OutboxEvent
from tests.helpers import golden_of, make_system, send
from tests.mdm.stewardship.helpers import GRACE, MARTA, PAUL


@pytest.mark.parametrize("descending_ids", [False, True])
@pytest.mark.parametrize("reverse_rows", [False, True])
def test_a_golden_record_that_loses_and_gains_in_one_batch_gets_one_version(
    client: TestClient,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    descending_ids: bool,
    reverse_rows: bool,
) -> None:
    # Which golden record the batch touches first depends on how their IDs sort: try both.
    counter = itertools.count(1)

    def new_id(prefix: str) -> str:
        n = next(counter)
        return f"{prefix}-{(10**6 - n) if descending_ids else n:016d}"

    monkeypatch.setattr("mdm.golden.service.new_golden_id", new_id)
    make_system(client, "erp")
    send(
        client,
        "erp",
        "provider",
        {"source_key": "A", "attributes": PAUL},
        {"source_key": "B", "attributes": PAUL},
        {"source_key": "C", "attributes": MARTA},
    )
    paul = golden_of(client, "erp", "provider", "A")
    assert golden_of(client, "erp", "provider", "B") == paul

    # B becomes someone else (Paul's golden record loses it); C becomes Paul (it gains C).
    rows = [{"source_key": "B", "attributes": GRACE}, {"source_key": "C", "attributes": PAUL}]
    send(client, "erp", "provider", *(reversed(rows) if reverse_rows else rows))

    assert golden_of(client, "erp", "provider", "C") == paul
    versions = session.scalars(
        select(GoldenVersion.version)
        .where(GoldenVersion.golden_id == paul)
        .order_by(GoldenVersion.version)
    ).all()
    assert list(versions) == list(range(1, len(versions) + 1))
    sequences = session.scalars(
        select(OutboxEvent.sequence)
        .where(OutboxEvent.subject == paul)
        .order_by(OutboxEvent.sequence)
    ).all()
    assert list(sequences) == list(range(1, len(sequences) + 1))
