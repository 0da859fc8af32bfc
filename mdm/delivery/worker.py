"""The Celery app of ``mdm worker``: the pump as a task, and a beat that runs it regularly.

At-least-once settings, as the publishing contract asks: a task is acknowledged only after it
ran (``task_acks_late``), given back if its worker dies (``task_reject_on_worker_lost``), one
at a time per process (prefetch 1). Retries are not Celery countdowns: their time is kept in
the database (``next_attempt_at``) and the beat finds them, so the broker's visibility timeout
only has to outlast one pump run.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from mdm.config import Settings, get_settings
from mdm.db import create_engine_for_url, session_factory
from mdm.delivery.pump import PUMP_TASK, Pump

log = logging.getLogger(__name__)

# A pump run stops after this long and sends itself again, so one task never holds a worker
# (or the broker's visibility timeout) for long.
PUMP_MAX_SECONDS = 120.0

_factory: sessionmaker[Session] | None = None
_pump: Pump | None = None


def celery_app(settings: Settings) -> Celery:
    if not settings.broker_url:
        raise RuntimeError("MDM_BROKER_URL is not set: there is no broker for mdm worker to use")
    app = Celery("mdm", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue="mdm",
        broker_connection_retry_on_startup=True,
        # Sending a wake-up must not hang a request when the broker is down.
        broker_connection_timeout=2,
        task_publish_retry=False,
        broker_transport_options={"visibility_timeout": int(PUMP_MAX_SECONDS * 10)},
        beat_schedule={"pump": {"task": PUMP_TASK, "schedule": settings.dispatch_interval_seconds}},
        worker_hijack_root_logger=False,
        # The schedule lives in memory: it is one interval, nothing worth a file that every
        # worker on a machine would share.
        beat_scheduler="celery.beat:Scheduler",
    )
    app.task(name=PUMP_TASK, bind=True)(_pump_task)
    return app


def _pump_task(task: Any) -> dict[str, Any]:
    global _factory, _pump
    settings = get_settings()
    if _factory is None or _pump is None:
        # Created in the worker process itself, never inherited across a fork.
        _factory = session_factory(create_engine_for_url(settings.database_url))
        _pump = Pump(_factory, settings)
    stats = _pump.run(max_seconds=PUMP_MAX_SECONDS)
    if stats.timed_out:
        # Ran out of time rather than out of work: go on in a new task.
        task.app.send_task(PUMP_TASK)
    return {"positioned": stats.positioned, "sent": stats.sent, "delivered": stats.delivered}


def main(argv: list[str]) -> None:
    """``mdm worker``: a Celery worker (and beat) for the configured broker."""
    # httpx logs every request with its full URL at INFO; webhook URLs often carry a token,
    # and the pump logs failures by subscription ID instead.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    app = celery_app(get_settings())
    app.worker_main(argv)
