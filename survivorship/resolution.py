"""Resolution of golden attributes from the records that contribute to a golden record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MOST_RECENT = "most_recent"


@dataclass(frozen=True, slots=True)
class Contribution:
    """One source record's standardised attributes, as seen by survivorship."""

    record_id: int
    source_system: str
    source_key: str
    observed_at: datetime
    attributes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class AttributeLineage:
    """Which source record supplied an attribute's golden value, and which rule chose it."""

    record_id: int
    source_system: str
    source_key: str
    rule: str
    observed_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "source_record_id": self.record_id,
            "source_system": self.source_system,
            "source_key": self.source_key,
            "rule": self.rule,
            "observed_at": self.observed_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Resolution:
    attributes: dict[str, Any]
    lineage: dict[str, AttributeLineage]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def resolve_most_recent(contributions: Iterable[Contribution]) -> Resolution:
    """Each attribute takes the most recently observed non-empty value.

    Ties on time are broken by the higher record id, so the result never depends on the order
    the contributions are given in.

    >>> from datetime import UTC
    >>> a = Contribution(1, "erp", "V1", datetime(2026, 1, 1, tzinfo=UTC), {"name": "ACME"})
    >>> b = Contribution(2, "supply", "S9", datetime(2026, 2, 1, tzinfo=UTC), {"name": "Acme Inc"})
    >>> resolve_most_recent([a, b]).attributes
    {'name': 'Acme Inc'}
    """
    ordered = sorted(contributions, key=lambda c: (c.observed_at, c.record_id), reverse=True)
    attributes: dict[str, Any] = {}
    lineage: dict[str, AttributeLineage] = {}
    for contribution in ordered:
        for name, value in contribution.attributes.items():
            if name in attributes or _empty(value):
                continue
            attributes[name] = value
            lineage[name] = AttributeLineage(
                contribution.record_id,
                contribution.source_system,
                contribution.source_key,
                MOST_RECENT,
                contribution.observed_at,
            )
    return Resolution(dict(sorted(attributes.items())), dict(sorted(lineage.items())))
