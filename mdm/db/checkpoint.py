"""The embedded database's write-ahead log, checkpointed on a thread of its own.

In WAL mode SQLite appends each commit to the log, and a checkpoint copies the log back into the
database file (and syncs it). By default the connection that commits runs the checkpoint inside
its COMMIT once the log passes 1,000 pages: a file's chunk writes tens of thousands of pages, so
each chunk's commit waited for tens of megabytes to be copied and synced, about a twentieth of a
Febrl 4 load (docs/benchmarks.md). SQLite's documentation offers the alternative used here: the
committing connections leave the checkpoint to a thread that runs it as soon as a connection is
back in the pool. SQLite runs the copy without Python's lock, so on a machine with a second core
the next chunk goes on meanwhile.

The thread starts with the first transaction and ends after :data:`IDLE_SECONDS` without one, so
an engine that is dropped without ``dispose()`` (or a forked worker) leaves no thread behind.
Checkpoints are PASSIVE: they never wait for readers or writers, and copy what they can. SQLite
starts the log over only when a writer begins after a checkpoint that copied everything; a file
whose chunks commit back to back begins each chunk before the thread has finished, so the log
grows during such a load, up to :data:`SAFETY_NET_PAGES` (400 MiB), where the committing
connection checkpoints itself, as before. Once the log starts over, SQLite truncates the file
to :data:`LOG_LIMIT_BYTES`.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable

# The log's size (4 KiB pages) past which a committing connection checkpoints itself all the same:
# 400 MiB, several of a file's chunks, well above what one transaction writes.
SAFETY_NET_PAGES = 100_000
IDLE_SECONDS = 5.0
# The least time from one checkpoint's start to the next one's.
INTERVAL_SECONDS = 1.0
# What the log file is cut back to when it starts over (SQLite's journal_size_limit).
LOG_LIMIT_BYTES = 64 * 1024 * 1024
_log = logging.getLogger(__name__)


def _after_fork(checkpointer: weakref.ref[WalCheckpointer]) -> Callable[[], None]:
    def forked() -> None:
        if (alive := checkpointer()) is not None:
            alive._forked()

    return forked


class WalCheckpointer:
    """Checkpoints one SQLite database file's write-ahead log whenever :meth:`wake` is called."""

    def __init__(
        self,
        path: str,
        *,
        idle_seconds: float = IDLE_SECONDS,
        interval_seconds: float = INTERVAL_SECONDS,
    ) -> None:
        self._path = path
        self._idle = idle_seconds
        self._interval = interval_seconds
        self._wake = threading.Event()
        # Re-entrant: the collector may close an abandoned connection of this engine inside
        # wake(), whose check-in wakes it again.
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # completed, for tests and diagnostics
        # A forked child (a Celery worker) inherits neither the thread nor, safely, a lock some
        # other thread held at the fork.
        os.register_at_fork(after_in_child=_after_fork(weakref.ref(self)))

    def _forked(self) -> None:
        self._wake = threading.Event()
        self._lock = threading.RLock()
        self._thread = None

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """A transaction ended: checkpoint soon (once for any number of wakes meanwhile)."""
        self._wake.set()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="mdm-sqlite-checkpoint", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(
                self._path, timeout=30, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error:
            _log.exception("cannot open %s to checkpoint its write-ahead log", self._path)
            with self._lock:
                self._thread = None
            return
        try:
            while True:
                if not self._wake.wait(self._idle):
                    with self._lock:
                        # A wake between the timeout and here keeps this thread going: wake()
                        # saw it alive and started no other.
                        if not self._wake.is_set():
                            self._thread = None
                            return
                self._wake.clear()
                started = time.monotonic()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error:
                    # Left to the next wake or the safety net; a checkpoint is never required.
                    _log.warning("checkpoint of %s failed", self._path, exc_info=True)
                # At most one checkpoint per interval: each syncs the database file, and after
                # every one of a burst of small transactions (REST, one record each) they made
                # 2,000 one-row commits take 0.78-0.89 s instead of 0.49-0.53 s. Wakes meanwhile
                # are served after it.
                time.sleep(max(0.0, self._interval - (time.monotonic() - started)))
        finally:
            connection.close()
