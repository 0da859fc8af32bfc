"""The delivery loop both dispatchers run: position new events, then send what is due.

It owns its transactions: one to claim a delivery (committed before the HTTP request, so the
lease is visible to other workers), one to record the answer. A worker that dies between the
two leaves a lease that lapses; the delivery is then sent again (at-least-once).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from mdm.config import Settings
from mdm.delivery import service
from mdm.delivery.service import DeliveryRules
from mdm.events.service import Rendering
from publishers.address_guard import AddressGuard
from publishers.retry import DEFAULT_SCHEDULE, RetryPolicy
from publishers.transport import WebhookTransport

log = logging.getLogger(__name__)

# The Celery task name of :meth:`Pump.run` (see :mod:`mdm.delivery.worker`).
PUMP_TASK = "mdm.delivery.pump"


def rules_from(settings: Settings) -> DeliveryRules:
    schedule = (
        tuple(timedelta(seconds=s) for s in settings.webhook_retry_schedule)
        if settings.webhook_retry_schedule is not None
        else DEFAULT_SCHEDULE
    )
    return DeliveryRules(
        rendering=Rendering(source=settings.event_source, type_prefix=settings.event_type_prefix),
        retry=RetryPolicy(schedule=schedule, jitter=settings.webhook_retry_jitter),
        lease=timedelta(seconds=settings.webhook_lease_seconds),
        disable_after=timedelta(hours=settings.webhook_disable_after_hours),
    )


def transport_from(settings: Settings) -> WebhookTransport:
    return WebhookTransport(
        AddressGuard(settings.allow_networks), timeout=settings.webhook_timeout_seconds
    )


@dataclass(slots=True)
class PumpStats:
    positioned: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    # Stopped because ``max_seconds`` passed, not because nothing was due.
    timed_out: bool = False
    states: dict[str, int] = field(default_factory=dict)


class Pump:
    """Runs until nothing is due (or ``max_seconds`` passed); safe to run in many processes."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        settings: Settings,
        *,
        transport: WebhookTransport | None = None,
    ) -> None:
        self.factory = factory
        self.rules = rules_from(settings)
        self.transport = transport or transport_from(settings)

    def publish_pending(self) -> int:
        total = 0
        while True:
            with self.factory() as session:
                positioned = service.publish_pending(session)
                session.commit()
            total += positioned
            if positioned == 0:
                return total

    def run(self, *, max_seconds: float | None = None) -> PumpStats:
        stats = PumpStats()
        started = time.monotonic()
        stats.positioned += self.publish_pending()
        since_positioning = 0
        while True:
            if max_seconds is not None and time.monotonic() - started >= max_seconds:
                stats.timed_out = True
                break
            if since_positioning >= 50:
                # Events committed while we deliver get their deliveries without waiting.
                stats.positioned += self.publish_pending()
                since_positioning = 0
            with self.factory() as session:
                claim = service.claim_next(session, rules=self.rules)
                session.commit()
            if claim is None:
                positioned = self.publish_pending()
                stats.positioned += positioned
                if positioned == 0:
                    break
                continue
            since_positioning += 1
            outcome = self.transport.send(claim.url, claim.body, claim.headers)
            stats.sent += 1
            with self.factory() as session:
                state = service.record_outcome(session, claim, outcome, rules=self.rules)
                session.commit()
            if outcome.kind == "delivered":
                stats.delivered += 1
            else:
                stats.failed += 1
                log.info(
                    "delivery %s of %s to %s failed: %s",
                    claim.delivery_id,
                    claim.event_id,
                    claim.url,
                    outcome.error or outcome.status,
                )
            if state is not None:
                stats.states[state.value] = stats.states.get(state.value, 0) + 1
        return stats

    def close(self) -> None:
        self.transport.close()
