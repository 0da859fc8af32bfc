"""Ingest throughput over REST batches and single-record latency, with 10,000 golden records.

    .venv/bin/python -m benchmarks.ingest [--existing 10000] [--rounds 5] [--batch 500]

Each database (SQLite file, PostgreSQL) gets a fresh schema. The hub is first filled with
``--existing`` provider golden records, then a real ``mdm`` API process on loopback receives:

* batches of new providers (each with a valid NPI; every one is matched against the hub),
  and the same batches again (idempotent re-sends: nothing changes);
* single-record PUTs of new providers, one at a time, timing each request end to end.

Medians over rounds are reported; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import api_server, database, median, percentile, save_report
from benchmarks.match_speed import npi_for, synthetic_provider


def _provider(n: int, rnd: random.Random) -> dict[str, Any]:
    """A new provider with a valid NPI: names with a realistic tail of rare surnames and random
    phones (the same population as the matching speed benchmark), sent as one whole name."""
    attributes = synthetic_provider(n, rnd)
    first, last, middle = (
        attributes.pop("first_name"),
        attributes.pop("last_name"),
        attributes.pop("middle_name"),
    )
    attributes["name"] = f"{last}, {first} {middle} MD"
    attributes["npi"] = npi_for(n)
    attributes["specialty"] = rnd.choice(["Family Medicine", "Cardiology", "Orthopedics"])
    return {"source_key": f"P{n:07d}", "attributes": attributes}


def run(kind: str, *, existing: int, rounds: int, batch: int, singles: int) -> dict[str, Any]:
    rnd = random.Random(11)
    with (
        database(kind) as url,
        api_server(url) as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        client.post(
            "/api/v1/source-systems", json={"code": "pm", "name": "PM", "sends": ["provider"]}
        )
        path = "/api/v1/sources/pm/domains/provider/records"
        for start in range(0, existing, 1000):
            rows = [_provider(n, rnd) for n in range(start, min(existing, start + 1000))]
            client.post(path, json={"records": rows}).raise_for_status()
        next_n = existing
        create_rates: list[float] = []
        resend_rates: list[float] = []
        for _ in range(rounds):
            rows = [_provider(n, rnd) for n in range(next_n, next_n + batch)]
            next_n += batch
            started = time.perf_counter()
            response = client.post(path, json={"records": rows})
            elapsed = time.perf_counter() - started
            assert response.json()["counts"]["created"] == batch, response.text[:500]
            create_rates.append(batch / elapsed)
            started = time.perf_counter()
            response = client.post(path, json={"records": rows})
            elapsed = time.perf_counter() - started
            assert response.json()["counts"]["unchanged"] == batch
            resend_rates.append(batch / elapsed)
        latencies: list[float] = []
        for n in range(next_n, next_n + singles):
            row = _provider(n, rnd)
            started = time.perf_counter()
            response = client.put(
                f"{path}/{row['source_key']}", json={"attributes": row["attributes"]}
            )
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.text
        golden_total = sum(
            client.get("/api/v1/summary").json()["golden_records"]["provider"].values()
        )
    return {
        "database": kind,
        "existing_golden_records": existing,
        "golden_records_at_end": golden_total,
        "batch_size": batch,
        "rounds": rounds,
        "create_records_per_s_median": round(median(create_rates), 1),
        "create_records_per_s_all": [round(r, 1) for r in create_rates],
        "resend_unchanged_records_per_s_median": round(median(resend_rates), 1),
        "single_put_ms_p50": round(percentile(latencies, 50), 2),
        "single_put_ms_p99": round(percentile(latencies, 99), 2),
        "single_puts": singles,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--existing", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/ingest.json"))
    args = parser.parse_args()
    results = [
        run(
            kind, existing=args.existing, rounds=args.rounds, batch=args.batch, singles=args.singles
        )
        for kind in args.databases.split(",")
    ]
    save_report(args.out, {"results": results})
    print(
        f"{'database':<11} {'batch rec/s':>11} {'re-send rec/s':>13} "
        f"{'PUT p50 ms':>10} {'PUT p99 ms':>10}"
    )
    for r in results:
        print(
            f"{r['database']:<11} {r['create_records_per_s_median']:>11} "
            f"{r['resend_unchanged_records_per_s_median']:>13} {r['single_put_ms_p50']:>10} "
            f"{r['single_put_ms_p99']:>10}"
        )


if __name__ == "__main__":
    main()
