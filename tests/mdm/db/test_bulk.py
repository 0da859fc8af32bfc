"""Bulk work: append-only rows written in bulk stay as visible as ORM objects would be, go
with a rolled-back transaction, and the collector resumes afterwards."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.db import bulk, create_engine_for_url
from mdm.models import AuditEntry


def _entries(session: Session, entity_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == entity_id)
        )
        or 0
    )


def _note(session: Session, entity_id: str) -> None:
    audit.record(session, actor="t", action="test.noted", entity_type="test", entity_id=entity_id)


def test_buffered_rows_are_seen_by_the_next_query_and_in_order(session: Session) -> None:
    with bulk.work(session):
        _note(session, "bulk-1")
        _note(session, "bulk-1")
        assert _entries(session, "bulk-1") == 2  # a query inside the scope sees them
        _note(session, "bulk-1")
    assert _entries(session, "bulk-1") == 3
    ids = session.scalars(
        select(AuditEntry.id).where(AuditEntry.entity_id == "bulk-1").order_by(AuditEntry.id)
    ).all()
    assert len(set(ids)) == 3


def test_rows_inside_no_autoflush_wait_like_pending_objects(session: Session) -> None:
    with bulk.work(session):
        with session.no_autoflush:
            _note(session, "bulk-2")
            assert _entries(session, "bulk-2") == 0
        assert _entries(session, "bulk-2") == 1


def test_a_commit_writes_what_is_buffered(session: Session) -> None:
    with bulk.work(session):
        _note(session, "bulk-3")
        session.commit()  # the test session's commit releases a savepoint
        assert session.info[bulk._BUFFER].rows == {}
    assert _entries(session, "bulk-3") == 1


def _fail_inside(session: Session, entity_id: str) -> None:
    with bulk.work(session):
        _note(session, entity_id)
        raise ValueError("boom")


def _savepoint_inside(session: Session) -> None:
    with bulk.work(session):
        _note(session, "bulk-5")
        session.begin_nested()


def test_an_error_inside_leaves_the_buffer_to_the_rollback(session: Session) -> None:
    with pytest.raises(ValueError, match="boom"):
        _fail_inside(session, "bulk-4")
    assert bulk._BUFFER not in session.info
    session.rollback()
    assert _entries(session, "bulk-4") == 0


def test_a_savepoint_inside_is_refused(session: Session) -> None:
    with pytest.raises(RuntimeError, match="savepoint"):
        _savepoint_inside(session)


def test_outside_the_scope_rows_are_orm_objects(session: Session) -> None:
    _note(session, "bulk-6")
    assert any(isinstance(o, AuditEntry) for o in session.new)
    assert _entries(session, "bulk-6") == 1


def test_the_collector_is_paused_inside_and_resumes_after(session: Session) -> None:
    assert gc.isenabled()
    with bulk.work(session):
        assert not gc.isenabled()
        with bulk.work(session):  # nested: joins the outer scope
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        _fail_inside(session, "bulk-7")
    assert gc.isenabled()


def test_a_rollback_inside_takes_the_buffered_rows_with_it(session: Session) -> None:
    with bulk.work(session):
        _note(session, "bulk-8")
        session.rollback()
        _note(session, "bulk-8b")
    assert _entries(session, "bulk-8") == 0
    assert _entries(session, "bulk-8b") == 1


def test_after_an_error_the_rows_share_the_transactions_fate(session: Session) -> None:
    with pytest.raises(ValueError, match="boom"):
        _fail_inside(session, "bulk-9")
    # The caller handled the error and goes on: the row is pending, as an ORM object would be.
    assert _entries(session, "bulk-9") == 1


def test_a_statement_that_does_not_autoflush_leaves_the_rows_buffered(session: Session) -> None:
    with bulk.work(session):
        _note(session, "bulk-10")
        quiet = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity_id == "bulk-10")
            .execution_options(autoflush=False)
        )
        assert quiet == 0
        assert _entries(session, "bulk-10") == 1


def test_overlapping_work_still_collects_now_and_then(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    collections: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            collections.append(phase)

    monkeypatch.setattr(bulk, "COLLECT_EVERY", 0.0)
    gc.callbacks.append(seen)
    try:
        with Session(engine) as other, bulk.work(other):
            # Another request's batch keeps the collector paused all along.
            with bulk.work(session):
                pass
            assert collections  # this one ended past COLLECT_EVERY: it collected
            assert not gc.isenabled()
    finally:
        gc.callbacks.remove(seen)
    assert gc.isenabled()


def _plain_table(url: str) -> tuple[Engine, Table]:
    engine = create_engine_for_url(url)
    table = Table("plain", MetaData(), Column("v", Integer, nullable=False, unique=True))
    table.create(engine)
    return engine, table


def _committed(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM plain")).scalar_one())


def test_plain_rows_go_in_after_what_is_buffered_and_commit_with_the_transaction(
    fresh_database_url: str,
) -> None:
    engine, plain = _plain_table(fresh_database_url)
    try:
        with Session(engine) as session, bulk.work(session):
            _note(session, "plain-1")  # buffered rows go first, as for any statement
            bulk.insert_rows(session, plain, ["v"], [(v,) for v in range(50_000)])
            assert session.scalar(text("SELECT count(*) FROM plain")) == 50_000
            assert _entries(session, "plain-1") == 1
            bulk.insert_rows(session, plain, ["v"], [(v,) for v in range(50_000, 60_000)])
            session.commit()
        assert _committed(engine) == 60_000
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                kept = connection.execute(text("SELECT v FROM plain ORDER BY rowid")).scalars()
                assert kept.all() == list(range(60_000))  # in the order given
    finally:
        engine.dispose()


def test_plain_rows_that_break_a_constraint_are_refused_at_once_and_nothing_lands(
    fresh_database_url: str,
) -> None:
    engine, plain = _plain_table(fresh_database_url)
    try:
        with Session(engine) as session:
            with pytest.raises(IntegrityError, match="(?i)unique"):
                bulk.insert_rows(session, plain, ["v"], [(1,), (2,), (1,)])  # 1 twice
        with Session(engine) as session:
            with pytest.raises(IntegrityError, match="(?i)not null|null value"):
                bulk.insert_rows(session, plain, ["v"], [(None,)])
        assert _committed(engine) == 0
    finally:
        engine.dispose()
