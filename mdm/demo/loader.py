"""Load the generated demo through the hub's own REST API, as the source systems would send it."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mdm.config import Settings
from mdm.db.migrate import upgrade
from mdm.domains import DOMAINS


@dataclass
class DemoSummary:
    sent: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    source_records: dict[str, int] = field(default_factory=dict)
    golden_records: dict[str, dict[str, int]] = field(default_factory=dict)
    open_rejects: dict[str, int] = field(default_factory=dict)

    def render(self) -> str:
        lines = [
            f"{'domain':<12} {'sent':>6} {'records':>8} {'golden':>7} {'rejects':>8}",
            "-" * 45,
        ]
        for domain in DOMAINS:
            golden = sum(
                n for status, n in self.golden_records.get(domain, {}).items() if status != "merged"
            )
            lines.append(
                f"{domain:<12} {self.sent[domain]:>6} {self.source_records.get(domain, 0):>8} "
                f"{golden:>7} {self.open_rejects.get(domain, 0):>8}"
            )
        lines.append("-" * 45)
        lines.append("this run: " + ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items())))
        return "\n".join(lines)


def load_demo(settings: Settings, *, seed: int = 7, batch_size: int = 200) -> DemoSummary:
    """Migrate, register the demo's systems, and send every batch over REST.

    Running it twice changes nothing the second time: ingestion is idempotent.
    """
    from mdm.api.app import create_app
    from mdm.demo.generator import generate_demo

    with warnings.catch_warnings():
        # Starlette warns that its test client will move to httpx2; the demo only needs an
        # in-process client, and a deprecation notice would be noise in the operator's terminal.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    upgrade(settings.database_url)
    dataset = generate_demo(seed)
    summary = DemoSummary()
    with TestClient(create_app(settings)) as client:
        headers = {"X-MDM-Actor": "demo-loader"}
        for system in dataset.systems:
            body = {
                "code": system.code,
                "name": system.name,
                "description": system.description,
                "sends": list(system.sends),
                "receives": list(system.receives),
            }
            response = client.post("/api/v1/source-systems", json=body, headers=headers)
            if response.status_code == 409:
                body.pop("code")
                response = client.patch(
                    f"/api/v1/source-systems/{system.code}", json=body, headers=headers
                )
            _ok(response)
        for batch in dataset.batches:
            for start in range(0, len(batch.records), batch_size):
                chunk = batch.records[start : start + batch_size]
                rows: list[dict[str, Any]] = [
                    {
                        "source_key": r.source_key,
                        "attributes": r.attributes,
                        "references": r.references,
                    }
                    for r in chunk
                ]
                response = client.post(
                    f"/api/v1/sources/{batch.source}/domains/{batch.domain}/records",
                    json={"records": rows},
                    headers=headers,
                )
                _ok(response)
                summary.sent[batch.domain] += len(rows)
                for result in response.json()["results"]:
                    summary.outcomes[result["outcome"]] += 1
        totals = _ok(client.get("/api/v1/summary"))
    summary.source_records = totals["source_records"]
    summary.golden_records = totals["golden_records"]
    summary.open_rejects = totals["open_rejects"]
    return summary


def _ok(response: Any) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(f"demo load failed: {response.status_code} {response.text}")
    return response.json()
