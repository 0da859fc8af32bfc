"""The embedded database's write-ahead log is checkpointed by a thread, not inside commits."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from mdm.db.checkpoint import (
    INTERVAL_SECONDS,
    LOG_LIMIT_BYTES,
    SAFETY_NET_PAGES,
    WalCheckpointer,
)
from mdm.db.engine import create_engine_for_url, wal_checkpointer


def _in_database_file(path: Path) -> int | None:
    """Rows of ``t`` in the database file itself: ``immutable`` reads no write-ahead log, so
    only what a checkpoint copied back is seen. None while a checkpoint is writing the file:
    an immutable reader takes no lock, and a page read halfway through a copy reads as a
    malformed database (seen once in CI); the callers poll again."""
    reader = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        tables = reader.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'").fetchone()
        if tables[0] == 0:
            return 0
        return int(reader.execute("SELECT count(*) FROM t").fetchone()[0])
    except sqlite3.DatabaseError:
        return None
    finally:
        reader.close()


def _eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_commit_reaches_the_database_file_through_the_checkpoint_thread(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    engine = create_engine_for_url(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            # Committing connections only checkpoint past the safety net.
            assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == (
                SAFETY_NET_PAGES
            )
            # ... and the log is cut back to this when it starts over.
            assert connection.execute(text("PRAGMA journal_size_limit")).scalar() == (
                LOG_LIMIT_BYTES
            )
            connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            connection.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "x" * 200}] * 5000)
        checkpointer = wal_checkpointer(engine)
        assert checkpointer is not None
        assert _eventually(lambda: _in_database_file(path) == 5000)
        assert checkpointer.checkpoints >= 1
    finally:
        engine.dispose()


def test_an_in_memory_database_has_no_checkpoint_thread() -> None:
    engine = create_engine_for_url("sqlite://")
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT 1"))
        assert wal_checkpointer(engine) is None
    finally:
        engine.dispose()


def test_the_thread_ends_when_idle_and_a_later_transaction_starts_another(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("PRAGMA wal_autocheckpoint=0")
        setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    checkpointer = WalCheckpointer(str(path), idle_seconds=0.2)
    try:
        writer.execute("INSERT INTO t DEFAULT VALUES")
        checkpointer.wake()
        assert _eventually(lambda: _in_database_file(path) == 1)
        assert _eventually(lambda: not checkpointer.running)

        writer.execute("INSERT INTO t DEFAULT VALUES")
        checkpointer.wake()
        assert _eventually(lambda: _in_database_file(path) == 2)
        assert checkpointer.checkpoints == 2
    finally:
        writer.close()


def test_a_wake_inside_a_wake_does_not_hang(tmp_path: Path) -> None:
    # The collector may close an abandoned connection of the engine inside wake(); its
    # check-in wakes the checkpointer again, on the same thread.
    path = tmp_path / "hub.db"
    sqlite3.connect(path).close()
    checkpointer = WalCheckpointer(str(path), idle_seconds=0.2)

    def reenter() -> None:
        with checkpointer._lock:  # as wake() holds it while it starts the thread
            checkpointer.wake()

    caller = threading.Thread(target=reenter, daemon=True)
    caller.start()
    caller.join(timeout=5)
    assert not caller.is_alive()
    assert _eventually(lambda: checkpointer.checkpoints == 1)


def test_a_burst_of_small_transactions_is_checkpointed_now_and_then_not_after_each(
    tmp_path: Path,
) -> None:
    # Each checkpoint syncs the database file: one per interval, however many commits.
    path = tmp_path / "hub.db"
    engine = create_engine_for_url(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        started = time.monotonic()
        for _ in range(300):
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO t (v) VALUES ('x')"))
        elapsed = time.monotonic() - started
        checkpointer = wal_checkpointer(engine)
        assert checkpointer is not None
        assert _eventually(lambda: _in_database_file(path) == 300)
        assert checkpointer.checkpoints <= elapsed / INTERVAL_SECONDS + 3
    finally:
        engine.dispose()
