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

:func:`insert_rows` writes rows of plain values (the blocking index) in one statement, and
:func:`insert_new` new records and golden records, made persistent as a flush would.
"""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import orjson
from sqlalchemy import Table, event, insert, inspect
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, SessionTransaction

_BUFFER = "mdm.db.bulk.buffer"


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


@contextmanager
def startup_objects_frozen() -> Iterator[None]:
    """While an application runs, keep what existed when it started (modules, the app with its
    routes and schemas, the settings) out of the collector's walks.

    They live as long as the application, yet a full collection walks them all: two thirds of
    the tracked objects after a file load, and 0.12 to 0.2 s of the collections that fell
    inside a load of Febrl 4 (0.02 to 0.05 s frozen; docs/benchmarks.md). Freezing moves them
    aside without walking them; when the application shuts down they go back to the oldest
    generation, so an application shut down inside a longer process (tests, ``mdm demo``) and
    whatever cycles were frozen with it can be collected.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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
            _insert_many(session, table, buffer.rows.pop(table))
    finally:
        buffer.draining = False


def _insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` ``rows`` (by column key) into ``table``: one ``executemany`` per set of
    columns the rows give (callers of a table mostly agree).

    On SQLite each value goes through its column type's own bind processor (JSON text, UTC
    datetimes, enums: what Core would send) and the rows go to the driver's ``executemany``:
    Core's per-row parameter assembly cost more than the insert itself (docs/benchmarks.md).
    Left-out columns get their scalar defaults. A table whose left-out columns have computed
    defaults, and PostgreSQL (whose JSON binds carry casts), go through Core's ``executemany``.
    """
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        shapes.setdefault(tuple(row), []).append(row)
    connection = session.connection()
    dialect = connection.dialect
    for columns, same in shapes.items():
        plan: _Plan | None = None
        if dialect.name == "sqlite":
            # Per dialect: its JSON processor is its engine's serialiser.
            plans = _PLANS.setdefault(dialect, {})
            plan = plans.get((table, columns))
            if plan is None:
                plan = plans[(table, columns)] = _Plan.of(table, columns, dialect)
        if plan is None or plan.statement is None:
            session.execute(insert(table), same)
            continue
        processors, defaults = plan.processors, plan.defaults
        values: list[tuple[Any, ...]] = []
        for row in same:
            value = [row[key] for key in columns]
            for index, processor in processors:
                value[index] = processor(value[index])
            values.append((*value, *defaults))
        connection.exec_driver_sql(plan.statement, values)


class _Plan:
    """How rows of one shape go into one table: the statement (None: through Core), the
    processors of the columns that need one, and the values of the left-out columns."""

    __slots__ = ("statement", "processors", "defaults")

    def __init__(
        self,
        statement: str | None,
        processors: Sequence[tuple[int, Callable[[Any], Any]]] = (),
        defaults: tuple[Any, ...] = (),
    ) -> None:
        self.statement = statement
        self.processors = processors
        self.defaults = defaults

    @classmethod
    def of(cls, table: Table, columns: tuple[str, ...], dialect: Any) -> _Plan:
        left_out = [c for c in table.columns if c.key not in columns and c.default is not None]
        if not all(getattr(c.default, "is_scalar", False) for c in left_out):
            return cls(None)
        given = [table.c[key] for key in columns]
        processors: list[tuple[int, Callable[[Any], Any]]] = [
            (i, processor)
            for i, column in enumerate(given)
            if (processor := column.type.dialect_impl(dialect).bind_processor(dialect))
        ]
        defaults = []
        for column in left_out:
            value = column.default.arg  # type: ignore[union-attr]
            processor = column.type.dialect_impl(dialect).bind_processor(dialect)
            defaults.append(processor(value) if processor else value)
        quote = dialect.identifier_preparer.quote  # "trigger", for one, is a keyword
        names = ", ".join(quote(c.name) for c in (*given, *left_out))
        statement = (
            f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) "
            f"VALUES ({', '.join(['?'] * (len(given) + len(left_out)))})"
        )
        return cls(statement, processors, tuple(defaults))


_PLANS: weakref.WeakKeyDictionary[Any, dict[tuple[Table, tuple[str, ...]], _Plan]] = (
    weakref.WeakKeyDictionary()
)


def insert_new(session: Session, objects: Sequence[DeclarativeBase]) -> None:
    """Write new (transient) objects now and make them persistent, as adding and flushing
    them would.

    Inside :func:`work` on SQLite their rows go to the driver as buffered rows do, without the
    unit of work's per-object bookkeeping: a file's chunk founds thousands of golden records and
    writes thousands of source records (docs/benchmarks.md). There every column must be set on
    the object (its primary key included, a foreign key as a column and not only through its
    relationship), except one with a plain default, or none and nullable. Elsewhere they are
    added and flushed.

    What the session holds goes first (not the buffered rows, which may name these objects).
    """
    if not objects:
        return
    if session.info.get(_BUFFER) is None or session.connection().dialect.name != "sqlite":
        session.add_all(objects)
        session.flush()
        return
    by_class: dict[type[DeclarativeBase], list[DeclarativeBase]] = {}
    for obj in objects:
        by_class.setdefault(type(obj), []).append(obj)
    rows_of = {model: _rows_of_new(model, group) for model, group in by_class.items()}
    session.flush()
    for model, group in by_class.items():
        _insert_many(session, cast(Table, model.__table__), rows_of[model])
        session.add_all(group)
        # What a flush does once it has inserted pending objects: they take their identity,
        # their attributes become the loaded state, and the transaction (or savepoint) notes
        # them as new, so that its rollback takes them out of the session again and its
        # release keeps them. A private method of SQLAlchemy's (2.0 to 2.1); the tests of
        # insert_new in tests/mdm/db/test_bulk.py pin what it must do.
        session._register_persistent({inspect(obj) for obj in group})


def _rows_of_new(
    model: type[DeclarativeBase], objects: Sequence[DeclarativeBase]
) -> list[dict[str, Any]]:
    """The rows of new ``objects``, by column key. A column an object leaves out takes its
    plain default (set on the object too); one without a default that may be null is left to
    the database (NULL, as a flush leaves it, and None on the object); any other is refused."""
    keys: list[tuple[str, str]] = []
    defaults: dict[str, Any] = {}
    nulls: set[str] = set()
    for prop in inspect(model).column_attrs:
        mapped = prop.columns[0]
        keys.append((prop.key, mapped.key))
        if mapped.default is not None and mapped.default.is_scalar:
            defaults[prop.key] = mapped.default.arg
        elif mapped.default is None and mapped.server_default is None and mapped.nullable:
            nulls.add(prop.key)
    rows = []
    for obj in objects:
        values = obj.__dict__
        row: dict[str, Any] = {}
        missing = []
        for key, column in keys:
            if key in values:
                row[column] = values[key]
            elif key in defaults:
                setattr(obj, key, defaults[key])
                row[column] = values[key]
            elif key in nulls:
                setattr(obj, key, None)
            else:
                missing.append(key)
        if missing:
            raise ValueError(f"a new {model.__name__} leaves {', '.join(missing)} unset")
        rows.append(row)
    return rows


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


# --- plain rows in one statement ---------------------------------------------------------------

# ``->>`` (SQLite 3.38) reads a JSON array's element as the SQL value it holds.
_JSON_ROWS = sqlite3.sqlite_version_info >= (3, 38)


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (plain text, numbers and None, in ``columns`` order) into ``table`` in
    the session's transaction, as the driver takes them (no per-row parameter processing).

    On SQLite the rows go as one JSON array into one ``INSERT ... SELECT`` over ``json_each``:
    SQLite inserts them all in one step, where an ``executemany`` returns to Python for every
    row (Febrl 4's 80,000 blocking keys of a chunk: 0.22 to 0.43 s against 0.37 to 0.47 s in a
    micro-benchmark). Elsewhere, and on SQLite before 3.38, one ``executemany``.
    """
    flush(session)  # what the session holds goes first, as any statement would have it
    connection = session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "sqlite" and _JSON_ROWS:
        values = ", ".join(f"value ->> {i}" for i in range(len(columns)))
        connection.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) SELECT {values} FROM json_each(?)",
            (orjson.dumps(rows).decode(),),
        )
        return
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([marker] * len(columns))})",
        list(rows),
    )
