"""A hub that really commits, with its embedded dispatcher running, and loopback receivers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.api.app import create_app
from mdm.config import Settings
from mdm.db import create_engine_for_url


def delivery_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "webhook_allow_networks": "127.0.0.0/8,::1/128",
        # Seconds, not hours: the tests watch a whole retry schedule run out.
        "webhook_retry_schedule": [0.2, 0.2, 0.4],
        "webhook_retry_jitter": 0.0,
        "dispatch_interval_seconds": 0.1,
        "webhook_lease_seconds": 5.0,
        "webhook_timeout_seconds": 2.0,
        "delivery_mode": "embedded",
    }
    values.update(overrides)
    return Settings(**values)


class Hub:
    """``hub(**settings)`` starts the API (and its dispatcher) on one fresh database;
    ``hub.stop(client)`` stops one, as a crash or a redeploy would; the rest stop at the end."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.running: list[tuple[TestClient, Engine]] = []

    def __call__(self, **overrides: Any) -> TestClient:
        engine = create_engine_for_url(self.url)
        client = TestClient(create_app(delivery_settings(self.url, **overrides), engine=engine))
        client.__enter__()
        self.running.append((client, engine))
        return client

    def stop(self, client: TestClient) -> None:
        for item in list(self.running):
            if item[0] is client:
                self.running.remove(item)
                client.__exit__(None, None, None)
                item[1].dispose()

    def stop_all(self) -> None:
        for client, _ in reversed(list(self.running)):
            self.stop(client)


@pytest.fixture
def hub(fresh_database_url: str) -> Iterator[Hub]:
    started = Hub(fresh_database_url)
    yield started
    started.stop_all()
