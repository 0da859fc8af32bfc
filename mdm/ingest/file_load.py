"""Load a source system's whole file against the hub: the onboarding path.

A file is NDJSON: one record per line, shaped as in a batch (``source_key``, ``attributes``,
``references``, ``status``); blank lines are skipped. Lines are taken in chunks
(``MDM_FILE_CHUNK_RECORDS``, 5,000 by default). Each chunk is one batch: standardised, validated,
matched together against the hub's blocking index and against itself, and committed, so a file
of any size needs memory for one chunk, and a failure loses at most the chunk in hand (the
chunks before it have landed; the error names the first line not loaded).

Every line lands or is refused, with its line number as the row index: a line that is not JSON is
refused with the parser's reason and kept in the rejects queue as the text it was; a record that
fails validation is refused with every field and reason, as in a batch.

Used by ``mdm load`` and ``POST /api/v1/sources/{source}/domains/{domain}/files``. It commits (a
chunk per transaction), so it is a runner like an endpoint, not a service.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.ingest import service
from mdm.ingest.service import RowResult, UnreadableRow
from mdm.source_systems import service as source_systems

# Refused rows listed in a load's result; all of them are in the rejects queue.
MAX_LISTED = 1000


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
    """A chunk could not be loaded; the chunks before it have landed."""

    def __init__(self, result: FileLoadResult, first_line: int, cause: BaseException) -> None:
        super().__init__(
            f"loading stopped at line {first_line}: {cause}; {result.received} records before "
            f"it landed in {len(result.batch_ids)} committed chunk(s) and stay loaded"
        )
        self.result = result
        self.first_line = first_line


def read_line(number: int, line: bytes | str) -> Any:
    """The record on one line: parsed JSON, an :class:`UnreadableRow` for a line that is not
    JSON (or not UTF-8), or :data:`BLANK`."""
    if isinstance(line, bytes):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = line.decode("utf-8", errors="replace").rstrip("\r\n")
            return UnreadableRow(text, f"not valid UTF-8 ({exc.reason})")
    else:
        text = line
    if not text.strip():
        return BLANK
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return UnreadableRow(text.rstrip("\r\n"), f"{exc.msg} at column {exc.colno}")


BLANK = object()


class FileLoad:
    """One file being loaded: :meth:`check`, then :meth:`add` each line (chunks load as they
    fill), then :meth:`finish`."""

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
        self._chunk: list[tuple[int, Any]] = []
        self._started = time.perf_counter()
        self.result = FileLoadResult(uuid.uuid4().hex, source, domain)

    def check(self) -> None:
        """Refuse an unknown source system or domain, or one the system does not send, before
        any line is read."""
        get_domain(self.result.domain)
        with self._sessions() as session:
            system = source_systems.get(session, code=self.result.source)
            source_systems.require_sends(system, self.result.domain)

    def add(self, number: int, record: Any) -> bool:
        """Take one line's record; True when the chunk is full and should be loaded."""
        if record is not BLANK:
            self._chunk.append((number, record))
        return len(self._chunk) >= self._chunk_records

    def load_chunk(self) -> None:
        if not self._chunk:
            return
        chunk, self._chunk = self._chunk, []
        try:
            with self._sessions() as session:
                loaded = service.ingest_batch(
                    session,
                    source_code=self.result.source,
                    domain=self.result.domain,
                    rows=[record for _, record in chunk],
                    actor=self._actor,
                    max_rows=len(chunk),
                    row_indices=[number for number, _ in chunk],
                )
                session.commit()
        except Exception as exc:
            raise FileLoadFailed(self.result, chunk[0][0], exc) from exc
        self.result.lines += len(chunk)
        self.result.batch_ids.append(loaded.batch_id)
        for row in loaded.results:
            self.result.counts[row.outcome] += 1
            if row.outcome == "rejected" and len(self.result.refused) < MAX_LISTED:
                self.result.refused.append(row)

    def finish(self) -> FileLoadResult:
        self.load_chunk()
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
                    "records": self.result.lines,
                    **self.result.counts,
                    "batch_ids": self.result.batch_ids,
                },
            )
            session.commit()
        return self.result


def load_file(
    sessions: Callable[[], Session],
    *,
    source: str,
    domain: str,
    lines: Iterable[bytes | str],
    actor: str,
    chunk_records: int,
    name: str = "",
) -> FileLoadResult:
    """Load every line of ``lines`` (see the module docstring)."""
    load = FileLoad(
        sessions,
        source=source,
        domain=domain,
        actor=actor,
        chunk_records=chunk_records,
        name=name,
    )
    load.check()
    for number, line in enumerate(lines, start=1):
        if load.add(number, read_line(number, line)):
            load.load_chunk()
    return load.finish()
