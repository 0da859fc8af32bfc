"""The delivery loop both dispatchers run: position new events, then send what is due.

It owns its transactions. Each round is one: write down the answers that came back, then
claim deliveries for the free slots, committed before their HTTP requests go out so the
leases are visible to other workers. A worker that dies with requests out leaves leases that
lapse; those deliveries are then sent again (at-least-once).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from mdm.config import Settings
from mdm.delivery import service
from mdm.delivery.service import DeliveryRules
from mdm.events.service import Rendering
from publishers.address_guard import AddressGuard
from publishers.retry import DEFAULT_SCHEDULE, RetryPolicy
from publishers.transport import DeliveryOutcome, WebhookTransport

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
    """Runs until nothing is due (or ``max_seconds`` passed); safe to run in many processes.

    Up to ``webhook_parallel_requests`` deliveries are in flight at once, at most one per
    endpoint and golden record (so the order per golden record holds) and at most
    ``webhook_parallel_per_endpoint`` per endpoint, endpoints taking turns. Each round is one
    transaction: record the answers that came back, then claim as many deliveries as there
    are free slots, so a slow endpoint holds one slot, not the whole round.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        settings: Settings,
        *,
        transport: Callable[[], WebhookTransport] | None = None,
    ) -> None:
        self.factory = factory
        self.rules = rules_from(settings)
        self.parallel = settings.webhook_parallel_requests
        self.per_endpoint = min(settings.webhook_parallel_per_endpoint, self.parallel)
        self._make_transport = transport or (lambda: transport_from(settings))
        self._local = threading.local()
        self._transports: list[WebhookTransport] = []
        self._lock = threading.Lock()
        # Kept across runs: its threads keep their transports, hence their open connections
        # (a new HTTP client costs more than a delivery on loopback).
        self._pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="mdm-delivery")
        self._subscribed = False
        self._subscribed_checked_at = float("-inf")

    def _send(self, claim: service.Claim) -> DeliveryOutcome:
        # One transport (connection pool) per sending thread: they are not thread-safe.
        transport: WebhookTransport | None = getattr(self._local, "transport", None)
        if transport is None:
            transport = self._local.transport = self._make_transport()
            with self._lock:
                self._transports.append(transport)
        return transport.send(claim.url, claim.body, claim.headers)

    def publish_pending(self) -> int:
        total = 0
        while True:
            # Feed positions are promised never to skip: this commit waits for the WAL.
            with self.factory() as session:
                positioned = service.publish_pending(session)
                session.commit()
            total += positioned
            if positioned < service.SEQUENCE_BATCH:
                return total

    def _anyone_subscribed(self) -> bool:
        """Whether any subscription exists, asked at most once a second.

        With nobody subscribed there is nothing to deliver, and the change feed gives events
        their positions itself when it is read; so a hub without subscribers does no delivery
        work after each commit. A subscription made meanwhile (here or in another process) is
        seen within a second, and nothing is lost: its events are positioned and fanned out
        then.
        """
        now = time.monotonic()
        if now - self._subscribed_checked_at >= 1.0:
            with self.factory() as session:
                self._subscribed = service.anyone_subscribed(session)
                session.rollback()
            self._subscribed_checked_at = now
        return self._subscribed

    def run(self, *, max_seconds: float | None = None) -> PumpStats:
        stats = PumpStats()
        if not self._anyone_subscribed():
            return stats
        started = time.monotonic()
        stats.positioned += self.publish_pending()
        in_flight: dict[Future[DeliveryOutcome], service.Claim] = {}
        done: list[tuple[service.Claim, DeliveryOutcome]] = []
        rounds = 0
        pool = self._pool
        while True:
            stopping = max_seconds is not None and time.monotonic() - started >= max_seconds
            rounds += 1
            if rounds % 50 == 0:
                # Events committed while we deliver get their deliveries without waiting.
                stats.positioned += self.publish_pending()
            with self.factory() as session:
                service.bookkeeping(session)
                for state in service.record_outcomes(session, done, rules=self.rules):
                    if state is not None:
                        stats.states[state.value] = stats.states.get(state.value, 0) + 1
                room = 0 if stopping else self.parallel - len(in_flight)
                busy = Counter(c.subscription_id for c in in_flight.values())
                claims = (
                    service.claim_due(
                        session,
                        rules=self.rules,
                        limit=room,
                        in_flight=busy,
                        per_endpoint=self.per_endpoint,
                        turn=rounds,
                    )
                    if room
                    else []
                )
                session.commit()
            done = []
            for claim in claims:
                in_flight[pool.submit(self._send, claim)] = claim
            if not in_flight:
                # Nothing due and nothing in flight. Events committed meanwhile need no look
                # here: each commit that writes events wakes the dispatcher again.
                stats.timed_out = stopping
                break
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                claim = in_flight.pop(future)
                outcome = future.result()
                done.append((claim, outcome))
                stats.sent += 1
                if outcome.kind == "delivered":
                    stats.delivered += 1
                else:
                    stats.failed += 1
                    # The subscription, not its URL: URLs often carry a token.
                    log.info(
                        "delivery %s of %s to %s failed: %s",
                        claim.delivery_id,
                        claim.event_id,
                        claim.subscription_id,
                        outcome.error or outcome.status,
                    )
        return stats

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        with self._lock:
            for transport in self._transports:
                transport.close()
            self._transports.clear()
