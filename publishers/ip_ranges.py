"""Which IP addresses a webhook must never reach, and why (the tables behind AddressGuard).

Python's ``ipaddress`` flags lag the IANA special-purpose registries (3.11 still calls the IPv6
documentation prefix 3fff::/20 and local-use NAT64 global), so the ranges that matter are
listed here explicitly, each with the reason an operator will read; ``is_global`` is only the
backstop for whatever the tables miss.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Address = IPv4Address | IPv6Address

# Instance-metadata endpoints hand out cloud credentials: the classic SSRF prize. AWS (IMDS, ECS
# task metadata, IMDS over IPv6), GCP and Azure share 169.254.169.254, Alibaba uses
# 100.100.100.200, Oracle also 192.0.0.192.
METADATA_ADDRESSES: frozenset[Address] = frozenset(
    ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)

# IANA IPv4 special-purpose registry, the parts that are not globally reachable.
_IPV4_SPECIAL: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), why)
    for net, why in (
        ("0.0.0.0/8", "unspecified ('this network', 0.0.0.0/8)"),
        ("10.0.0.0/8", "private (10.0.0.0/8)"),
        ("100.64.0.0/10", "shared address space (carrier-grade NAT, 100.64.0.0/10)"),
        ("127.0.0.0/8", "loopback (127.0.0.0/8)"),
        ("169.254.0.0/16", "link-local (169.254.0.0/16)"),
        ("172.16.0.0/12", "private (172.16.0.0/12)"),
        ("192.0.0.0/24", "reserved for IETF protocol assignments (192.0.0.0/24)"),
        ("192.0.2.0/24", "a documentation range (192.0.2.0/24)"),
        ("192.88.99.0/24", "reserved (deprecated 6to4 relay anycast, 192.88.99.0/24)"),
        ("192.168.0.0/16", "private (192.168.0.0/16)"),
        ("198.18.0.0/15", "reserved for benchmarking (198.18.0.0/15)"),
        ("198.51.100.0/24", "a documentation range (198.51.100.0/24)"),
        ("203.0.113.0/24", "a documentation range (203.0.113.0/24)"),
        ("224.0.0.0/4", "multicast (224.0.0.0/4)"),
        ("240.0.0.0/4", "reserved (240.0.0.0/4, incl. broadcast)"),
    )
)

# IANA IPv6 special-purpose registry. The prefixes that embed an IPv4 address (mapped,
# compatible, NAT64, 6to4) are handled by ``embedded_ipv4`` before this table is consulted.
_IPV6_SPECIAL: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), why)
    for net, why in (
        ("::/128", "unspecified (::)"),
        ("::1/128", "loopback (::1)"),
        ("64:ff9b:1::/48", "private (local-use NAT64, 64:ff9b:1::/48)"),
        ("100::/64", "reserved (discard-only, 100::/64)"),
        ("2001::/32", "a Teredo tunnel address (2001::/32)"),
        ("2001:db8::/32", "a documentation range (2001:db8::/32)"),
        ("2001::/23", "reserved for IETF protocol assignments (2001::/23)"),
        ("3fff::/20", "a documentation range (3fff::/20)"),
        ("5f00::/16", "reserved (SRv6 SIDs, 5f00::/16)"),
        ("fc00::/7", "private (unique local, fc00::/7)"),
        ("fe80::/10", "link-local (fe80::/10)"),
        ("fec0::/10", "site-local (deprecated, fec0::/10)"),
        ("ff00::/8", "multicast (ff00::/8)"),
    )
)

_GLOBAL_UNICAST = IPv6Network("2000::/3")
_IPV4_COMPATIBLE = IPv6Network("::/96")
_NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")

IPV4_MAPPED = "IPv4-mapped"
IPV4_COMPATIBLE = "IPv4-compatible"
NAT64 = "NAT64"
SIX_TO_FOUR = "6to4"


def embedded_ipv4(address: Address) -> tuple[str, IPv4Address] | None:
    """The IPv4 address an IPv6 address stands for, with the kind of embedding; else None.

    A dual-stack socket sends ``::ffff:10.0.0.1`` to 10.0.0.1, and NAT64/6to4 gateways forward
    to the embedded address, so each must be judged by the IPv4 address inside it.
    """
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return IPV4_MAPPED, address.ipv4_mapped
    if address in _NAT64_WELL_KNOWN:
        return NAT64, IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return SIX_TO_FOUR, IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    # :: and ::1 are in ::/96 too, but they are the unspecified and loopback addresses.
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return IPV4_COMPATIBLE, IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def special_purpose(address: Address) -> str | None:
    """Why ``address`` is not a public unicast address, or None when it is one.

    Does not look inside IPv4-embedding IPv6 addresses: callers do that with ``embedded_ipv4``.
    """
    if isinstance(address, IPv4Address):
        for net4, why in _IPV4_SPECIAL:
            if address in net4:
                return why
    else:
        for net6, why in _IPV6_SPECIAL:
            if address in net6:
                return why
        if address not in _GLOBAL_UNICAST:
            return "reserved (outside global unicast 2000::/3)"
    if not address.is_global:
        return "not globally routable"
    return None
