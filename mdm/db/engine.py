"""Create engines that behave the same on SQLite and PostgreSQL.

SQLite's Python driver opens transactions lazily and silently commits around DDL, which breaks
SAVEPOINTs and transactional tests. Following the SQLAlchemy documentation's recipe we turn the
driver's own transaction handling off and emit BEGIN ourselves, so both databases get real
transactions with the same semantics.
"""

from __future__ import annotations

import json
import logging
import re
import weakref
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from mdm.db.checkpoint import LOG_LIMIT_BYTES, SAFETY_NET_PAGES, WalCheckpointer

# What orjson writes differently from the standard library goes to the standard library:
# datetimes and dataclasses (refused, as before, rather than written in orjson's own way).
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)
# orjson reads an integer beyond 64 bits as a float; such a number has at least 19 digits.
_LONG_NUMBER = re.compile(r"[0-9]{19}")
_LONG_NUMBER_BYTES = re.compile(rb"[0-9]{19}")


def dumps(value: Any) -> str:
    """JSON columns' text. orjson: a batch writes about fifteen JSON values per record, and the
    standard library's encoder was a tenth of a file load (docs/benchmarks.md). What orjson does
    not take (an integer beyond 64 bits) is written by the standard library, as before."""
    try:
        return orjson.dumps(value, option=_ORJSON_OPTIONS).decode()
    except TypeError:
        return json.dumps(value)


def loads(text: str | bytes) -> Any:
    if isinstance(text, str):
        long = _LONG_NUMBER.search(text) is not None
    else:
        long = _LONG_NUMBER_BYTES.search(text) is not None
    try:
        if not long:
            return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass  # NaN or Infinity, as the standard library wrote them
    # Also an account number of 24 digits, which stays an exact integer.
    return json.loads(text if isinstance(text, str | bytes) else bytes(text))


SQLITE_CACHE_KIB = 16 * 1024
_log = logging.getLogger(__name__)


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, WalCheckpointer] = weakref.WeakKeyDictionary()


def wal_checkpointer(engine: Engine) -> WalCheckpointer | None:
    """The thread checkpointing an SQLite file engine's write-ahead log (None for others)."""
    return _CHECKPOINTERS.get(engine)


def create_engine_for_url(url: str, *, echo: bool = False) -> Engine:
    codec: dict[str, Any] = {"json_serializer": dumps, "json_deserializer": loads}
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30}, **codec)
        path = engine.url.database
        # An in-memory database has no write-ahead log.
        in_memory = path in (None, "", ":memory:") or "mode=memory" in str(engine.url)
        checkpointer = WalCheckpointer(path) if path and not in_memory else None
        if checkpointer is not None:
            _CHECKPOINTERS[engine] = checkpointer

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # WAL lets API reads proceed while a batch is being written.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # 16 MiB of page cache rather than SQLite's 2 MiB: a file's chunk writes tens of
            # thousands of blocking keys into an index in hash order, which at 2 MiB re-reads
            # its pages from the operating system over and over (a third of the insert's time
            # on Febrl 4's second file; 16 MiB wins most of it back, 64 MiB little more). Each
            # pooled connection keeps its own cache as it fills: up to 80 MiB for the five a
            # process keeps, 240 MiB with all fifteen open.
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            if checkpointer is not None:
                # The log is checkpointed by a thread of its own (mdm.db.checkpoint).
                cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
                cursor.execute(f"PRAGMA journal_size_limit={LOG_LIMIT_BYTES}")
            cursor.close()

        if checkpointer is not None:

            @event.listens_for(engine, "checkin")
            def _sqlite_checkin(_dbapi_connection: Any, _record: Any) -> None:
                try:
                    checkpointer.wake()
                except Exception:
                    # Never at the pool's expense (a connection it would lose): the committing
                    # connections' safety net still checkpoints.
                    _log.warning("could not wake the checkpoint thread", exc_info=True)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # IMMEDIATE takes the write lock up front: two writers queue instead of deadlocking
            # on a lock upgrade halfway through an ingest.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, **codec)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
