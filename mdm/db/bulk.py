"""Bulk work in one transaction: a batch of records, a file's chunk, a domain re-matched.

Two costs grow with such work and not with what it decides:

* Append-only rows (audit entries, golden versions, outbox events, match decisions, pairs):
  several per record. As ORM objects each costs a state, an identity-map entry and a place in
  the unit of work's flush, about ten times what a Core ``executemany`` costs for the same row.
  Nothing reads them back as objects in the transaction that writes them, so inside
  :func:`work` they are kept as plain values and inserted with one statement per table.
* CPython's cyclic collector: a batch allocates millions of short-lived containers, and with
  the default thresholds the collector runs thousands of times per batch, each time walking
  every tracked object, caches and identity map included (a third of the time of a 5,000-record
  batch, measured in ``docs/benchmarks.md``). Inside :func:`work` it is paused; reference
  counting still frees everything that is not in a cycle, and the collector resumes its usual
  cadence when the last bulk work in the process ends (while scopes keep overlapping, one of
  them collects once a minute).

They stay as visible as pending ORM objects would be: before any statement the session runs
inside the scope they are flushed (after the session's own autoflush, so the rows they refer to
exist first), and at the end of the scope and before a commit they are written too. Outside the
scope :func:`add` adds an ORM object.

A scope must not contain a savepoint: rows buffered before it would be written inside it and be
lost with it if it rolled back, so opening one raises.

:func:`insert_behind` writes rows of plain values (the blocking index) on SQLite on a thread of
its own, in the same transaction: SQLite's work runs on the second core while this thread goes
on, and the connection's next statement, commit or rollback waits for it first.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Engine, Table, event, insert
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, SessionTransaction
from sqlalchemy.pool import ConnectionPoolEntry

_BUFFER = "mdm.db.bulk.buffer"
_log = logging.getLogger(__name__)


class _Buffer:
    __slots__ = ("rows", "models", "draining")

    def __init__(self) -> None:
        self.rows: dict[Table, list[dict[str, Any]]] = {}
        self.models: dict[Table, type[DeclarativeBase]] = {}
        self.draining = False


def add(session: Session, model: type[DeclarativeBase], values: dict[str, Any]) -> None:
    """Add one append-only row of ``model``: buffered inside :func:`work`, else an ORM object
    added to the session."""
    buffer: _Buffer | None = session.info.get(_BUFFER)
    if buffer is None:
        session.add(model(**values))
        return
    if not session.in_transaction():
        # As adding an object would: the rows belong to a transaction, whose rollback (even
        # before it wrote anything) then takes them along.
        session.connection()
    table = cast(Table, model.__table__)
    buffer.models[table] = model
    buffer.rows.setdefault(table, []).append(values)


@contextmanager
def work(session: Session) -> Iterator[None]:
    """Bulk work on ``session``; a nested scope joins the outer one."""
    if session.info.get(_BUFFER) is not None:
        yield
        return
    buffer = session.info[_BUFFER] = _Buffer()
    try:
        with _collector_paused():
            yield
            flush(session)
    except BaseException:
        # The transaction is the caller's to roll back or, having handled the error, to
        # commit: what is still buffered becomes pending objects and shares its fate.
        session.add_all(
            buffer.models[table](**values) for table, rows in buffer.rows.items() for values in rows
        )
        raise
    finally:
        session.info.pop(_BUFFER, None)


# Bulk work may run in several threads (API requests) at once: the collector resumes when the
# last of them ends, and only if it was running when the first began. Under steady load the
# scopes may overlap for good; then the scope that ends after the collector has been paused
# for COLLECT_EVERY seconds collects once itself, so cycles never pile up.
COLLECT_EVERY = 60.0
_PAUSES = 0
_RESUME = False
_PAUSED_SINCE = 0.0
_PAUSES_LOCK = threading.Lock()


@contextmanager
def _collector_paused() -> Iterator[None]:
    global _PAUSES, _RESUME, _PAUSED_SINCE
    with _PAUSES_LOCK:
        if _PAUSES == 0:
            _RESUME = gc.isenabled()
            _PAUSED_SINCE = time.monotonic()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        collect = False
        with _PAUSES_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0:
                if _RESUME:
                    gc.enable()
            elif _RESUME and time.monotonic() - _PAUSED_SINCE >= COLLECT_EVERY:
                _PAUSED_SINCE = time.monotonic()
                collect = True
        if collect:
            gc.collect()


def flush(session: Session) -> None:
    """Write pending ORM objects, then the buffered rows, now: what a statement the session
    runs would write first (call it before a statement that bypasses the session)."""
    buffer: _Buffer | None = session.info.get(_BUFFER)
    if buffer is None or not buffer.rows:
        session.flush()
        return
    if buffer.draining:
        return
    buffer.draining = True
    try:
        session.flush()
        # No buffered table names another (their rows name records and golden records, which
        # the flush above wrote), so tables go in the order their first row was buffered.
        while buffer.rows:
            table = next(iter(buffer.rows))
            rows = buffer.rows.pop(table)
            # One executemany takes one set of columns; callers of a table mostly agree.
            shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in rows:
                shapes.setdefault(tuple(row), []).append(row)
            for same in shapes.values():
                session.execute(insert(table), same)
    finally:
        buffer.draining = False


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    session = state.session
    buffer: _Buffer | None = session.info.get(_BUFFER)
    if buffer is None or not buffer.rows or buffer.draining:
        return
    # Where a statement would not flush pending objects (no_autoflush, a statement's own
    # autoflush=False, as lazy loads run), rows that may name them stay unwritten too.
    if not session.autoflush or not state.execution_options.get("autoflush", True):
        return
    if state.is_select and not state.load_options._autoflush:
        return
    flush(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_BUFFER) is not None:
        flush(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # No savepoint is opened inside the scope, so a rollback there is the transaction's: the
    # rows buffered since go with it, as pending objects would.
    buffer: _Buffer | None = session.info.get(_BUFFER)
    if buffer is not None:
        buffer.rows.clear()


@event.listens_for(Session, "after_transaction_create")
def _no_savepoint_inside(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested and session.info.get(_BUFFER) is not None:
        raise RuntimeError("a savepoint cannot be opened inside bulk.work()")


# --- rows written behind: SQLite's own work on the second core -------------------------------

_BEHIND = "mdm.db.bulk.behind"


class _Behind:
    """One SQLite statement running on a thread of its own, on the connection's driver object."""

    __slots__ = ("thread", "error")

    def __init__(self, driver: Any, statement: str, parameters: tuple[Any, ...]) -> None:
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._run,
            args=(driver, statement, parameters),
            name="mdm-write-behind",
            daemon=True,
        )
        self.thread.start()

    def _run(self, driver: Any, statement: str, parameters: tuple[Any, ...]) -> None:
        try:
            cursor = driver.cursor()
            try:
                cursor.execute(statement, parameters)
            finally:
                cursor.close()
        except BaseException as exc:  # raised in the issuing thread when it waits
            self.error = exc


# ``->>`` (SQLite 3.38) reads a JSON array's element as the SQL value it holds.
_JSON_ROWS = sqlite3.sqlite_version_info >= (3, 38)


def insert_behind(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (plain text, numbers and None, in ``columns`` order) into ``table`` in
    the session's transaction: on SQLite on a thread of its own while this one goes on;
    elsewhere at once.

    On SQLite the rows go as one JSON array into one ``INSERT ... SELECT`` over ``json_each``:
    SQLite then runs the whole insert without Python's lock (an ``executemany`` takes the lock
    back for every row, and behind a busy thread took twice as long as in front of it), so a
    batch's 80,000 blocking keys go in on the second core while the batch's decisions and audit
    rows are made on this one. Any statement, commit or rollback on the connection first waits
    for the insert, and an error of the insert is raised there: nothing commits without it.
    """
    flush(session)  # what the session holds goes first, as any statement would have it
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name != "sqlite" or not _JSON_ROWS:
        marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([marker] * len(columns))})",
            list(rows),
        )
        return
    _wait(connection.info)
    values = ", ".join(f"value ->> {i}" for i in range(len(columns)))
    statement = f"INSERT INTO {table.name} ({names}) SELECT {values} FROM json_each(?)"
    driver = connection.connection.driver_connection
    connection.info[_BEHIND] = _Behind(driver, statement, (orjson.dumps(rows).decode(),))


def _wait(info: dict[Any, Any]) -> None:
    behind: _Behind | None = info.pop(_BEHIND, None)
    if behind is None:
        return
    behind.thread.join()
    if behind.error is not None:
        raise behind.error


@event.listens_for(Engine, "before_cursor_execute")
def _wait_before_statement(conn: Connection, *_: Any) -> None:
    _wait(conn.info)


@event.listens_for(Engine, "commit")
def _wait_before_commit(conn: Connection) -> None:
    _wait(conn.info)


@event.listens_for(Engine, "rollback")
def _wait_before_rollback(conn: Connection) -> None:
    # The rows go with the transaction; only the driver must be free for the rollback.
    try:
        _wait(conn.info)
    except Exception:
        _log.warning("rows written behind failed in a transaction being rolled back", exc_info=True)


@event.listens_for(Engine, "checkin")
def _wait_before_checkin(_driver: Any, record: ConnectionPoolEntry) -> None:
    # A connection going back to the pool (closed or invalidated) mid-write: let the write end
    # before anyone else gets the driver.
    try:
        _wait(record.info)
    except Exception:
        _log.warning("rows written behind failed on a connection being returned", exc_info=True)
