"""Match quality on the project's own generated data, through the hub's real ingestion path.

    .venv/bin/python -m benchmarks.match_demo [--seed 7] [--database sqlite|postgresql]

The demo generator (``mdm.demo``) writes five systems' records for all seven domains with the
hard cases of docs (nicknames, namesakes, Jr/Sr, group practices, mistyped NPIs, shared SSNs,
GTIN forms, packaging levels, supplier name variants...). They are sent over REST exactly as
``mdm demo`` does; then every record's golden record is compared with the generator's truth.
Reported per domain: pairwise precision, recall and F1 of the golden records, precision of the
automatic merges, and the share of records that have an open match candidate (sent to review).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.harness import database, save_report
from benchmarks.quality import pairwise
from mdm.config import Settings
from mdm.db.engine import create_engine_for_url
from mdm.demo import generate_demo
from mdm.demo.loader import load_demo
from mdm.models import CandidateStatus, MatchCandidate, SourceRecord, SourceSystem


def measure(url: str, seed: int) -> dict[str, Any]:
    demo = generate_demo(seed)
    started = time.perf_counter()
    load_demo(Settings(database_url=url), seed=seed)
    elapsed = time.perf_counter() - started
    truth = {k: v for k, v in demo.truth().items() if not v.startswith("reject:")}
    engine = create_engine_for_url(url)
    with Session(engine) as session:
        rows = session.execute(
            select(
                SourceSystem.code,
                SourceRecord.domain,
                SourceRecord.source_key,
                SourceRecord.id,
                SourceRecord.golden_id,
            ).join(SourceSystem, SourceSystem.id == SourceRecord.source_system_id)
        ).all()
        candidates = session.scalars(
            select(MatchCandidate).where(MatchCandidate.status == CandidateStatus.OPEN)
        ).all()
    engine.dispose()
    golden_of = {(code, domain, key): golden for code, domain, key, _, golden in rows}
    in_review: dict[str, set[str]] = {}
    for c in candidates:
        in_review.setdefault(c.domain, set()).update({c.left_golden_id, c.right_golden_id})
    report: dict[str, Any] = {"seed": seed, "load_seconds": round(elapsed, 2), "domains": {}}
    for domain in sorted({d for _, d, _ in truth}):
        predicted = {k: v for k, v in golden_of.items() if k[1] == domain}
        expected = {k: v for k, v in truth.items() if k[1] == domain}
        quality = pairwise(predicted, expected)
        reviewed = sum(1 for k, g in predicted.items() if g in in_review.get(domain, set()))
        report["domains"][domain] = {
            **quality.as_dict(),
            "records": len(predicted),
            "golden_records": len(set(predicted.values())),
            "entities": len(set(expected.values())),
            "open_candidates": sum(1 for c in candidates if c.domain == domain),
            "records_in_review_share": round(reviewed / len(predicted), 4) if predicted else 0,
        }
    overall = pairwise(golden_of, truth)
    report["overall"] = overall.as_dict()
    report["records_in_review_share"] = round(
        sum(v["records_in_review_share"] * v["records"] for v in report["domains"].values())
        / max(1, len(golden_of)),
        4,
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/match_demo.json"))
    args = parser.parse_args()
    with database(args.database) as url:
        report = measure(url, args.seed)
    save_report(args.out, report)
    print(
        f"{'domain':<12} {'records':>7} {'golden':>6} {'truth':>6} {'prec':>7} {'recall':>7} "
        f"{'f1':>7} {'review':>7}"
    )
    for domain, r in report["domains"].items():
        print(
            f"{domain:<12} {r['records']:>7} {r['golden_records']:>6} {r['entities']:>6} "
            f"{r['precision']:>7.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} "
            f"{r['records_in_review_share']:>7.2%}"
        )
    o = report["overall"]
    print(
        f"overall precision {o['precision']:.4f} recall {o['recall']:.4f} f1 {o['f1']:.4f}; "
        f"records in review {report['records_in_review_share']:.2%}; "
        f"load {report['load_seconds']} s"
    )


if __name__ == "__main__":
    main()
