"""Shared pieces of the benchmarks: databases to measure on, a real API server, statistics."""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from mdm.db.migrate import upgrade

PG_SERVER = os.environ.get("MDM_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def save_report(path: Path, report: Mapping[str, Any]) -> None:
    """Write a benchmark's figures as JSON, with the machine they were measured on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    machine = f"{platform.machine()}, {platform.python_version()}"
    path.write_text(json.dumps({"machine": machine, **report}, indent=2))


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A new, migrated database of ``kind`` (sqlite or postgresql), dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            upgrade(url)
            yield url
        return
    import psycopg
    from sqlalchemy import make_url

    name = f"mdm_bench_{uuid.uuid4().hex[:10]}"
    admin = make_url(PG_SERVER).set(drivername="postgresql", database="postgres")
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def api_server(
    database_url: str, *, max_batch: int = 1000, env: dict[str, str] | None = None
) -> Iterator[str]:
    """``mdm serve`` in its own process on a loopback port; yields the base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "MDM_DATABASE_URL": database_url,
        "MDM_MAX_BATCH_RECORDS": str(max_batch),
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "mdm.api.app:create_app", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("API server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)
