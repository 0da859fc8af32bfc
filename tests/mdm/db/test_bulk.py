"""Bulk work: append-only rows written in bulk stay as visible as ORM objects would be, go
with a rolled-back transaction, and the collector resumes afterwards."""

from __future__ import annotations

import enum
import gc
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from mdm.audit import service as audit
from mdm.db import bulk, create_engine_for_url
from mdm.models import (
    AuditEntry,
    GoldenRecord,
    GoldenStatus,
    SourceRecord,
    SourceRecordStatus,
    SourceSystem,
)
from mdm.models.base import JSONType, UTCDateTime, utcnow


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


def test_what_exists_when_the_app_starts_is_frozen_while_it_runs(database_url: str) -> None:
    from fastapi.testclient import TestClient

    from mdm.api.app import create_app
    from mdm.config import Settings

    before = gc.get_freeze_count()
    with TestClient(create_app(Settings(database_url=database_url))):
        assert gc.get_freeze_count() > before + 10_000  # modules, the app, its routes
    assert gc.get_freeze_count() == 0  # back to the oldest generation: collectable again


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


# --- buffered rows are stored as ORM objects would store them ---------------------------------


class _Base(DeclarativeBase):
    pass


class _Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class _Shaped(_Base):
    """Every kind of column the buffered tables have: JSON (a null one too), an enum, a UTC
    timestamp, an SQL keyword as a name, and a left-out column with a scalar default."""

    __tablename__ = "bulk_shaped"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str] = mapped_column(String(20))
    colour: Mapped[_Colour] = mapped_column(SAEnum(_Colour, native_enum=False, length=8))
    detail: Mapped[Any] = mapped_column(JSONType, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    size: Mapped[int] = mapped_column(Integer, default=7)


class _Noted(_Base):
    """A nullable JSON column without a default."""

    __tablename__ = "bulk_noted"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[Any] = mapped_column(JSONType, nullable=True)


class _Stamped(_Base):
    """A left-out column whose default is computed per row."""

    __tablename__ = "bulk_stamped"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(20))
    stamped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_SHAPES: list[dict[str, Any]] = [
    {
        "trigger": "batch 1",
        "colour": _Colour.RED,
        "detail": {"k": [1, 2.5, None, "é\u2028"], "n": {"deep": True}},
        "at": datetime(2026, 12, 5, 23, 59, 58, 123456, tzinfo=UTC),
    },
    {
        "trigger": "select",
        "colour": _Colour.BLUE,
        "detail": None,
        "at": datetime(2026, 12, 6, 1, 0, tzinfo=timezone(timedelta(hours=2))),
    },
    {"trigger": "", "colour": _Colour.RED, "detail": [], "at": datetime(1970, 1, 1, tzinfo=UTC)},
]


def test_buffered_rows_are_stored_as_orm_objects_store_them(fresh_database_url: str) -> None:
    engine = create_engine_for_url(fresh_database_url)
    try:
        _Base.metadata.create_all(engine)
        with Session(engine) as session:
            with bulk.work(session):
                for i, shape in enumerate(_SHAPES):
                    bulk.add(session, _Shaped, {"label": f"bulk-{i}", **shape})
                    bulk.add(session, _Stamped, {"label": f"bulk-{i}"})
            for i, shape in enumerate(_SHAPES):
                bulk.add(session, _Shaped, {"label": f"orm-{i}", **shape})  # outside: objects
            session.commit()
        with engine.connect() as connection:
            stored = {
                label: rest
                for label, *rest in connection.execute(
                    text(
                        'SELECT label, "trigger", colour, CAST(detail AS TEXT), '
                        "CAST(at AS TEXT), size FROM bulk_shaped"
                    )
                )
            }
            stamps = connection.execute(text("SELECT stamped_at FROM bulk_stamped")).all()
        with Session(engine) as session:
            loaded = {r.label: r for r in session.scalars(select(_Shaped))}
        for i, shape in enumerate(_SHAPES):
            # Byte for byte what the ORM wrote, and read back as what was given.
            assert stored[f"bulk-{i}"] == stored[f"orm-{i}"]
            row = loaded[f"bulk-{i}"]
            assert (row.trigger, row.colour, row.detail, row.at, row.size) == (
                shape["trigger"],
                shape["colour"],
                shape["detail"],
                shape["at"],
                7,
            )
        assert len(stamps) == 3  # a computed default is computed for each row
        assert all(s is not None for (s,) in stamps)
    finally:
        _Base.metadata.drop_all(engine)
        engine.dispose()


# --- new objects written at once ----------------------------------------------------------------


def _golden(golden_id: str, **values: Any) -> GoldenRecord:
    now = utcnow()
    return GoldenRecord(
        id=golden_id,
        domain="provider",
        status=GoldenStatus.ACTIVE,
        version=1,
        attributes=values.get("attributes", {"last_name": "Okafor", "npi": "1234567893"}),
        lineage={},
        created_at=now,
        updated_at=now,
    )


def _record(system: SourceSystem, record_id: int, golden_id: str) -> SourceRecord:
    now = utcnow()
    return SourceRecord(
        id=record_id,
        source_system_id=system.id,
        source_system=system,
        domain="provider",
        source_key=f"K{record_id}",
        status=SourceRecordStatus.ACTIVE,
        golden_id=golden_id,
        raw={"source_key": f"K{record_id}", "attributes": {"last_name": "Okafor"}},
        attributes={"last_name": "Okafor"},
        quality_issues=[],
        payload_hash="0" * 64,
        version=1,
        created_at=now,
        updated_at=now,
    )


def _system(session: Session) -> SourceSystem:
    system = SourceSystem(code="bulk-new", name="Bulk", sends_domains=["provider"])
    session.add(system)
    session.flush()
    return system


def _stored(session: Session, table: str, key: str, value: Any) -> dict[str, Any]:
    row = session.execute(text(f"SELECT * FROM {table} WHERE {key} = :v"), {"v": value})
    return dict(row.mappings().one())


def test_new_objects_are_stored_as_a_flush_stores_them_and_become_persistent(
    session: Session,
) -> None:
    system = _system(session)
    with bulk.work(session):
        bulk.insert_new(session, [_golden("PRV-BULK-1")])  # merged_into_id, event_sequence left out
        bulk.insert_new(session, [_record(system, 900_001, "PRV-BULK-1")])
    session.add(_golden("PRV-ORM-1"))
    session.add(_record(system, 900_002, "PRV-ORM-1"))
    session.flush()

    bulk_golden = _stored(session, "golden_record", "id", "PRV-BULK-1")
    orm_golden = _stored(session, "golden_record", "id", "PRV-ORM-1")
    assert {
        k: v for k, v in bulk_golden.items() if k not in ("id", "created_at", "updated_at")
    } == {k: v for k, v in orm_golden.items() if k not in ("id", "created_at", "updated_at")}
    bulk_record = _stored(session, "source_record", "id", 900_001)
    orm_record = _stored(session, "source_record", "id", 900_002)
    different = {"id", "source_key", "golden_id", "raw", "created_at", "updated_at"}
    assert {k: v for k, v in bulk_record.items() if k not in different} == {
        k: v for k, v in orm_record.items() if k not in different
    }

    # Persistent, with nothing pending: a change is an UPDATE, and the session reads nothing.
    golden = session.get(GoldenRecord, "PRV-BULK-1")
    assert golden is not None
    assert golden.merged_into_id is None
    assert golden.event_sequence == 0
    assert not session.new
    golden.attributes = {"last_name": "Okafor-Reyes"}
    session.flush()
    assert _stored(session, "golden_record", "id", "PRV-BULK-1")["attributes"] is not None
    session.expire_all()
    assert session.get(GoldenRecord, "PRV-BULK-1").attributes == {"last_name": "Okafor-Reyes"}  # type: ignore[union-attr]
    record = session.get(SourceRecord, 900_001)
    assert record is not None
    assert record.source_system.code == "bulk-new"
    assert record.raw["source_key"] == "K900001"


def _golden_rows(session: Session, golden_id: str) -> int:
    return int(
        session.scalar(text("SELECT count(*) FROM golden_record WHERE id = :g"), {"g": golden_id})
        or 0
    )


# What a flush leaves behind, which insert_new must leave too (SQLite writes through the driver;
# PostgreSQL adds and flushes, so there these tests describe the ORM itself).


def _insert_then_fail(session: Session, golden: GoldenRecord) -> None:
    with bulk.work(session):
        bulk.insert_new(session, [golden])
        assert session.get(GoldenRecord, golden.id) is golden
        raise RuntimeError("stop")


def test_a_rollback_takes_new_objects_out_of_the_session_with_their_values(
    session: Session,
) -> None:
    system = _system(session)
    session.commit()  # the test session's commit: the system stays
    golden = _golden("PRV-BULK-2")
    with pytest.raises(RuntimeError, match="stop"):
        _insert_then_fail(session, golden)
    session.rollback()
    assert golden not in session
    assert inspect(golden).transient
    assert (golden.id, golden.version) == ("PRV-BULK-2", 1)  # as a flush's object keeps them
    assert _golden_rows(session, "PRV-BULK-2") == 0
    # The same key can be written again in the same session.
    with bulk.work(session):
        bulk.insert_new(session, [_golden("PRV-BULK-2")])
        bulk.insert_new(session, [_record(system, 900_003, "PRV-BULK-2")])
    session.commit()
    assert _golden_rows(session, "PRV-BULK-2") == 1


def test_a_savepoint_rolled_back_later_keeps_new_objects_written_before_it(
    session: Session,
) -> None:
    golden = _golden("PRV-BULK-4")
    with bulk.work(session):
        bulk.insert_new(session, [golden])
    with pytest.raises(RuntimeError, match="stop"), session.begin_nested():
        raise RuntimeError("stop")
    savepoint = session.begin_nested()
    session.add(SourceSystem(code=None, name=None))  # a flush that fails inside a savepoint
    with pytest.raises(IntegrityError):
        session.flush()
    savepoint.rollback()
    assert golden in session
    golden.version = 2
    session.flush()
    assert _stored(session, "golden_record", "id", "PRV-BULK-4")["version"] == 2


def test_a_savepoint_released_then_a_rollback_takes_new_objects_out(session: Session) -> None:
    golden = _golden("PRV-BULK-5")
    with bulk.work(session):
        bulk.insert_new(session, [golden])
    with session.begin_nested():
        pass
    session.rollback()
    assert golden not in session
    assert _golden_rows(session, "PRV-BULK-5") == 0


def test_new_objects_of_a_savepoint_rolled_back_leave_the_session(session: Session) -> None:
    golden = _golden("PRV-BULK-6")
    savepoint = session.begin_nested()
    with bulk.work(session):
        bulk.insert_new(session, [golden])
    savepoint.rollback()
    assert golden not in session
    assert session.get(GoldenRecord, "PRV-BULK-6") is None  # no object without its row
    with bulk.work(session):
        bulk.insert_new(session, [_golden("PRV-BULK-6")])  # the key is free again
    assert _golden_rows(session, "PRV-BULK-6") == 1


def test_a_nullable_column_left_out_is_null_as_a_flush_leaves_it(
    fresh_database_url: str,
) -> None:
    engine = create_engine_for_url(fresh_database_url)
    try:
        _Base.metadata.create_all(engine)
        with Session(engine) as session:
            with bulk.work(session):
                bulk.insert_new(session, [_Noted(id=1)])
            session.add(_Noted(id=2))
            session.flush()
            stored = session.execute(
                text("SELECT id, note IS NULL FROM bulk_noted ORDER BY id")
            ).all()
            assert [tuple(r) for r in stored] == [(1, True), (2, True)]
            assert session.get(_Noted, 1).note is None  # type: ignore[union-attr]
            session.commit()
    finally:
        _Base.metadata.drop_all(engine)
        engine.dispose()


def test_a_new_object_must_carry_what_has_no_plain_default(session: Session) -> None:
    system = _system(session)
    record = _record(system, 900_004, "PRV-BULK-3")
    del record.payload_hash
    with bulk.work(session):
        bulk.insert_new(session, [_golden("PRV-BULK-3")])
        # Refused by name before anything is written (a flush: by the database, by name too).
        with pytest.raises((ValueError, IntegrityError), match="payload_hash"):
            bulk.insert_new(session, [record])
