"""Load a source system's whole file against the hub: the onboarding path.

A file is NDJSON: one record per line, shaped as in a batch (``source_key``, ``attributes``,
``references``, ``status``); blank lines are skipped. Lines are taken in chunks
(``MDM_FILE_CHUNK_RECORDS``, 5,000 by default). Each chunk is one batch: standardised, validated,
matched together against the hub's blocking index and against itself, and committed, so a file
of any size needs memory for about one chunk (and the piece of the body in hand), and a failure
loses at most the chunk in hand (the chunks before it have landed; the error names the first
line not loaded).

Every line lands or is refused, with its line number as the row index: a line that is not JSON is
refused with the parser's reason and kept in the rejects queue as the text it was; a record that
fails validation is refused with every field and reason, as in a batch.

Used by ``mdm load`` and ``POST /api/v1/sources/{source}/domains/{domain}/files``. It commits (a
chunk per transaction), so it is a runner like an endpoint, not a service.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.db.engine import loads as json_loads
from mdm.domains import get_domain
from mdm.errors import MDMError
from mdm.ingest import service
from mdm.ingest.service import RowResult, UnreadableRow
from mdm.source_systems import service as source_systems

# Refused rows listed in a load's result; all of them are in the rejects queue.
MAX_LISTED = 1000
# A record is a few kilobytes; a line longer than this is refused, and only this much of it is
# kept (reading it whole would hold up to the whole file in memory for one line).
MAX_LINE_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_log = logging.getLogger(__name__)


@dataclass(slots=True)
class FileLoadResult:
    load_id: str
    source: str
    domain: str
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged", "rejected"), 0)
    )
    lines: int = 0  # records read (blank lines not counted)
    batch_ids: list[str] = field(default_factory=list)
    refused: list[RowResult] = field(default_factory=list)  # the first MAX_LISTED
    seconds: float = 0.0

    @property
    def received(self) -> int:
        return sum(self.counts.values())


class FileLoadFailed(RuntimeError):
    """A chunk could not be stored; the chunks before it have landed.

    The message names the first line not loaded and the load, not the database's own error
    (which quotes the chunk's values, sensitive ones included); that is logged.
    """

    def __init__(self, result: FileLoadResult, first_line: int, cause: BaseException) -> None:
        super().__init__(
            f"loading stopped at line {first_line}: the chunk starting there could not be "
            f"stored ({type(cause).__name__}; the server log of load {result.load_id} has the "
            f"detail); {result.received} records before it landed in {len(result.batch_ids)} "
            "committed chunk(s) and stay loaded"
        )
        self.result = result
        self.first_line = first_line


@dataclass(frozen=True, slots=True)
class LongLine:
    """A line longer than :data:`MAX_LINE_BYTES`: its beginning and its length."""

    head: bytes
    length: int


class LineSplitter:
    """Lines out of a byte stream that arrives in pieces of any size, each piece looked at once
    (a line split over many pieces costs no more than one), no line held beyond
    :data:`MAX_LINE_BYTES`."""

    def __init__(self, max_line: int | None = None) -> None:
        self._max = MAX_LINE_BYTES if max_line is None else max_line
        self._pending = bytearray()
        self._length = 0

    def feed(self, piece: bytes) -> list[bytes | LongLine]:
        lines: list[bytes | LongLine] = []
        start = 0
        while (end := piece.find(b"\n", start)) >= 0:
            self._take(piece[start:end])
            lines.append(self._line())
            start = end + 1
        self._take(piece[start:])
        return lines

    def close(self) -> list[bytes | LongLine]:
        return [self._line()] if self._length else []

    def _take(self, part: bytes) -> None:
        room = self._max - len(self._pending)
        if room > 0:
            self._pending += part[:room]
        self._length += len(part)

    def _line(self) -> bytes | LongLine:
        line: bytes | LongLine = bytes(self._pending)
        if self._length > self._max:
            line = LongLine(bytes(self._pending), self._length)
        self._pending.clear()
        self._length = 0
        return line


def is_blank(line: bytes | LongLine) -> bool:
    return isinstance(line, bytes) and not line.strip()


def read_line(number: int, line: bytes | LongLine) -> Any:
    """The record on one line: parsed JSON, or an :class:`UnreadableRow` for a line that is not
    JSON, not UTF-8, or too long."""
    if isinstance(line, LongLine):
        text = line.head.decode("utf-8", errors="replace")
        return UnreadableRow(
            text,
            f"the line is {line.length} bytes, longer than the {MAX_LINE_BYTES} a record may "
            f"take; its first {len(line.head)} bytes are kept",
        )
    if number == 1 and line.startswith(_BOM):
        line = line[len(_BOM) :]  # a byte-order mark some editors write first
    line = line.rstrip(b"\r")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return UnreadableRow(
            line.decode("utf-8", errors="replace"), f"not valid UTF-8 ({exc.reason})"
        )
    try:
        # What the standard library reads, through orjson where that reads the same (the JSON
        # columns' reader): a file's lines are parsed in the loading thread.
        return json_loads(text)
    except json.JSONDecodeError as exc:
        return UnreadableRow(text, f"{exc.msg} at column {exc.colno}")
    except RecursionError:
        return UnreadableRow(text, service.TOO_DEEP, "too_deep")


class FileLoad:
    """One file being loaded: :meth:`check`, then :meth:`feed` each piece of the file as it
    arrives and :meth:`load_ready` when it says chunks are full, then :meth:`finish` (or
    :meth:`abandon`).

    :meth:`feed` only splits and numbers lines; they are parsed in :meth:`load_ready`, so an
    endpoint reading the body on its event loop leaves the parsing to the thread that loads.
    """

    def __init__(
        self,
        sessions: Callable[[], Session],
        *,
        source: str,
        domain: str,
        actor: str,
        chunk_records: int,
        name: str = "",
    ) -> None:
        if chunk_records < 1:
            raise ValueError("chunk_records must be at least 1")
        self._sessions = sessions
        self._actor = actor
        self._chunk_records = chunk_records
        self._name = name
        self._splitter = LineSplitter()
        self._number = 0
        self._chunk: list[tuple[int, bytes | LongLine]] = []
        self._ready: list[list[tuple[int, bytes | LongLine]]] = []
        self._started = time.perf_counter()
        self.result = FileLoadResult(uuid.uuid4().hex, source, domain)

    def check(self) -> None:
        """Refuse an unknown source system or domain, or one the system does not send, before
        any line is read."""
        get_domain(self.result.domain)
        with self._sessions() as session:
            system = source_systems.get(session, code=self.result.source)
            source_systems.require_sends(system, self.result.domain)

    def feed(self, piece: bytes) -> bool:
        """Take the next ``piece`` of the file; True when chunks are full and ready to load."""
        self._take(self._splitter.feed(piece))
        return bool(self._ready)

    def _take(self, lines: Iterable[bytes | LongLine]) -> None:
        for line in lines:
            self._number += 1
            if not is_blank(line):  # skipped, but counted: line numbers are the file's
                self._chunk.append((self._number, line))
            if len(self._chunk) >= self._chunk_records:
                self._ready.append(self._chunk)
                self._chunk = []

    def load_ready(self) -> None:
        while self._ready:
            self._load(self._ready.pop(0))

    def _load(self, chunk: list[tuple[int, bytes | LongLine]]) -> None:
        first = chunk[0][0]
        try:
            with self._sessions() as session:
                loaded = service.ingest_batch(
                    session,
                    source_code=self.result.source,
                    domain=self.result.domain,
                    rows=[read_line(number, line) for number, line in chunk],
                    actor=self._actor,
                    max_rows=len(chunk),
                    row_indices=[number for number, _ in chunk],
                )
                session.commit()
        except MDMError as exc:
            # The hub's own refusal (the system may no longer send the domain), as it is.
            self._audit_stop(exc.message, first)
            raise
        except Exception as exc:
            _log.exception(
                "file load %s: the chunk from line %d failed", self.result.load_id, first
            )
            self._audit_stop(f"the chunk could not be stored ({type(exc).__name__})", first)
            raise FileLoadFailed(self.result, first, exc) from exc
        self.result.lines += len(chunk)
        self.result.batch_ids.append(loaded.batch_id)
        for row in loaded.results:
            self.result.counts[row.outcome] += 1
            if row.outcome == "rejected" and len(self.result.refused) < MAX_LISTED:
                self.result.refused.append(row)

    def finish(self) -> FileLoadResult:
        """The whole file has arrived: load what is left, and audit the load."""
        self._take(self._splitter.close())
        self.load_ready()
        if self._chunk:
            self._load(self._chunk)
            self._chunk = []
        self._audit(complete=True)
        return self.result

    def abandon(self, reason: str) -> FileLoadResult:
        """The file stopped arriving (the client went away): the chunks loaded stay, the lines
        read since are not loaded (the last may be cut short), and the audit log says so."""
        pending = [*(line for chunk in self._ready for line in chunk), *self._chunk]
        self._ready, self._chunk = [], []
        self._audit(
            complete=False,
            stopped=reason,
            not_loaded_from_line=pending[0][0] if pending else None,
        )
        return self.result

    def _audit_stop(self, reason: str, first_line: int) -> None:
        """The load stopped at ``first_line``: said in the audit log if the database lets us (it
        may be what failed; then the server log has it)."""
        try:
            self._audit(complete=False, stopped=reason, not_loaded_from_line=first_line)
        except Exception:
            _log.exception("file load %s: its stop could not be audited", self.result.load_id)

    def _audit(self, *, complete: bool, **extra: Any) -> None:
        self.result.seconds = time.perf_counter() - self._started
        with self._sessions() as session:
            audit.record(
                session,
                actor=self._actor,
                action="ingest.file",
                entity_type="file_load",
                entity_id=self.result.load_id,
                detail={
                    "source": self.result.source,
                    "domain": self.result.domain,
                    "name": self._name[:200],
                    "complete": complete,
                    "records": self.result.lines,
                    **self.result.counts,
                    "batch_ids": self.result.batch_ids,
                    **extra,
                },
            )
            session.commit()


def load_file(
    sessions: Callable[[], Session],
    *,
    source: str,
    domain: str,
    pieces: Iterable[bytes],
    actor: str,
    chunk_records: int,
    name: str = "",
) -> FileLoadResult:
    """Load a file arriving as ``pieces`` of bytes (see the module docstring)."""
    load = FileLoad(
        sessions,
        source=source,
        domain=domain,
        actor=actor,
        chunk_records=chunk_records,
        name=name,
    )
    load.check()
    for piece in pieces:
        if load.feed(piece):
            load.load_ready()
    return load.finish()


def pieces_of(stream: BinaryIO, size: int = 1024 * 1024) -> Iterator[bytes]:
    """A binary file read in pieces of ``size`` bytes."""
    while piece := stream.read(size):
        yield piece
