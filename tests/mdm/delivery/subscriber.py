"""What a subscriber does, shared by the delivery tests: subscribe over REST, and check every
request as a subscriber would (the signature by ``standardwebhooks``, the envelope by the
CloudEvents SDK)."""

from __future__ import annotations

from typing import Any

from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from tests.receiver import Received


def subscribe(client: TestClient, url: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/subscriptions", json={"url": url, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def verified(secret: str, got: Received) -> dict[str, Any]:
    payload: dict[str, Any] = Webhook(secret).verify(got.body, got.headers)
    event = from_http(HTTPMessage(headers=got.headers, body=got.body), JSONFormat(), CloudEvent)
    assert event.get_id() == got.headers["webhook-id"]
    assert got.headers["content-type"] == "application/cloudevents+json"
    return payload
