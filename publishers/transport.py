"""One webhook POST, with the address checked at send time and the connection pinned to it.

The delivery code above decides what to send and when; this module only makes one attempt and
says how it went, as a :class:`DeliveryOutcome` (it never raises for network trouble: every
failure is an outcome the retry policy can act on).
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Literal, Self
from urllib.parse import urlsplit, urlunsplit

import httpx

from publishers.address_guard import DEFAULT_PORTS, AddressGuard, Target, UnsafeUrl
from publishers.retry import parse_retry_after

OutcomeKind = Literal["delivered", "retry", "gone"]

# A receiver's answer is only read for the delivery log; 64 KiB is plenty and bounds memory
# (and decompression) for a hostile endpoint.
RESPONSE_READ_LIMIT = 64 * 1024
EXCERPT_CHARS = 500
# Statuses whose Retry-After we honour: the server told us it is overloaded or rate-limiting.
_BACKOFF_STATUSES = frozenset({429, 502, 503, 504})
# HTTPS connections are pooled per host name (see _client_for); beyond this many names the
# least recently used pool is closed.
_MAX_TLS_POOLS = 32
_ERROR_CHARS = 200


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How one attempt went. ``error`` is empty on success; ``status`` None if no response."""

    kind: OutcomeKind
    status: int | None
    error: str
    retry_after: timedelta | None
    duration_ms: float
    response_excerpt: str


@dataclass(frozen=True, slots=True)
class PinnedRequest:
    """Where to connect (``url`` holds the checked IP literal) and what to call the server."""

    url: str
    host_header: str
    sni_hostname: str | None


def classify(
    status: int, headers: Mapping[str, str], *, now: datetime
) -> tuple[OutcomeKind, timedelta | None, str]:
    """The outcome kind, Retry-After delay and error text for an HTTP status.

    2xx delivered; 410 gone (the subscriber removed the endpoint); 3xx is a failure because
    following redirects would let an endpoint send the signed payload somewhere unchecked;
    429/502/503/504 carry the subscriber's Retry-After; anything else is retried on schedule.
    """
    if 200 <= status < 300:
        return "delivered", None, ""
    if status == 410:
        return "gone", None, "HTTP 410"
    if 300 <= status < 400:
        return "retry", None, f"redirect not followed (status {status})"
    if status in _BACKOFF_STATUSES:
        retry_after = parse_retry_after(_header(headers, "retry-after"), now=now)
        return "retry", retry_after, f"HTTP {status}"
    return "retry", None, f"HTTP {status}"


def pin_request(url: str, target: Target, address: str) -> PinnedRequest:
    """The request for ``url`` sent to ``address``: the host name only in Host and TLS SNI.

    Connecting to the IP that was checked (rather than letting the HTTP client resolve the name
    again) is what defeats DNS rebinding between the check and the connect.
    """
    parts = urlsplit(url)
    ip_host = f"[{address}]" if ":" in address else address
    default_port = DEFAULT_PORTS[target.scheme]
    suffix = "" if target.port == default_port else f":{target.port}"
    host = f"[{target.host}]" if ":" in target.host else target.host
    netloc = f"{ip_host}:{target.port}"
    return PinnedRequest(
        url=urlunsplit((target.scheme, netloc, parts.path or "/", parts.query, "")),
        host_header=host + suffix,
        # TLS must verify the certificate against the name the subscriber registered.
        sni_hostname=target.host if target.scheme == "https" else None,
    )


class WebhookTransport:
    """Sends webhook POSTs; keeps connections alive between sends. Not thread-safe."""

    def __init__(
        self,
        guard: AddressGuard,
        *,
        timeout: float = 15.0,
        user_agent: str = "mdm-hub-webhooks/1",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """``ssl_context`` replaces the default verifying context (e.g. to trust a private CA)."""
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self._guard = guard
        self._timeout = timeout
        self._user_agent = user_agent
        self._ssl_context = ssl_context
        self._plain: httpx.Client | None = None
        self._tls: dict[str, httpx.Client] = {}
        self._closed = False

    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> DeliveryOutcome:
        """POST ``body`` to ``url``; every failure comes back as a "retry" outcome."""
        if self._closed:
            raise RuntimeError("WebhookTransport is closed")
        started = time.perf_counter()

        def outcome(
            kind: OutcomeKind,
            status: int | None,
            error: str,
            retry_after: timedelta | None = None,
            excerpt: str = "",
        ) -> DeliveryOutcome:
            elapsed_ms = (time.perf_counter() - started) * 1000
            return DeliveryOutcome(kind, status, error, retry_after, elapsed_ms, excerpt)

        try:
            target = self._guard.resolve_target(url)
        except UnsafeUrl as exc:
            return outcome("retry", None, f"address refused: {exc.reason}")
        pinned = pin_request(url, target, target.addresses[0])
        request_headers = httpx.Headers({"user-agent": self._user_agent})
        request_headers.update(headers)
        request_headers["host"] = pinned.host_header
        extensions = {"sni_hostname": pinned.sni_hostname} if pinned.sni_hostname else {}
        client = self._client_for(pinned.sni_hostname)
        # httpx's timeout bounds each read, not the whole exchange: an endpoint that drips its
        # status line and headers could hold the request (and outlive the worker's lease). The
        # watchdog closes the connection at the deadline, which fails the read at once.
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            client.close()

        watchdog = threading.Timer(self._timeout, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            with client.stream(
                "POST", pinned.url, content=body, headers=request_headers, extensions=extensions
            ) as response:
                raw = self._read_limited(response, started)
        except httpx.TimeoutException:
            return outcome("retry", None, f"timeout after {self._timeout} s")
        except Exception as exc:
            if expired.is_set():
                return outcome("retry", None, f"timeout after {self._timeout} s")
            if isinstance(exc, httpx.HTTPError | httpx.InvalidURL):
                return outcome("retry", None, describe_error(exc))
            raise
        finally:
            watchdog.cancel()
            if expired.is_set():
                self._forget(client)
        if expired.is_set() or time.perf_counter() - started > self._timeout:
            # A complete answer that came after the deadline still counts as a timeout.
            return outcome("retry", None, f"timeout after {self._timeout} s")
        kind, retry_after, error = classify(
            response.status_code, response.headers, now=datetime.now(UTC)
        )
        excerpt = raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
        return outcome(kind, response.status_code, error, retry_after, excerpt)

    def close(self) -> None:
        """Close every pooled connection; the transport cannot send afterwards."""
        self._closed = True
        clients = [*self._tls.values(), *([self._plain] if self._plain else [])]
        self._tls.clear()
        self._plain = None
        for client in clients:
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _client_for(self, sni_hostname: str | None) -> httpx.Client:
        # httpx pools connections by URL origin, which here is the pinned IP. Plain HTTP may
        # share a connection between host names on one IP (Host is per request), but a TLS
        # connection is verified for one name: reusing it for another name on the same IP would
        # skip that name's certificate check. So HTTPS gets one pool per host name.
        if sni_hostname is None:
            if self._plain is None:
                self._plain = self._new_client()
            return self._plain
        client = self._tls.pop(sni_hostname, None) or self._new_client()
        self._tls[sni_hostname] = client  # re-inserted last: dict order is recency order
        if len(self._tls) > _MAX_TLS_POOLS:
            oldest = next(iter(self._tls))
            self._tls.pop(oldest).close()
        return client

    def _forget(self, client: httpx.Client) -> None:
        """Drop a client the watchdog closed; the next send makes a new one."""
        if self._plain is client:
            self._plain = None
        for name, pooled in list(self._tls.items()):
            if pooled is client:
                del self._tls[name]

    def _new_client(self) -> httpx.Client:
        return httpx.Client(
            timeout=httpx.Timeout(self._timeout),
            follow_redirects=False,
            # No proxies, .netrc credentials or CA bundles from the environment: the request must
            # go straight to the checked address, and carry nothing but what the hub signed.
            trust_env=False,
            verify=self._ssl_context if self._ssl_context is not None else True,
        )

    def _read_limited(self, response: httpx.Response, started: float) -> bytes:
        # The status decides the outcome; the body is only logged. A body that breaks off or
        # drips past the deadline is kept as far as it came rather than failing the delivery.
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= RESPONSE_READ_LIMIT or time.perf_counter() - started > self._timeout:
                    break
        except httpx.HTTPError:
            pass
        return b"".join(chunks)[:RESPONSE_READ_LIMIT]


def describe_error(exc: BaseException) -> str:
    """A short, stable description of a network failure for the delivery log."""
    cause: BaseException | None = exc
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed: {cause.verify_message}"[:_ERROR_CHARS]
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {cause.reason or cause}"[:_ERROR_CHARS]
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"protocol error: {exc}"[:_ERROR_CHARS]
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {exc}"[:_ERROR_CHARS]
    return f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS]


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
