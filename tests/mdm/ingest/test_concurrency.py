"""Concurrent writers coordinate through the database, never through memory."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from mdm.db import create_engine_for_url, session_factory
from mdm.ingest import service
from mdm.models import GoldenRecord, SourceRecord
from mdm.source_systems import service as source_systems
from mdm.source_systems.schemas import SourceSystemCreate
from tests.helpers import NPI_A


def test_same_npi_sent_by_many_writers_at_once_makes_one_golden_record(
    fresh_database_url: str,
) -> None:
    engine = create_engine_for_url(fresh_database_url)
    factory = session_factory(engine)
    with factory() as session:
        for code in ("a", "b", "c", "d"):
            source_systems.create(
                session,
                data=SourceSystemCreate(code=code, name=code, sends=["provider"]),
                actor="test",
            )
        session.commit()
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def send(code: str) -> None:
        try:
            barrier.wait()
            with factory() as session:
                service.ingest_batch(
                    session,
                    source_code=code,
                    domain="provider",
                    actor="test",
                    max_rows=10,
                    rows=[{"source_key": "P", "attributes": {"last_name": "Ng", "npi": NPI_A}}],
                )
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=send, args=(c,)) for c in ("a", "b", "c", "d")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 4
        assert session.scalar(select(func.count(func.distinct(SourceRecord.golden_id)))) == 1
        assert session.scalar(select(func.count()).select_from(GoldenRecord)) == 1
    engine.dispose()
