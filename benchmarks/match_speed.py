"""Matching speed: scoring throughput, and one record matched against a large hub.

    .venv/bin/python -m benchmarks.match_speed [--goldens 100000] [--pairs 200000] [--probes 300]

1. Scoring throughput: candidate pairs per second on one core. Synthetic providers (half the
   surnames from the commonest US ones, half from 1,200 composed rarer ones; common given names;
   birth dates, phones, a third with NPIs, a tenth duplicated with drift) are blocked with the
   default provider settings and the blocked pairs scored, every comparison and explanation
   included, single-threaded: pair by pair with ``matching.scoring.score_pair`` and all at once
   with ``score_pairs`` (as ``match_many``, for one record or a batch, and batch linking score
   them); see ``scoring_throughput`` for the three ways measured.
2. One record against N golden records: the hub is filled with N providers through the ingest
   service (the same code REST calls, without HTTP), on SQLite and PostgreSQL; then ``--probes``
   new records (half of them duplicates of stored ones, half new people) are each ingested and
   matched in their own transaction, timing each from the ingest call to the commit. Reported:
   median and p95 per record.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from benchmarks.harness import database, median, percentile, save_report
from matching.blocking import candidate_pairs
from matching.defaults import provider
from matching.features import match_record
from matching.scoring import score_pair, score_pairs
from matching.standardise.identifiers import npi_check_digit
from mdm.db import create_engine_for_url, session_factory
from mdm.ingest import service as ingest
from mdm.source_systems import service as source_systems
from mdm.source_systems.schemas import SourceSystemCreate

LAST = (
    "SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ "
    "GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS "
    "SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN "
    "HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL MITCHELL CARTER ROBERTS GOMEZ "
    "PHILLIPS "
    "EVANS TURNER DIAZ PARKER CRUZ EDWARDS COLLINS REYES STEWART MORRIS MORALES MURPHY COOK "
    "ROGERS GUTIERREZ ORTIZ MORGAN COOPER PETERSON BAILEY REED KELLY HOWARD RAMOS KIM COX WARD "
    "RICHARDSON "
    "WATSON BROOKS CHAVEZ WOOD JAMES BENNETT GRAY MENDOZA RUIZ HUGHES PRICE ALVAREZ CASTILLO "
    "SANDERS PATEL MYERS LONG ROSS FOSTER JIMENEZ POWELL JENKINS PERRY RUSSELL SULLIVAN BELL "
    "COLEMAN"
).split()
FIRST = (
    "JAMES MARY ROBERT PATRICIA JOHN JENNIFER MICHAEL LINDA DAVID ELIZABETH WILLIAM BARBARA "
    "RICHARD SUSAN JOSEPH JESSICA THOMAS SARAH CHRISTOPHER KAREN CHARLES LISA DANIEL NANCY MATTHEW "
    "BETTY ANTHONY SANDRA MARK MARGARET DONALD ASHLEY STEVEN KIMBERLY ANDREW EMILY PAUL DONNA "
    "JOSHUA "
    "MICHELLE KENNETH CAROL KEVIN AMANDA BRIAN MELISSA GEORGE DEBORAH TIMOTHY STEPHANIE RONALD "
    "REBECCA JASON SHARON EDWARD LAURA JEFFREY CYNTHIA RYAN DOROTHY JACOB AMY GARY KATHLEEN "
    "NICHOLAS"
).split()


# Real populations have long tails of rare surnames; without them every name block would hold
# hundreds of records. Half the synthetic people get one of 1,200 composed rarer surnames.
_PARTS = (
    "AB AL AN AR BA BE BO BR CA CH CO DA DE DO EL FA FE GA GO HA HE JO KA KE LA LE LO MA ME MO "
    "NA NO PA PE RA RO SA SE TA VA"
).split()
_ENDINGS = (
    "BERG BURN DALE FIELD FORD GAN HAM HART KIN LAND LEY LING LOW MAN MER MONT NEY RICK RIDGE "
    "SKI SON STEIN TON VILLE WALD WELL WICK WOOD WORTH ZAK"
).split()
RARE_LAST = [p + e for p in _PARTS for e in _ENDINGS]


def npi_for(n: int) -> str:
    base = f"1{n:08d}"
    return base + str(npi_check_digit(base))


def synthetic_provider(n: int, rnd: random.Random) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "last_name": rnd.choice(LAST) if rnd.random() < 0.5 else rnd.choice(RARE_LAST),
        "first_name": rnd.choice(FIRST),
        "middle_name": chr(65 + rnd.randrange(26)),
        "birth_date": (
            f"{rnd.randint(1940, 1999)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        ),
        "phone": f"+1512{rnd.randint(2000000, 9999999)}",
    }
    if n % 3 == 0:
        attributes["npi"] = npi_for(n)
    return attributes


def scoring_throughput(pairs_wanted: int, seed: int = 5) -> dict[str, Any]:
    settings = provider()
    rnd = random.Random(seed)
    records = []
    n = 0
    while True:
        attributes = synthetic_provider(n, rnd)
        records.append(match_record(settings, f"r{n}", attributes))
        if n % 10 == 0:
            drifted = {**attributes, "phone": None, "middle_name": None}
            records.append(match_record(settings, f"r{n}d", drifted))
        n += 1
        if n % 5000 == 0:
            blocked = sum(1 for _ in candidate_pairs(settings, records))
            if blocked >= pairs_wanted:
                break
    by_key = {r.key: r for r in records}
    pairs = list(candidate_pairs(settings, records))[:pairs_wanted]
    records_of = [(by_key[a], by_key[b]) for a, b in pairs]
    # Three ways, alternating so that all see the same machine: pair by pair with each score
    # thrown away at once (how this was measured before score_pairs); pair by pair and all at
    # once with the scores kept and the cyclic collector paused, as the hub's batches, file
    # chunks and domain re-matches run (mdm.db.bulk): kept scores with the collector running
    # would mostly measure the collector walking them.
    rounds: dict[str, list[float]] = {"dropped": [], "one_by_one": [], "batch": []}
    for _ in range(3):
        started = time.perf_counter()
        for a, b in records_of:
            score_pair(settings, a, b)
        rounds["dropped"].append(len(pairs) / (time.perf_counter() - started))
        gc.disable()
        try:
            started = time.perf_counter()
            kept = [score_pair(settings, a, b) for a, b in records_of]
            rounds["one_by_one"].append(len(pairs) / (time.perf_counter() - started))
            del kept
            started = time.perf_counter()
            kept = score_pairs(settings, records_of)
            rounds["batch"].append(len(pairs) / (time.perf_counter() - started))
            del kept
        finally:
            gc.enable()
    return {
        "records": len(records),
        "pairs": len(pairs),
        # score_pair, each score thrown away (the measure of earlier reports).
        "pairs_per_second_median": round(median(rounds["dropped"])),
        "pairs_per_second_all": [round(r) for r in rounds["dropped"]],
        # Scores kept, collector paused: score_pair pair by pair, and score_pairs.
        "kept_one_by_one_pairs_per_second_median": round(median(rounds["one_by_one"])),
        "kept_batch_pairs_per_second_median": round(median(rounds["batch"])),
        "kept_one_by_one_pairs_per_second_all": [round(r) for r in rounds["one_by_one"]],
        "kept_batch_pairs_per_second_all": [round(r) for r in rounds["batch"]],
    }


def _fill(factory: Any, goldens: int, rnd: random.Random, batch: int = 1000) -> float:
    with factory() as session:
        source_systems.create(
            session,
            data=SourceSystemCreate(code="pm", name="PM", sends=["provider"], receives=[]),
            actor="bench",
        )
        session.commit()
    started = time.perf_counter()
    for start in range(0, goldens, batch):
        rows = [
            {"source_key": f"P{n:07d}", "attributes": synthetic_provider(n, rnd)}
            for n in range(start, min(start + batch, goldens))
        ]
        with factory() as session:
            ingest.ingest_batch(
                session,
                source_code="pm",
                domain="provider",
                rows=rows,
                actor="bench",
                max_rows=batch,
            )
            session.commit()
    return goldens / (time.perf_counter() - started)


def one_against_many(kind: str, goldens: int, probes: int, seed: int = 7) -> dict[str, Any]:
    rnd = random.Random(seed)
    with database(kind) as url:
        engine = create_engine_for_url(url)
        factory = session_factory(engine)
        fill_rate = _fill(factory, goldens, rnd)
        timings = []
        outcomes: dict[str, int] = {}
        probe_rnd = random.Random(seed + 1)
        replay = random.Random(seed)
        stored = [synthetic_provider(n, replay) for n in range(min(goldens, 5000))]
        for i in range(probes):
            if i % 2 == 0:
                # A duplicate from another system: same person, no NPI, no phone.
                original = stored[probe_rnd.randrange(len(stored))]
                attributes = {k: v for k, v in original.items() if k not in ("npi", "phone")}
            else:
                attributes = synthetic_provider(goldens + i, probe_rnd)
            session: Session
            started = time.perf_counter()
            with factory() as session:
                result = ingest.ingest_one(
                    session,
                    source_code="pm",
                    domain="provider",
                    source_key=f"Q{i:06d}",
                    body={"attributes": attributes},
                    actor="bench",
                )
                session.commit()
            timings.append((time.perf_counter() - started) * 1000)
            decision = (result.match or {}).get("decision", result.outcome)
            outcomes[decision] = outcomes.get(decision, 0) + 1
        engine.dispose()
    return {
        "database": kind,
        "golden_records": goldens,
        "fill_records_per_second": round(fill_rate, 1),
        "probes": probes,
        "match_one_ms_median": round(median(timings), 2),
        "match_one_ms_p95": round(percentile(timings, 95), 2),
        "probe_outcomes": outcomes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--goldens", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=200_000)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated; empty for scoring only"
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/match_speed.json"))
    args = parser.parse_args()
    report: dict[str, Any] = {"scoring": scoring_throughput(args.pairs)}
    print(
        f"scoring on one core ({report['scoring']['pairs']} blocked pairs of "
        f"{report['scoring']['records']} records): {report['scoring']['pairs_per_second_median']} "
        "pairs/s pair by pair, scores dropped; scores kept, collector paused: "
        f"{report['scoring']['kept_one_by_one_pairs_per_second_median']} pairs/s pair by pair, "
        f"{report['scoring']['kept_batch_pairs_per_second_median']} pairs/s as a batch"
    )
    report["one_against_many"] = []
    for kind in filter(None, args.databases.split(",")):
        result = one_against_many(kind, args.goldens, args.probes)
        report["one_against_many"].append(result)
        print(
            f"{kind}: {result['golden_records']} golden records (filled at "
            f"{result['fill_records_per_second']} rec/s); one record matched in "
            f"{result['match_one_ms_median']} ms median, {result['match_one_ms_p95']} ms p95; "
            f"{result['probe_outcomes']}"
        )
    save_report(args.out, report)


if __name__ == "__main__":
    main()
