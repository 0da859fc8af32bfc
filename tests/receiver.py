"""A real webhook receiver on loopback for tests and benchmarks: records every request and
answers what the test scripts (a status per call, or a function of the request)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True, slots=True)
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass(frozen=True, slots=True)
class Answer:
    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Script = Callable[[Received, int], Answer]


class Receiver:
    """``answer(received, call_number)`` decides each response (call numbers start at 1)."""

    def __init__(self, answer: Script | None = None) -> None:
        self.answer: Script = answer or (lambda _r, _n: Answer())
        self.calls: list[Received] = []
        self.accepted: list[Received] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length", "0"))
                got = Received(
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                    at=time.monotonic(),
                )
                with receiver._lock:
                    receiver.calls.append(got)
                    number = len(receiver.calls)
                answer = receiver.answer(got, number)
                if answer.delay:
                    time.sleep(answer.delay)
                # Listed as accepted before the answer leaves: the hub sends a golden record's
                # next event only after this answer, so ``accepted`` keeps the hub's order.
                with receiver._changed:
                    if 200 <= answer.status < 300:
                        receiver.accepted.append(got)
                    receiver._changed.notify_all()
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait_for(self, predicate: Callable[[Receiver], bool], timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.2))
        return True

    def accepted_count(self, n: int, timeout: float = 20.0) -> bool:
        return self.wait_for(lambda r: len(r.accepted) >= n, timeout)

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiving(answer: Script | None = None) -> Iterator[Receiver]:
    receiver = Receiver(answer).start()
    try:
        yield receiver
    finally:
        receiver.stop()
