"""What survivorship takes (contributions, pins) and gives back (a resolution with lineage)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Contribution:
    """One source record's standardised attributes, as seen by survivorship.

    ``observed_at`` is when the hub last received the record (timezone-aware). ``invalid`` names
    the attributes whose identifier check failed (an NPI with a wrong check digit): the value is
    kept, and ``valid_first`` prefers any other record's valid one.
    """

    record_id: int
    source_system: str
    source_key: str
    observed_at: datetime
    attributes: Mapping[str, Any]
    invalid: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Pin:
    """A steward's value for one attribute; it beats every source until it is removed."""

    attribute: str
    value: Any
    actor: str
    reason: str
    pinned_at: datetime


@dataclass(frozen=True, slots=True)
class Contributor:
    """A source record that gave items to a ``union`` attribute."""

    record_id: int
    source_system: str
    source_key: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "source_record_id": self.record_id,
            "source_system": self.source_system,
            "source_key": self.source_key,
        }


@dataclass(frozen=True, slots=True)
class AttributeLineage:
    """Which source record supplied an attribute's golden value, and which rule decided.

    ``rule`` is ``only_source`` or ``agreed`` when no rule had to choose, the kind of the rule that
    left one value (``source_priority``, ``most_frequent``...), ``<kind>+tie_break`` when the
    chain ended with several values, ``union`` for a multi-valued union and ``steward_pin`` for a
    pinned value (then the source fields are ``None`` and ``observed_at`` is when it was pinned).
    """

    record_id: int | None
    source_system: str | None
    source_key: str | None
    rule: str
    observed_at: datetime | None
    contributors: tuple[Contributor, ...] = ()
    pinned_by: str | None = None
    pin_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form stored on golden records and their versions."""
        out: dict[str, Any] = {
            "source_record_id": self.record_id,
            "source_system": self.source_system,
            "source_key": self.source_key,
            "rule": self.rule,
            "observed_at": None if self.observed_at is None else self.observed_at.isoformat(),
        }
        if self.contributors:
            out["contributors"] = [c.as_dict() for c in self.contributors]
        if self.rule == STEWARD_PIN:
            out["pinned_by"] = self.pinned_by
            out["pin_reason"] = self.pin_reason
        return out


@dataclass(frozen=True, slots=True)
class Resolution:
    """Golden attributes (sorted by name, no empty values), each with its lineage."""

    attributes: dict[str, Any]
    lineage: dict[str, AttributeLineage]
    policy_version: str


# Lineage rule names that are not rule kinds.
ONLY_SOURCE = "only_source"
AGREED = "agreed"
STEWARD_PIN = "steward_pin"
TIE_BREAK = "tie_break"
