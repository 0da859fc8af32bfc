from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from survivorship import Contribution, SurvivorshipPolicy

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def at(day: float) -> datetime:
    """``day`` days after T0: later days are more recent."""
    return T0 + timedelta(days=day)


def record(
    source_system: str,
    source_key: str,
    day: float = 0,
    /,
    *,
    record_id: int = 0,
    invalid: Iterable[str] = (),
    **attributes: Any,
) -> Contribution:
    """A source record as survivorship sees it, received ``day`` days after T0."""
    return Contribution(
        record_id, source_system, source_key, at(day), attributes, frozenset(invalid)
    )


def policy(
    attributes: dict[str, list[dict[str, Any]]] | None = None,
    *,
    default: list[dict[str, Any]] | None = None,
    groups: list[dict[str, Any]] | None = None,
    version: str = "test-v1",
) -> SurvivorshipPolicy:
    """A policy from the JSON a governance team would write."""
    return SurvivorshipPolicy.model_validate(
        {
            "domain": "provider",
            "version": version,
            "default": [{"kind": "most_recent"}] if default is None else default,
            "attributes": {name: {"rules": rules} for name, rules in (attributes or {}).items()},
            "groups": groups or [],
        }
    )
