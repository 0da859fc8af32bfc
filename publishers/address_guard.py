"""SSRF protection: a subscriber's URL must not turn the hub into a proxy into its own network.

A webhook URL is chosen by whoever registers the endpoint, and the hub POSTs to it from inside
the data centre. So the URL is checked when it is registered and again, with a fresh DNS answer,
at every send (DNS can change in between: "rebinding"); the transport then connects to exactly
the address that was checked. Private, loopback, link-local, reserved and metadata addresses are
refused unless an operator allow-lists them.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

from publishers.ip_ranges import (
    IPV4_COMPATIBLE,
    METADATA_ADDRESSES,
    Address,
    embedded_ipv4,
    special_purpose,
)

Resolver = Callable[[str, int], list[str]]

DEFAULT_PORTS = {"http": 80, "https": 443}
# What a hostname may look like once IDNA has turned it into ASCII (underscores occur in real
# DNS names); anything else (percent signs, backslashes, spaces) is refused, not guessed at.
_HOSTNAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_MAX_HOSTNAME = 253


class UnsafeUrl(ValueError):
    """A webhook URL the hub refuses to call; ``reason`` says why, for the endpoint's owner."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL's parts and its checked addresses (resolver order)."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def default_resolver(host: str, port: int) -> list[str]:
    """The system resolver's distinct addresses for ``host``, in its order (Happy Eyeballs)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    addresses: list[str] = []
    for *_, sockaddr in infos:
        text = str(sockaddr[0])
        if text not in addresses:
            addresses.append(text)
    return addresses


class AddressGuard:
    """Checks webhook URLs and the addresses they resolve to."""

    def __init__(self, allow: Sequence[str] = (), *, resolver: Resolver | None = None) -> None:
        networks: list[IPv4Network | IPv6Network] = []
        for entry in allow:
            try:
                # strict=False: "10.1.2.3/8" means the /8 its author wrote, not an error.
                networks.append(ip_network(entry.strip(), strict=False))
            except ValueError as exc:
                message = f"allow-list entry {entry!r} is not an address or network"
                raise ValueError(message) from exc
        self._allow = tuple(networks)
        self._resolver: Resolver = resolver or default_resolver

    def check_url(self, url: str) -> tuple[str, str, int]:
        """``(scheme, host, port)`` of a URL fit to call; host in lowercase ASCII, no brackets."""
        if not url:
            raise UnsafeUrl("URL is empty")
        if any(c.isspace() or not c.isprintable() for c in url):
            raise UnsafeUrl("URL contains whitespace or control characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            # urlsplit raises for bad brackets; .port for non-numeric or out-of-range ports.
            raise UnsafeUrl(f"URL is malformed: {exc}") from exc
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise UnsafeUrl(f"scheme {scheme or '(none)'!r} is not http or https")
        if "@" in parts.netloc:
            raise UnsafeUrl("URL must not contain credentials (user:password@)")
        if "#" in url:
            raise UnsafeUrl("URL must not contain a fragment")
        if port == 0:
            raise UnsafeUrl("port 0 is out of range")
        if not parts.hostname:
            raise UnsafeUrl("URL has no host")
        if "[" in parts.netloc and "%" in parts.netloc:
            # An IPv6 zone ID makes the address compare unequal to the metadata addresses
            # while the kernel ignores it for routable ones: never a webhook's business.
            raise UnsafeUrl("IPv6 zone IDs (%...) are not allowed in webhook URLs")
        host = _normalise_host(parts.hostname, bracketed="[" in parts.netloc)
        return scheme, host, port if port is not None else DEFAULT_PORTS[scheme]

    def resolve(self, url: str) -> list[str]:
        """The addresses to connect to for ``url``, every one checked; UnsafeUrl otherwise."""
        return list(self.resolve_target(url).addresses)

    def resolve_target(self, url: str) -> Target:
        """Like :meth:`resolve`, also returning the checked scheme, host and port."""
        scheme, host, port = self.check_url(url)
        literal = _ip_or_none(host)
        if literal is not None:
            addresses: list[Address] = [literal]
        else:
            addresses = self._lookup(host, port)
        for address in addresses:
            reason = self.refusal(address)
            if reason is not None:
                if literal is not None:
                    raise UnsafeUrl(f"address {address} is {reason}")
                raise UnsafeUrl(f"{host} resolves to {address}, which is {reason}")
        return Target(scheme, host, port, tuple(str(a) for a in addresses))

    def refusal(self, address: Address) -> str | None:
        """Why the guard refuses ``address`` (allow-list applied), or None when it may be used."""
        embedded = embedded_ipv4(address)
        # Metadata endpoints stay refused inside any broader allow-listed network: allowing
        # 169.254.0.0/16 for a link-local appliance must not also hand out cloud credentials.
        for candidate in (address, embedded[1] if embedded else None):
            if candidate in METADATA_ADDRESSES and not self._allowed_exactly(candidate):
                return "a cloud metadata address"
        if self._allowed(address):
            return None
        if embedded is not None:
            kind, ipv4 = embedded
            inner = self.refusal(ipv4)
            if inner is not None:
                return f"{kind}, embedding {ipv4}, which is {inner}"
            if kind != IPV4_COMPATIBLE:
                return None  # the embedded address is the real destination, and it is fine
        return special_purpose(address)

    def _allowed(self, address: Address) -> bool:
        return any(address in network for network in self._allow)

    def _allowed_exactly(self, address: Address | None) -> bool:
        return any(
            network.num_addresses == 1 and network.network_address == address
            for network in self._allow
        )

    def _lookup(self, host: str, port: int) -> list[Address]:
        try:
            answers = self._resolver(host, port)
        except OSError:
            answers = []
        if not answers:
            raise UnsafeUrl("host does not resolve")
        addresses: list[Address] = []
        for answer in answers:
            address = _ip_or_none(answer)
            if address is None:
                raise UnsafeUrl(f"resolver returned {answer!r}, which is not an IP address")
            if address not in addresses:
                addresses.append(address)
        return addresses


def redacted(url: str) -> str:
    """The URL as logs and audit trails may show it: scheme, host and port only.

    Webhook URLs often carry a secret in their path or query (Slack, Teams, ``?token=``).
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(unparsable URL)"
    hidden = "/…" if (parts.path not in ("", "/") or parts.query) else "/"
    return f"{parts.scheme}://{host}{port}{hidden}"


def _ip_or_none(text: str) -> Address | None:
    # A resolver may answer a link-local address with its scope ("fe80::1%eth0"): the scope is
    # dropped so every check sees the bare address.
    try:
        return ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _normalise_host(hostname: str, *, bracketed: bool) -> str:
    literal = _ip_or_none(hostname)
    if bracketed:
        # Brackets hold IPv6 literals only (urlsplit lets "[1.2.3.4]" through).
        if not isinstance(literal, IPv6Address):
            raise UnsafeUrl(f"{hostname!r} in brackets is not an IPv6 address")
        return literal.compressed
    if literal is not None:
        return literal.compressed
    try:
        ascii_host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise UnsafeUrl(f"host {hostname!r} is not a valid domain name") from exc
    if len(ascii_host) > _MAX_HOSTNAME or not _HOSTNAME.fullmatch(ascii_host):
        raise UnsafeUrl(f"host {hostname!r} is not a valid domain name")
    return ascii_host
