"""A file's lines: split out of a byte stream arriving in pieces, and each read as a record.

Shared by the file loader (:mod:`mdm.ingest.file_load`) and the preparation of its chunks in a
helper process (:mod:`mdm.ingest.preparation`), which must read every line the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mdm.ingest.service import UnreadableRow

# A record is a few kilobytes; a line longer than this is refused, and only this much of it is
# kept (reading it whole would hold up to the whole file in memory for one line).
MAX_LINE_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"


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
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return UnreadableRow(text, f"{exc.msg} at column {exc.colno}")
