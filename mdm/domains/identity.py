"""Identifier keys of a record, for the identifier index (lookups by NPI, GTIN, EIN...).

Matching (``mdm.match``) decides golden records; strong identifiers declared here are also the
ones its default settings treat as decisive and cannot-link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mdm.domains.spec import DomainSpec, Kind


@dataclass(frozen=True, slots=True)
class IdentifierKey:
    """An identifier value under a scheme; composite identities join their parts with ``|``."""

    scheme: str
    value: str
    valid: bool


def identifier_keys(
    spec: DomainSpec, attributes: Mapping[str, Any], invalid_fields: Iterable[str]
) -> list[IdentifierKey]:
    """Every identifier of a record, for the identifier index.

    ``invalid_fields`` are the attribute names flagged by standardisation (a failed check digit):
    such keys are indexed (a steward can look them up) but never trusted to identify.
    Sensitive identifiers (SSN) are not indexed.
    """
    flagged = {f.split(".")[1].split("[")[0] for f in invalid_fields if f.startswith("attributes.")}
    keys: dict[tuple[str, str], IdentifierKey] = {}
    for combo in spec.identity:
        parts = [attributes.get(name) for name in combo]
        if any(p is None or p == "" for p in parts):
            continue
        scheme = "+".join(combo)
        value = "|".join(str(p).upper() for p in parts)
        keys[(scheme, value)] = IdentifierKey(scheme, value, not any(n in flagged for n in combo))
    for attr in spec.attributes:
        if attr.kind is not Kind.IDENTIFIER or attr.sensitive or attr.multi:
            continue
        sent = attributes.get(attr.name)
        if sent and (attr.name, str(sent)) not in keys:
            keys[(attr.name, str(sent))] = IdentifierKey(
                attr.name, str(sent), attr.name not in flagged
            )
    return list(keys.values())


def identity_schemes(spec: DomainSpec) -> frozenset[str]:
    return frozenset("+".join(combo) for combo in spec.identity)
