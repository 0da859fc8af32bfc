"""SSRF guard: every class of address that must not be reached, and what an operator may allow."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_address

import pytest

from publishers.address_guard import AddressGuard, UnsafeUrl, redacted

LOOPBACK = ("127.0.0.0/8", "::1")
PUBLIC = "93.184.216.34"

# A fake DNS: names end in .test (reserved, never on the internet) or are numeric IP spellings
# that the system resolver would also turn into addresses.
DNS: dict[str, list[str]] = {
    "hooks.example.test": [PUBLIC],
    "dual.example.test": [PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"],
    "dupes.example.test": [PUBLIC, "8.8.8.8", PUBLIC],
    "intranet.example.test": ["10.0.0.7"],
    "mixed.example.test": [PUBLIC, "192.168.0.10"],
    "rebind.example.test": ["127.0.0.1"],
    "metadata.example.test": ["169.254.169.254"],
    "2130706433": ["127.0.0.1"],  # decimal spelling of 127.0.0.1
    "garbage.example.test": ["not-an-address"],
}


def fake_resolver(host: str, port: int) -> list[str]:
    return list(DNS.get(host, []))


def guard(allow: Sequence[str] = ()) -> AddressGuard:
    return AddressGuard(allow, resolver=fake_resolver)


REFUSED = [
    # (case, url, words the reason must contain)
    ("private 10/8", "http://10.1.2.3/", ["10.1.2.3", "private"]),
    ("private 172.16/12", "http://172.16.5.4/", ["private"]),
    ("private 192.168/16", "https://192.168.1.1/", ["private"]),
    ("loopback v4", "http://127.0.0.1:8080/", ["loopback"]),
    ("loopback v4 elsewhere in 127/8", "http://127.200.0.1/", ["loopback"]),
    ("loopback v6", "http://[::1]/", ["loopback"]),
    ("link-local v4", "http://169.254.1.1/", ["link-local"]),
    ("link-local v6", "http://[fe80::1]/", ["link-local"]),
    ("multicast v4", "http://224.0.0.1/", ["multicast"]),
    ("multicast v6", "http://[ff02::1]/", ["multicast"]),
    ("reserved v4", "http://240.0.0.1/", ["reserved"]),
    ("broadcast", "http://255.255.255.255/", ["reserved"]),
    ("unspecified v4", "http://0.0.0.0/", ["unspecified"]),
    ("this-network v4", "http://0.1.2.3/", ["unspecified"]),
    ("unspecified v6", "http://[::]/", ["unspecified"]),
    ("shared address space", "http://100.64.0.1/", ["shared address space"]),
    ("IETF protocol assignments", "http://192.0.0.8/", ["reserved"]),
    ("benchmarking", "http://198.18.0.1/", ["benchmarking"]),
    ("documentation TEST-NET-1", "http://192.0.2.1/", ["documentation"]),
    ("documentation TEST-NET-2", "http://198.51.100.7/", ["documentation"]),
    ("documentation TEST-NET-3", "http://203.0.113.9/", ["documentation"]),
    ("documentation v6", "http://[2001:db8::1]/", ["documentation"]),
    ("documentation v6 3fff::/20", "http://[3fff::1]/", ["documentation"]),
    ("unique local v6", "http://[fd12:3456::1]/", ["private"]),
    ("site-local v6", "http://[fec0::1]/", ["site-local"]),
    ("discard-only v6", "http://[100::1]/", ["reserved"]),
    ("Teredo", "http://[2001::1]/", ["Teredo"]),
    ("unallocated v6", "http://[4000::1]/", ["reserved"]),
    ("IPv4-mapped private", "http://[::ffff:10.0.0.1]/", ["IPv4-mapped", "10.0.0.1", "private"]),
    ("IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/", ["IPv4-mapped", "loopback"]),
    ("IPv4-compatible loopback", "http://[::127.0.0.1]/", ["IPv4-compatible", "loopback"]),
    ("IPv4-compatible public", "http://[::8.8.8.8]/", ["reserved"]),
    ("NAT64 private", "http://[64:ff9b::a00:1]/", ["NAT64", "10.0.0.1", "private"]),
    ("NAT64 local-use", "http://[64:ff9b:1::a00:1]/", ["local-use NAT64"]),
    ("6to4 private", "http://[2002:c0a8:101::1]/", ["6to4", "192.168.1.1", "private"]),
    ("6to4 loopback", "http://[2002:7f00:1::1]/", ["6to4", "127.0.0.1", "loopback"]),
    ("metadata AWS/GCP/Azure", "http://169.254.169.254/latest/meta-data/", ["metadata"]),
    ("metadata ECS", "http://169.254.170.2/v2/credentials", ["metadata"]),
    ("metadata AWS IPv6", "http://[fd00:ec2::254]/", ["metadata"]),
    ("metadata Alibaba", "http://100.100.100.200/", ["metadata"]),
    ("metadata Oracle", "http://192.0.0.192/", ["metadata"]),
    ("metadata IPv4-mapped", "http://[::ffff:169.254.169.254]/", ["metadata"]),
    ("name resolving private", "http://intranet.example.test/", ["intranet", "10.0.0.7"]),
    ("one public, one private", "https://mixed.example.test/", ["192.168.0.10", "private"]),
    ("name rebinding to loopback", "http://rebind.example.test/", ["loopback"]),
    ("name resolving to metadata", "http://metadata.example.test/", ["metadata"]),
    ("decimal IP spelling", "http://2130706433/", ["loopback"]),
    ("unresolvable name", "http://nowhere.example.test/", ["does not resolve"]),
    ("resolver answers garbage", "http://garbage.example.test/", ["not an IP address"]),
]


@pytest.mark.parametrize(("url", "words"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_addresses(url: str, words: list[str]) -> None:
    with pytest.raises(UnsafeUrl) as caught:
        guard().resolve(url)
    for word in words:
        assert word in caught.value.reason
    assert str(caught.value) == caught.value.reason


ALLOWED = [
    ("public literal", "http://8.8.8.8/", ["8.8.8.8"]),
    ("public v6 literal", "https://[2606:4700:4700::1111]/", ["2606:4700:4700::1111"]),
    # str() of a mapped address changed in Python 3.13; compare with what this Python prints.
    ("IPv4-mapped public", "http://[::ffff:8.8.8.8]/", [str(ip_address("::ffff:8.8.8.8"))]),
    ("NAT64 public", "http://[64:ff9b::808:808]/", ["64:ff9b::808:808"]),
    ("6to4 public", "http://[2002:808:808::1]/", ["2002:808:808::1"]),
    ("public name", "https://hooks.example.test/x", [PUBLIC]),
    ("dual-stack, resolver order", "https://dual.example.test/", DNS["dual.example.test"]),
    ("duplicates once", "https://dupes.example.test/", [PUBLIC, "8.8.8.8"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "addresses"), [c[1:] for c in ALLOWED], ids=[c[0] for c in ALLOWED]
)
def test_allowed_addresses(url: str, addresses: list[str]) -> None:
    assert guard().resolve(url) == addresses


@pytest.mark.parametrize(
    ("url", "addresses"),
    [
        ("http://127.0.0.1:8080/hook", ["127.0.0.1"]),
        ("http://127.9.9.9/", ["127.9.9.9"]),
        ("http://[::1]:8080/", ["::1"]),
        ("http://[::ffff:127.0.0.1]/", [str(ip_address("::ffff:127.0.0.1"))]),
        ("http://rebind.example.test/", ["127.0.0.1"]),
    ],
)
def test_allow_listed_loopback_is_admitted(url: str, addresses: list[str]) -> None:
    assert guard(LOOPBACK).resolve(url) == addresses


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/", "http://[fe80::1]/", "http://169.254.169.254/", "http://[::2]/"]
)
def test_allow_list_admits_only_what_it_lists(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        guard(LOOPBACK).resolve(url)


def test_allow_listed_network_admits_its_addresses() -> None:
    lab = guard(["10.20.0.0/16", "fd00:abcd::/32"])
    assert lab.resolve("http://10.20.3.4/") == ["10.20.3.4"]
    assert lab.resolve("http://[fd00:abcd::5]/") == ["fd00:abcd::5"]
    with pytest.raises(UnsafeUrl, match="private"):
        lab.resolve("http://10.21.0.1/")


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://169.254.170.2/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://192.0.0.192/",
        "http://[::ffff:169.254.169.254]/",
    ],
)
def test_metadata_stays_refused_under_a_broad_allow_list(url: str) -> None:
    everything = guard(["0.0.0.0/0", "::/0"])
    with pytest.raises(UnsafeUrl, match="metadata"):
        everything.resolve(url)


def test_broad_allow_list_still_admits_ordinary_addresses_in_it() -> None:
    assert guard(["169.254.0.0/16"]).resolve("http://169.254.1.1/") == ["169.254.1.1"]
    with pytest.raises(UnsafeUrl, match="metadata"):
        guard(["169.254.0.0/16"]).resolve("http://169.254.169.254/")


@pytest.mark.parametrize("entry", ["169.254.169.254", "169.254.169.254/32"])
def test_an_exact_allow_entry_admits_one_metadata_address(entry: str) -> None:
    exact = guard([entry])
    assert exact.resolve("http://169.254.169.254/") == ["169.254.169.254"]
    with pytest.raises(UnsafeUrl, match="metadata"):
        exact.resolve("http://169.254.170.2/")


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "localhost", "", "10.0.0.1-10.0.0.9"])
def test_invalid_allow_entries_are_named(entry: str) -> None:
    with pytest.raises(ValueError, match=f"allow-list entry {entry!r}"):
        AddressGuard([entry])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://hooks.example.test/x?y=1", ("https", "hooks.example.test", 443)),
        ("HTTP://Hooks.Example.TEST:8080/", ("http", "hooks.example.test", 8080)),
        ("http://hooks.example.test", ("http", "hooks.example.test", 80)),
        ("http://bücher.example.test/", ("http", "xn--bcher-kva.example.test", 80)),
        ("https://[2606:4700::1111]:8443/", ("https", "2606:4700::1111", 8443)),
        ("http://8.8.8.8:65535/", ("http", "8.8.8.8", 65535)),
        ("http://under_score.example.test/", ("http", "under_score.example.test", 80)),
    ],
)
def test_check_url_normalises(url: str, expected: tuple[str, str, int]) -> None:
    assert guard().check_url(url) == expected


REFUSED_URLS = [
    ("ftp scheme", "ftp://hooks.example.test/", "scheme"),
    ("file scheme", "file:///etc/passwd", "scheme"),
    ("gopher scheme", "gopher://hooks.example.test:70/", "scheme"),
    ("javascript", "javascript:alert(1)", "scheme"),
    ("no scheme", "//hooks.example.test/", "scheme"),
    ("user and password", "https://user:secret@hooks.example.test/", "credentials"),
    ("user only", "https://user@hooks.example.test/", "credentials"),
    ("backslash confusion", "http://hooks.example.test\\@10.0.0.1/", "credentials"),
    ("fragment", "https://hooks.example.test/x#frag", "fragment"),
    ("empty fragment", "https://hooks.example.test/x#", "fragment"),
    ("port too large", "http://hooks.example.test:65536/", "malformed"),
    ("port not a number", "http://hooks.example.test:http/", "malformed"),
    ("port zero", "http://hooks.example.test:0/", "port 0"),
    ("no host", "http:///hook", "no host"),
    ("empty", "", "empty"),
    ("space in host", "http://hooks .example.test/", "whitespace"),
    ("newline", "http://hooks.example.test/\r\nX-Injected: 1", "whitespace"),
    ("percent-encoded host", "http://%31%32%37.0.0.1/", "domain name"),
    ("bracketed IPv4", "http://[127.0.0.1]/", "malformed|IPv6"),
    ("unclosed bracket", "http://[::1/", "malformed"),
    ("empty label", "http://hooks..example.test/", "domain name"),
]


@pytest.mark.parametrize(
    ("url", "reason"), [c[1:] for c in REFUSED_URLS], ids=[c[0] for c in REFUSED_URLS]
)
def test_check_url_refuses(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrl, match=reason):
        guard(["0.0.0.0/0", "::/0"]).resolve(url)


def test_resolver_errors_mean_the_host_does_not_resolve() -> None:
    def broken(host: str, port: int) -> list[str]:
        raise OSError("SERVFAIL")

    with pytest.raises(UnsafeUrl, match="does not resolve"):
        AddressGuard(resolver=broken).resolve("https://hooks.example.test/")


def test_resolver_is_asked_with_host_and_port() -> None:
    asked: list[tuple[str, int]] = []

    def recording(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return [PUBLIC]

    AddressGuard(resolver=recording).resolve("https://Hooks.Example.TEST:8443/")
    AddressGuard(resolver=recording).resolve("http://hooks.example.test/")
    assert asked == [("hooks.example.test", 8443), ("hooks.example.test", 80)]


def test_ip_literals_never_reach_the_resolver() -> None:
    def refusing(host: str, port: int) -> list[str]:
        raise AssertionError(f"resolver asked for {host}")

    assert AddressGuard(resolver=refusing).resolve("http://[2606:4700::1111]/") == [
        "2606:4700::1111"
    ]


def test_default_resolver_checks_what_the_system_resolves() -> None:
    # Numeric spellings are turned into addresses by getaddrinfo itself: no DNS query is sent.
    with pytest.raises(UnsafeUrl, match="loopback"):
        AddressGuard().resolve("http://2130706433/")
    assert AddressGuard(LOOPBACK).resolve("http://2130706433:9/") == ["127.0.0.1"]


@pytest.mark.parametrize(
    "url",
    ["http://[fd00:ec2::254%251]/latest/meta-data/", "http://[fe80::1%25eth0]:8080/hook"],
)
def test_ipv6_zone_ids_are_refused_even_inside_an_allowed_network(url: str) -> None:
    # fd00:ec2::254%1 compares unequal to the metadata address; the zone must not smuggle it.
    guard = AddressGuard(["fd00::/8", "fe80::/10"])
    with pytest.raises(UnsafeUrl, match="zone"):
        guard.resolve(url)


def test_a_scoped_answer_from_the_resolver_is_checked_without_its_scope() -> None:
    guard = AddressGuard(resolver=lambda _host, _port: ["fd00:ec2::254%eth0"])
    with pytest.raises(UnsafeUrl, match="metadata"):
        guard.resolve("http://hooks.example.test/")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/XXXX", "https://hooks.slack.com/…"),
        ("https://erp.example.org:8443/hooks?token=abc", "https://erp.example.org:8443/…"),
        ("http://127.0.0.1:9000/", "http://127.0.0.1:9000/"),
    ],
)
def test_redacted_urls_keep_only_scheme_host_and_port(url: str, shown: str) -> None:
    assert redacted(url) == shown
