"""Settings that would fail later (a 500 at the first subscription, a dead dispatcher) are
refused when the hub starts, naming the variable."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from mdm.config import Settings


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"webhook_allow_networks": "10.0.0.0/33"}, "webhook_allow_networks"),
        ({"webhook_retry_schedule": [5, -1]}, "webhook_retry_schedule"),
        ({"webhook_retry_schedule": []}, "webhook_retry_schedule"),
        ({"event_source": ""}, "event_source"),
        ({"event_type_prefix": "Org.MDM"}, "event_type_prefix"),
        ({"webhook_timeout_seconds": 30, "webhook_lease_seconds": 20}, "lease"),
    ],
)
def test_bad_publishing_settings_are_refused_at_start(values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings(database_url="sqlite://", **values)


def test_the_defaults_and_a_real_allow_list_are_accepted() -> None:
    settings = Settings(database_url="sqlite://", webhook_allow_networks="10.20.0.0/16, ::1")
    assert settings.allow_networks == ["10.20.0.0/16", "::1"]
    assert settings.delivers_with == "embedded"
    assert Settings(database_url="sqlite://", broker_url="redis://x").delivers_with == "celery"
