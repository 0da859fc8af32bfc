"""Stewards' operations over REST with 10,000 golden records, and survivorship throughput.

    .venv/bin/python -m benchmarks.stewardship [--existing 10000] [--pairs 100]

* survivorship: golden records resolved per second by the pure library (provider default
  policy, three contributions each, one pin in ten), on one core;
* on each database (SQLite file, PostgreSQL) behind a real ``mdm`` API process on loopback:
  manual merge of two golden records and the split that undoes it, end to end (median, p95);
  the candidate queue's first page; activating a survivorship policy that rebuilds every
  provider golden record.

Medians and percentiles are reported; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import api_server, database, median, percentile, save_report
from benchmarks.ingest import _provider
from survivorship import Contribution, Pin, default_policy, resolve

SYSTEMS = ("pm", "billing", "hr")


def survivorship_rate(goldens: int = 20_000) -> dict[str, Any]:
    rnd = random.Random(5)
    policy = default_policy("provider")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    inputs = []
    for n in range(goldens):
        base = _provider(n, rnd)["attributes"]
        base = {k: v for k, v in base.items() if k != "name"} | {
            "first_name": "Ann",
            "last_name": f"Name{n}",
            "credentials": ["MD"],
        }
        contributions = [
            Contribution(
                n * 3 + i,
                SYSTEMS[i],
                f"K{n}",
                t0 + timedelta(days=rnd.randrange(400)),
                {**base, "phone": f"+1512555{rnd.randrange(10_000):04d}"},
            )
            for i in range(3)
        ]
        pins = (
            {"specialty": Pin("specialty", "Oncology", "s", "r", t0)} if n % 10 == 0 else {}
        )
        inputs.append((contributions, pins))
    started = time.perf_counter()
    for contributions, pins in inputs:
        resolve(policy, contributions, pins)
    elapsed = time.perf_counter() - started
    return {"golden_records": goldens, "per_s": round(goldens / elapsed)}


def run(kind: str, *, existing: int, pairs: int) -> dict[str, Any]:
    rnd = random.Random(17)
    with (
        database(kind) as url,
        api_server(url) as base,
        httpx.Client(base_url=base, timeout=600) as client,
    ):
        client.post(
            "/api/v1/source-systems", json={"code": "pm", "name": "PM", "sends": ["provider"]}
        ).raise_for_status()
        path = "/api/v1/sources/pm/domains/provider/records"
        for start in range(0, existing, 1000):
            rows = [_provider(n, rnd) for n in range(start, min(existing, start + 1000))]
            client.post(path, json={"records": rows}).raise_for_status()
        merge_ms: list[float] = []
        split_ms: list[float] = []
        for i in range(pairs):
            a, b = 2 * i, 2 * i + 1
            ga = client.get(f"{path}/P{a:07d}").json()["golden_id"]
            gb = client.get(f"{path}/P{b:07d}").json()["golden_id"]
            started = time.perf_counter()
            merged = client.post(
                "/api/v1/stewardship/provider/merges",
                json={"golden_ids": [ga, gb], "reason": "benchmark", "force": True},
            )
            merge_ms.append((time.perf_counter() - started) * 1000)
            assert merged.status_code == 200, merged.text
            survivor = merged.json()["merge"]["survivor_id"]
            absorbed_key = f"P{b:07d}" if survivor == ga else f"P{a:07d}"
            started = time.perf_counter()
            split = client.post(
                "/api/v1/stewardship/provider/splits",
                json={
                    "golden_id": survivor,
                    "records": [{"source": "pm", "key": absorbed_key}],
                    "reason": "benchmark",
                },
            )
            split_ms.append((time.perf_counter() - started) * 1000)
            assert split.status_code == 200, split.text
            assert split.json()["restored"], split.text
        queue_ms = []
        for _ in range(20):
            started = time.perf_counter()
            client.get("/api/v1/stewardship/candidates", params={"limit": 50}).raise_for_status()
            queue_ms.append((time.perf_counter() - started) * 1000)
        policy = default_policy("provider").model_dump(mode="json")
        policy["version"] = "provider-bench-v2"
        policy["attributes"]["phone"] = {"rules": [{"kind": "most_frequent"}]}
        client.post("/api/v1/survivorship/policies", json={"policy": policy}).raise_for_status()
        started = time.perf_counter()
        activated = client.post("/api/v1/survivorship/policies/provider-bench-v2/activate")
        activate_s = time.perf_counter() - started
        assert activated.status_code == 200, activated.text
    return {
        "database": kind,
        "existing_golden_records": existing,
        "merge_split_pairs": pairs,
        "merge_ms_p50": round(median(merge_ms), 1),
        "merge_ms_p95": round(percentile(merge_ms, 95), 1),
        "split_ms_p50": round(median(split_ms), 1),
        "split_ms_p95": round(percentile(split_ms, 95), 1),
        "queue_page_ms_p50": round(median(queue_ms), 1),
        "policy_activation_s": round(activate_s, 2),
        "policy_activation_golden_per_s": round(existing / activate_s),
        "golden_records_changed_by_activation": activated.json()["golden_records_changed"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--existing", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/stewardship.json"))
    args = parser.parse_args()
    library = survivorship_rate()
    results = [
        run(kind, existing=args.existing, pairs=args.pairs) for kind in args.databases.split(",")
    ]
    save_report(args.out, {"survivorship": library, "results": results})
    print(f"survivorship: {library['per_s']} golden records/s on one core")
    print(
        f"{'database':<11} {'merge p50/p95 ms':>17} {'split p50/p95 ms':>17} "
        f"{'queue p50 ms':>12} {'activate s':>10}"
    )
    for r in results:
        print(
            f"{r['database']:<11} {r['merge_ms_p50']:>8}/{r['merge_ms_p95']:<8} "
            f"{r['split_ms_p50']:>8}/{r['split_ms_p95']:<8} {r['queue_page_ms_p50']:>12} "
            f"{r['policy_activation_s']:>10}"
        )


if __name__ == "__main__":
    main()
