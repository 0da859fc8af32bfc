"""Webhook delivery: deliveries per second to a local receiver with one worker, and the time
from a change to its delivery while the receiver is healthy.

    .venv/bin/python -m benchmarks.delivery [--events 3000] [--samples 200]
        [--databases sqlite,postgresql] [--dispatchers embedded,celery]

For each database and dispatcher, a real API process (``mdm serve``'s app under uvicorn) and,
for Celery, one real ``mdm worker`` (concurrency 1) with Redis as the broker:

* throughput: the subscription is paused, ``--events`` provider records are sent in batches
  (one ``created`` event each), then the subscription is resumed; the clock runs from the
  resume to the receiver's last accepted delivery;
* latency: one record at a time over REST (PUT), ``--samples`` times, 50 ms apart; latency is
  from the moment the request is sent to the moment the receiver reads the delivery (so it
  includes the ingest itself, whose own time is reported beside it).

The receiver is a threaded HTTP server on loopback answering 204. Medians and percentiles are
reported; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import api_server, database, median, percentile, save_report
from benchmarks.ingest import _provider
from tests.receiver import Receiver

BROKER = os.environ.get("MDM_BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")


def _env(dispatcher: str) -> dict[str, str]:
    env = {
        "MDM_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
        "MDM_DELIVERY_MODE": dispatcher,
        "MDM_DISPATCH_INTERVAL_SECONDS": "1",
    }
    if dispatcher == "celery":
        env["MDM_BROKER_URL"] = BROKER
    return env


@contextmanager
def worker(database_url: str, dispatcher: str) -> Iterator[None]:
    if dispatcher != "celery":
        yield
        return
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("mdm")), "worker", "--concurrency", "1"],
        env={**os.environ, "MDM_DATABASE_URL": database_url, **_env(dispatcher)},
        start_new_session=True,
    )
    try:
        time.sleep(4)  # the worker connects to the broker and its beat starts
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run(kind: str, dispatcher: str, *, events: int, samples: int) -> dict[str, Any]:
    rnd = random.Random(23)
    receiver = Receiver().start()
    try:
        with (
            database(kind) as url,
            api_server(url, env=_env(dispatcher)) as base,
            worker(url, dispatcher),
            httpx.Client(base_url=base, timeout=600) as client,
        ):
            client.post(
                "/api/v1/source-systems", json={"code": "pm", "name": "PM", "sends": ["provider"]}
            ).raise_for_status()
            sub = client.post("/api/v1/subscriptions", json={"url": receiver.url})
            sub.raise_for_status()
            sub_id = sub.json()["id"]
            client.post(f"/api/v1/subscriptions/{sub_id}/pause").raise_for_status()
            path = "/api/v1/sources/pm/domains/provider/records"
            for start in range(0, events, 500):
                rows = [_provider(n, rnd) for n in range(start, min(events, start + 500))]
                client.post(path, json={"records": rows}).raise_for_status()
            # Let the dispatcher give every event its delivery row before the clock starts.
            deadline = time.monotonic() + 120
            while (
                client.get(f"/api/v1/subscriptions/{sub_id}").json()["health"]["pending"] < events
            ):
                client.get("/api/v1/events", params={"limit": 1})
                if time.monotonic() > deadline:
                    raise RuntimeError("deliveries were not created")
                time.sleep(0.2)
            started = time.monotonic()
            client.post(f"/api/v1/subscriptions/{sub_id}/resume").raise_for_status()
            if not receiver.accepted_count(events, timeout=600):
                raise RuntimeError(f"only {len(receiver.accepted)} of {events} delivered")
            elapsed = receiver.accepted[-1].at - started

            latencies: list[float] = []
            put_ms: list[float] = []
            for n in range(samples):
                row = _provider(events + n, rnd)
                already = len(receiver.accepted)
                sent = time.monotonic()
                client.put(f"{path}/{row['source_key']}", json=row).raise_for_status()
                put_ms.append((time.monotonic() - sent) * 1000)
                if not receiver.accepted_count(already + 1, timeout=60):
                    raise RuntimeError("a change was not delivered")
                latencies.append((receiver.accepted[already].at - sent) * 1000)
                time.sleep(0.05)
    finally:
        receiver.stop()
    return {
        "database": kind,
        "dispatcher": dispatcher,
        "events": events,
        "deliveries_per_s": round(events / elapsed, 1),
        "latency_ms_p50": round(median(latencies), 1),
        "latency_ms_p95": round(percentile(latencies, 95), 1),
        "put_ms_p50": round(median(put_ms), 1),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--dispatchers", default="embedded,celery")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/delivery.json"))
    args = parser.parse_args()
    results = [
        run(kind, dispatcher, events=args.events, samples=args.samples)
        for kind in args.databases.split(",")
        for dispatcher in args.dispatchers.split(",")
    ]
    save_report(args.out, {"results": results})
    print(
        f"{'database':<11} {'dispatcher':<10} {'deliveries/s':>12} "
        f"{'latency p50/p95 ms':>19} {'PUT p50 ms':>10}"
    )
    for r in results:
        print(
            f"{r['database']:<11} {r['dispatcher']:<10} {r['deliveries_per_s']:>12} "
            f"{r['latency_ms_p50']:>9}/{r['latency_ms_p95']:<9} {r['put_ms_p50']:>10}"
        )


if __name__ == "__main__":
    main()
