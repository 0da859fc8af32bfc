"""Real HTTP(S) servers on loopback for the transport tests, scripted per path.

Each server records every request it receives, so a test can assert what did (and what did not)
reach it. Nothing here listens on anything but 127.0.0.1 or ::1.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

TLS_HOST = "hooks.example.test"


@dataclass(frozen=True)
class Reply:
    """What the server answers on one path."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b"ok"
    delay: float = 0.0  # seconds to stall before answering (cut short when the test ends)


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int


@dataclass
class LoopbackServer:
    """A threaded HTTP/1.1 server (keep-alive) answering each path with its scripted Reply."""

    httpd: ThreadingHTTPServer
    routes: dict[str, Reply] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    sni: list[str | None] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str = "/hook", *, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [request.path for request in self.seen]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean

    def _answer(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state.seen.append(
            Seen(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                client_port=int(self.client_address[1]),
            )
        )
        reply = state.routes.get(self.path.split("?")[0], Reply())
        if reply.delay:
            state.release.wait(reply.delay)
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stalled handler must not hold up the test's teardown
    state: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that stop reading (the transport's response limit) reset the connection;
        # that is expected here, not worth a traceback in the test output.
        pass


class _Server6(_Server):
    address_family = socket.AF_INET6


def _start(
    host: str = "127.0.0.1", tls: ssl.SSLContext | None = None, v6: bool = False
) -> Iterator[LoopbackServer]:
    httpd: _Server = (_Server6 if v6 else _Server)((host, 0), _Handler)
    state = LoopbackServer(httpd)
    httpd.state = state
    if tls is not None:
        tls.sni_callback = lambda _sock, name, _ctx: state.sni.append(name)
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    yield from _start()


@pytest.fixture
def server6() -> Iterator[LoopbackServer]:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("::1 is not configured on this machine")
    yield from _start("::1", v6=True)


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this (self-signed) certificate only."""
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for TLS_HOST only (no IP address in it)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", f"/CN={TLS_HOST}",
            "-addext", f"subjectAltName=DNS:{TLS_HOST}",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return Certificate(cert, key)


@pytest.fixture
def tls_server(certificate: Certificate) -> Iterator[LoopbackServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert, certificate.key)
    yield from _start(tls=context)
