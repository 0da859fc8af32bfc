"""One webhook POST against real servers on loopback: outcomes, pinning, no redirects, TLS."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from publishers.address_guard import AddressGuard, Target
from publishers.transport import (
    RESPONSE_READ_LIMIT,
    DeliveryOutcome,
    WebhookTransport,
    classify,
    pin_request,
)
from tests.publishers.conftest import TLS_HOST, Certificate, LoopbackServer, Reply

LOOPBACK = ("127.0.0.0/8", "::1")
BODY = b'{"specversion":"1.0","id":"evt_1"}'
HEADERS = {
    "webhook-id": "evt_1",
    "webhook-timestamp": "1700000000",
    "webhook-signature": "v1,c2lnbmF0dXJl",
    "content-type": "application/cloudevents+json",
}
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def names(mapping: dict[str, list[str]]) -> AddressGuard:
    """A loopback-allowing guard whose DNS is ``mapping``."""
    return AddressGuard(LOOPBACK, resolver=lambda host, port: list(mapping.get(host, [])))


@pytest.fixture
def transport() -> Iterator[WebhookTransport]:
    with WebhookTransport(AddressGuard(LOOPBACK)) as t:
        yield t


def test_2xx_is_delivered_with_the_body_and_headers_as_given(
    server: LoopbackServer, transport: WebhookTransport
) -> None:
    server.routes["/hook"] = Reply(200, body=b"thanks")
    outcome = transport.send(server.url("/hook?tenant=7"), BODY, HEADERS)

    assert (outcome.kind, outcome.status, outcome.error) == ("delivered", 200, "")
    assert outcome.retry_after is None
    assert outcome.response_excerpt == "thanks"
    assert outcome.duration_ms > 0
    [seen] = server.seen
    assert (seen.method, seen.path, seen.body) == ("POST", "/hook?tenant=7", BODY)
    for name, value in HEADERS.items():
        assert seen.headers[name] == value
    assert seen.headers["user-agent"] == "mdm-hub-webhooks/1"
    assert seen.headers["host"] == f"127.0.0.1:{server.port}"


def test_204_without_body_is_delivered(server: LoopbackServer, transport: WebhookTransport) -> None:
    server.routes["/hook"] = Reply(204, body=b"")
    outcome = transport.send(server.url(), BODY, HEADERS)
    assert (outcome.kind, outcome.status, outcome.response_excerpt) == ("delivered", 204, "")


def test_500_is_retried(server: LoopbackServer, transport: WebhookTransport) -> None:
    server.routes["/hook"] = Reply(500, body=b"database is down")
    outcome = transport.send(server.url(), BODY, HEADERS)
    assert (outcome.kind, outcome.status, outcome.error) == ("retry", 500, "HTTP 500")
    assert outcome.response_excerpt == "database is down"


def test_410_means_gone(server: LoopbackServer, transport: WebhookTransport) -> None:
    server.routes["/hook"] = Reply(410)
    outcome = transport.send(server.url(), BODY, HEADERS)
    assert (outcome.kind, outcome.status) == ("gone", 410)


def test_redirect_is_a_failure_and_is_not_followed(
    server: LoopbackServer, transport: WebhookTransport
) -> None:
    server.routes["/hook"] = Reply(302, headers=(("Location", server.url("/target")),))
    outcome = transport.send(server.url(), BODY, HEADERS)
    assert (outcome.kind, outcome.status) == ("retry", 302)
    assert outcome.error == "redirect not followed (status 302)"
    assert server.paths() == ["/hook"]


def test_503_honours_retry_after(server: LoopbackServer, transport: WebhookTransport) -> None:
    server.routes["/hook"] = Reply(503, headers=(("Retry-After", "7"),))
    outcome = transport.send(server.url(), BODY, HEADERS)
    assert (outcome.kind, outcome.status, outcome.error) == ("retry", 503, "HTTP 503")
    assert outcome.retry_after == timedelta(seconds=7)


def test_a_server_slower_than_the_timeout_is_retried(server: LoopbackServer) -> None:
    server.routes["/hook"] = Reply(200, delay=10.0)
    with WebhookTransport(AddressGuard(LOOPBACK), timeout=0.5) as transport:
        outcome = transport.send(server.url(), BODY, HEADERS)
    assert (outcome.kind, outcome.status) == ("retry", None)
    assert outcome.error == "timeout after 0.5 s"
    assert server.paths() == ["/hook"]  # it did arrive; the answer came too late


def test_connection_refused_is_retried(transport: WebhookTransport) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    outcome = transport.send(f"http://127.0.0.1:{closed_port}/hook", BODY, HEADERS)
    assert (outcome.kind, outcome.status, outcome.error) == ("retry", None, "connection refused")


def test_refused_address_sends_nothing(server: LoopbackServer) -> None:
    with WebhookTransport(AddressGuard()) as transport:
        outcome = transport.send(server.url(), BODY, HEADERS)
    assert (outcome.kind, outcome.status) == ("retry", None)
    assert outcome.error.startswith("address refused: ")
    assert "loopback" in outcome.error
    assert server.seen == []


def test_connects_to_the_checked_address_and_names_the_host(server: LoopbackServer) -> None:
    guard = names({"hooks.example.test": ["127.0.0.1"]})
    with WebhookTransport(guard) as transport:
        outcome = transport.send(server.url(host="hooks.example.test"), BODY, HEADERS)
    assert outcome.kind == "delivered"
    [seen] = server.seen
    assert seen.headers["host"] == f"hooks.example.test:{server.port}"


def test_address_is_checked_again_at_every_send(server: LoopbackServer) -> None:
    # DNS rebinding: the name was fine when first used, then points somewhere refused.
    answers = [["127.0.0.1"], ["10.0.0.1"]]
    guard = AddressGuard(LOOPBACK, resolver=lambda host, port: answers.pop(0))
    with WebhookTransport(guard) as transport:
        first = transport.send(server.url(host="hooks.example.test"), BODY, HEADERS)
        second = transport.send(server.url(host="hooks.example.test"), BODY, HEADERS)
    assert first.kind == "delivered"
    assert (second.kind, second.status) == ("retry", None)
    assert second.error.startswith("address refused: ")
    assert "10.0.0.1" in second.error
    assert len(server.seen) == 1


def test_callers_cannot_override_the_pinned_host(
    server: LoopbackServer, transport: WebhookTransport
) -> None:
    transport.send(server.url(), BODY, {**HEADERS, "Host": "evil.example.test"})
    assert server.seen[0].headers["host"] == f"127.0.0.1:{server.port}"


def test_connections_are_kept_alive_between_sends(
    server: LoopbackServer, transport: WebhookTransport
) -> None:
    for _ in range(3):
        assert transport.send(server.url(), BODY, HEADERS).kind == "delivered"
    assert len({seen.client_port for seen in server.seen}) == 1


def test_response_is_read_only_up_to_the_limit(
    server: LoopbackServer, transport: WebhookTransport
) -> None:
    server.routes["/hook"] = Reply(500, body=b"\xff" + b"e" * (4 * RESPONSE_READ_LIMIT))
    outcome = transport.send(server.url(), BODY, HEADERS)
    assert outcome.kind == "retry"
    assert outcome.response_excerpt == "\ufffd" + "e" * 499


def test_ipv6_loopback(server6: LoopbackServer, transport: WebhookTransport) -> None:
    outcome = transport.send(server6.url(host="[::1]"), BODY, HEADERS)
    assert outcome.kind == "delivered"
    assert server6.seen[0].headers["host"] == f"[::1]:{server6.port}"


def test_send_after_close_is_an_error(server: LoopbackServer) -> None:
    transport = WebhookTransport(AddressGuard(LOOPBACK))
    transport.close()
    with pytest.raises(RuntimeError, match="closed"):
        transport.send(server.url(), BODY, HEADERS)


def _tls_transport(certificate: Certificate) -> WebhookTransport:
    guard = names({TLS_HOST: ["127.0.0.1"], "other.example.test": ["127.0.0.1"]})
    return WebhookTransport(guard, ssl_context=certificate.client_context())


def test_https_verifies_the_registered_name_over_the_pinned_address(
    tls_server: LoopbackServer, certificate: Certificate
) -> None:
    # The certificate names only hooks.example.test, never 127.0.0.1: success proves that TLS
    # checked the name while the connection went to the pinned IP.
    with _tls_transport(certificate) as transport:
        outcome = transport.send(tls_server.url(host=TLS_HOST, scheme="https"), BODY, HEADERS)
    assert (outcome.kind, outcome.status) == ("delivered", 200)
    assert tls_server.sni == [TLS_HOST]
    assert tls_server.seen[0].headers["host"] == f"{TLS_HOST}:{tls_server.port}"


def test_https_to_a_name_the_certificate_lacks_fails(
    tls_server: LoopbackServer, certificate: Certificate
) -> None:
    with _tls_transport(certificate) as transport:
        ok = transport.send(tls_server.url(host=TLS_HOST, scheme="https"), BODY, HEADERS)
        # Same IP and port as the live keep-alive connection above: it must not be reused for a
        # name that connection was never verified for.
        other = transport.send(
            tls_server.url(host="other.example.test", scheme="https"), BODY, HEADERS
        )
    assert ok.kind == "delivered"
    assert (other.kind, other.status) == ("retry", None)
    assert other.error.startswith("TLS certificate verification failed")
    assert len(tls_server.seen) == 1


def test_https_with_an_untrusted_certificate_fails(tls_server: LoopbackServer) -> None:
    guard = names({TLS_HOST: ["127.0.0.1"]})
    with WebhookTransport(guard) as transport:  # default trust store: self-signed is unknown
        outcome = transport.send(tls_server.url(host=TLS_HOST, scheme="https"), BODY, HEADERS)
    assert outcome.kind == "retry"
    assert outcome.error.startswith("TLS certificate verification failed")
    assert tls_server.seen == []


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (200, {}, ("delivered", None, "")),
        (202, {}, ("delivered", None, "")),
        (299, {}, ("delivered", None, "")),
        (410, {}, ("gone", None, "HTTP 410")),
        (301, {}, ("retry", None, "redirect not followed (status 301)")),
        (307, {}, ("retry", None, "redirect not followed (status 307)")),
        (308, {}, ("retry", None, "redirect not followed (status 308)")),
        (429, {"Retry-After": "120"}, ("retry", timedelta(seconds=120), "HTTP 429")),
        (502, {"retry-after": "5"}, ("retry", timedelta(seconds=5), "HTTP 502")),
        (
            503,
            {"RETRY-AFTER": "Sun, 01 Mar 2026 12:01:00 GMT"},
            ("retry", timedelta(minutes=1), "HTTP 503"),
        ),
        (504, {}, ("retry", None, "HTTP 504")),
        (503, {"Retry-After": "later"}, ("retry", None, "HTTP 503")),
        (500, {"Retry-After": "5"}, ("retry", None, "HTTP 500")),  # only overload statuses
        (404, {}, ("retry", None, "HTTP 404")),
        (400, {}, ("retry", None, "HTTP 400")),
        (101, {}, ("retry", None, "HTTP 101")),
    ],
)
def test_classify(
    status: int, headers: dict[str, str], expected: tuple[str, timedelta | None, str]
) -> None:
    assert classify(status, headers, now=NOW) == expected


@pytest.mark.parametrize(
    ("url", "target", "address", "expected"),
    [
        (
            "https://hooks.example.test/in?x=1",
            Target("https", "hooks.example.test", 443, ("93.184.216.34",)),
            "93.184.216.34",
            ("https://93.184.216.34:443/in?x=1", "hooks.example.test", "hooks.example.test"),
        ),
        (
            "http://hooks.example.test:8080",
            Target("http", "hooks.example.test", 8080, ("2606:4700::1111",)),
            "2606:4700::1111",
            ("http://[2606:4700::1111]:8080/", "hooks.example.test:8080", None),
        ),
        (
            "https://[2606:4700::1111]:8443/x",
            Target("https", "2606:4700::1111", 8443, ("2606:4700::1111",)),
            "2606:4700::1111",
            ("https://[2606:4700::1111]:8443/x", "[2606:4700::1111]:8443", "2606:4700::1111"),
        ),
    ],
)
def test_pin_request(
    url: str, target: Target, address: str, expected: tuple[str, str, str | None]
) -> None:
    pinned = pin_request(url, target, address)
    assert (pinned.url, pinned.host_header, pinned.sni_hostname) == expected


def test_outcome_is_immutable() -> None:
    outcome = DeliveryOutcome("delivered", 200, "", None, 1.0, "")
    with pytest.raises(AttributeError):
        outcome.kind = "gone"  # type: ignore[misc]


def test_an_answer_dripped_slower_than_the_timeout_fails_at_the_deadline() -> None:
    """Each piece arrives within httpx's per-read timeout, the whole answer does not: the
    request is cut at the deadline instead of holding the worker (and outliving its lease)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            for n in range(20):
                if stop.wait(0.2):
                    return
                try:
                    connection.sendall(f"x-drip-{n}: 1\r\n".encode())
                except OSError:
                    return

    server = threading.Thread(target=drip, daemon=True)
    server.start()
    try:
        with WebhookTransport(AddressGuard(LOOPBACK), timeout=0.5) as transport:
            started = time.monotonic()
            outcome = transport.send(f"http://127.0.0.1:{port}/hook", BODY, HEADERS)
            took = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
    assert (outcome.kind, outcome.status, outcome.error) == ("retry", None, "timeout after 0.5 s")
    # Cut at the deadline, not after the 4 s the answer would have taken.
    assert took < 3.0
