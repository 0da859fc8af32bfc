"""Real ``mdm worker`` processes for the broker-backed delivery tests, and the test broker.

A worker is started with the hub's own CLI in a process group of its own, so that stopping it
(SIGTERM, then SIGKILL) or killing it mid-delivery takes its pool and beat processes too; on
Linux it also dies with the test run if pytest itself is killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

BROKER_ENV = "MDM_TEST_BROKER_URL"
# What a worker prints once it consumes (celery's "<nodename> ready.").
_READY = " ready."
_PUMP_DONE = "Task mdm.delivery.pump["


def shown(url: str) -> str:
    """A broker URL fit for a message: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _is_redis(url: str) -> bool:
    return urlsplit(url).scheme in ("redis", "rediss")


def check_broker(url: str) -> None:
    """Raise if the broker does not answer within a few seconds."""
    if _is_redis(url):
        import redis

        with redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5) as client:
            client.ping()
        return
    app = _celery(url)
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    finally:
        app.close()


def broker_url_or_skip() -> str:
    """MDM_TEST_BROKER_URL if set and reachable; otherwise skip (or, with CI=true and a broker
    that was named but does not answer, stop the run)."""
    url = os.environ.get(BROKER_ENV, "")
    if not url:
        pytest.skip(
            f"{BROKER_ENV} is not set (e.g. redis://127.0.0.1:6379/15): "
            "the Celery worker tests need a real broker"
        )
    try:
        check_broker(url)
    except Exception as exc:  # any client error means the same: no broker to test with
        message = f"the test broker {shown(url)} ({BROKER_ENV}) is unreachable: {exc}"
        if os.environ.get("CI") == "true":
            pytest.exit(message, returncode=3)
        pytest.skip(message)
    return url


def empty_broker(url: str) -> None:
    """Drop whatever an earlier run left on the test broker: for Redis the whole database the URL
    names (and only that one: queued and unacknowledged tasks, beat and control keys); for other
    brokers the hub's queue ("mdm"), so give the tests a virtual host of their own there."""
    if _is_redis(url):
        import redis

        with redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5) as client:
            client.flushdb()
        return
    app = _celery(url)
    try:
        app.control.purge()
    finally:
        app.close()


def _celery(url: str) -> Any:
    """The hub's Celery app on ``url`` (its queue, its connection settings)."""
    from mdm.config import Settings
    from mdm.delivery.worker import celery_app

    return celery_app(Settings(database_url="sqlite://", broker_url=url, delivery_mode="off"))


def settings_env(settings: Mapping[str, Any]) -> dict[str, str]:
    """``Settings`` keyword arguments as the ``MDM_*`` variables the worker reads."""
    env: dict[str, str] = {}
    for name, value in settings.items():
        if isinstance(value, list | dict):
            text = json.dumps(value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        env[f"MDM_{name.upper()}"] = text
    return env


def _mdm_command() -> str:
    beside = Path(sys.executable).with_name("mdm")
    if beside.exists():
        return str(beside)
    found = shutil.which("mdm")
    if found is None:
        raise RuntimeError("the `mdm` command is not installed (pip install -e '.[test]')")
    return found


# The leader of the worker's process group: runs the worker and, should the test process die
# without its teardown, takes the whole group down with it (Linux: the parent-death signal; the
# worker's own pool and beat processes would outlive their parent otherwise). It waits through
# the SIGTERM sent to the group for the worker's warm shutdown. argv: parent pid, then the
# worker's command.
_GROUP_LEADER = """
import ctypes, os, signal, subprocess, sys
parent, command = int(sys.argv[1]), sys.argv[2:]
def bring_down(*_):
    os.killpg(0, signal.SIGKILL)
signal.signal(signal.SIGHUP, bring_down)
signal.signal(signal.SIGTERM, lambda *_: None)
if sys.platform == "linux":
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGHUP, 0, 0, 0)  # PR_SET_PDEATHSIG
if os.getppid() != parent:
    bring_down()
sys.exit(subprocess.Popen(command).wait() & 0xFF)
"""


class Worker:
    """One ``mdm worker --concurrency 1`` (prefork pool), optionally with the beat."""

    def __init__(
        self,
        name: str,
        *,
        settings: Mapping[str, Any],
        directory: Path,
        beat: bool = True,
    ) -> None:
        self.name = name
        directory.mkdir(parents=True, exist_ok=True)
        self.log_path = directory / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MDM_")}
        env.update(settings_env(settings))
        env["PYTHONUNBUFFERED"] = "1"
        argv = [
            _mdm_command(),
            "worker",
            "--concurrency",
            "1",
            "--beat" if beat else "--no-beat",
            "--pool",
            "prefork",
            "--hostname",
            f"{name}@%h",
            # Nothing to learn from other workers: start at once.
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
        wrapped = [sys.executable, "-c", _GROUP_LEADER, str(os.getpid()), *argv]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                wrapped,
                env=env,
                # Not the checkout: a stray .env there must not configure the worker.
                cwd=directory,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        tail = "\n".join(self.log().splitlines()[-lines:])
        return f"--- last lines of worker {self.name}'s log ---\n{tail}"

    def pump_runs(self) -> int:
        """How many pump tasks this worker has finished (succeeded or failed)."""
        return sum(
            1
            for line in self.log().splitlines()
            if _PUMP_DONE in line and (" succeeded in " in line or " raised " in line)
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _READY in self.log():
                return
            if self.process.poll() is not None:
                raise AssertionError(
                    f"worker {self.name} exited with {self.process.returncode} before it was "
                    f"ready\n{self.log_tail()}"
                )
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} not ready after {timeout} s\n{self.log_tail()}")

    def wait_pump_runs(self, more: int, timeout: float = 30.0) -> bool:
        """Wait until the worker has finished ``more`` pump tasks beyond those done now."""
        target = self.pump_runs() + more
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pump_runs() >= target:
                return True
            time.sleep(0.1)
        return False

    def _signal_group(self, signum: signal.Signals) -> None:
        # The group outlives its leader while the pool or beat process lives on.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the worker, its pool process and its beat, all at once, as a crash would."""
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM (warm shutdown), then SIGKILL whatever of the group is left."""
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)
