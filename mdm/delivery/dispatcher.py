"""Who runs the pump: a thread in the API process (embedded default) or Celery (``mdm worker``).

Both are woken after every commit that wrote an event, and both also look every
``dispatch_interval_seconds``, which is what finds retries that came due and events whose
process died between commit and wake-up.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from mdm.config import Settings
from mdm.delivery.pump import PUMP_TASK, Pump
from mdm.events.service import EMITTED

log = logging.getLogger(__name__)


class Dispatcher(Protocol):
    def wake(self) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class EmbeddedDispatcher:
    """One background thread running the same pump as the Celery task."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mdm-dispatcher", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.webhook_timeout_seconds + 5)
            self._thread = None

    def _run(self) -> None:
        pump = Pump(self.factory, self.settings)
        try:
            while not self._stop.is_set():
                try:
                    pump.run(max_seconds=30)
                except Exception:  # the loop must outlive a bad moment (database restart)
                    log.exception("embedded dispatcher: delivery round failed")
                self._wake.wait(self.settings.dispatch_interval_seconds)
                self._wake.clear()
        finally:
            pump.close()


class CeleryDispatcher:
    """Wakes ``mdm worker`` by sending the pump task; the workers' beat covers the rest.

    The task is sent from a thread of its own, never from the request that committed: a broker
    that is slow or down must not delay a committed change. Wake-ups that arrive while one is
    being sent are merged into the next one.
    """

    def __init__(self, settings: Settings) -> None:
        from mdm.delivery.worker import celery_app

        self.app = celery_app(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="mdm-wake", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stop.is_set():
                return
            self._wake.clear()
            try:
                self.app.send_task(PUMP_TASK)
            except Exception:  # the beat finds the events when the broker is back
                log.warning("could not wake the workers; they will find the events on their own")


class NoDispatcher:
    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def wake(self) -> None:
        pass


def dispatcher_for(factory: sessionmaker[Session], settings: Settings) -> Dispatcher:
    mode = settings.delivers_with
    if mode == "embedded":
        return EmbeddedDispatcher(factory, settings)
    if mode == "celery":
        return CeleryDispatcher(settings)
    return NoDispatcher()


def wake_after_commit(factory: sessionmaker[Session], dispatcher: Dispatcher) -> None:
    """After a commit that wrote events, wake the dispatcher (never before: the events must be
    visible to the workers it wakes)."""

    def after_commit(session: Session) -> None:
        if session.info.pop(EMITTED, False):
            dispatcher.wake()

    def after_rollback(session: Session) -> None:
        session.info.pop(EMITTED, None)

    def listen(name: str, fn: Any) -> None:
        event.listen(factory, name, fn)

    listen("after_commit", after_commit)
    listen("after_rollback", after_rollback)
