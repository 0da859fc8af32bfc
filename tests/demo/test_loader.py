"""``mdm demo``'s load, end to end through the hub's REST API into a real database."""

from __future__ import annotations

from collections import Counter

from mdm.config import Settings
from mdm.demo import generate_demo
from mdm.demo.loader import load_demo
from mdm.domains import DOMAINS


def test_demo_lands_every_good_record_and_queues_every_bad_one(fresh_database_url: str) -> None:
    demo = generate_demo()
    expected_records = Counter(d for _, d, r in demo.records() if not r.is_reject)
    expected_rejects = Counter(d for _, d, r in demo.records() if r.is_reject)

    summary = load_demo(Settings(database_url=fresh_database_url))

    assert summary.outcomes["created"] == sum(expected_records.values())
    assert summary.outcomes["rejected"] == sum(expected_rejects.values())
    for domain in DOMAINS:
        assert summary.source_records.get(domain, 0) == expected_records[domain], domain
        assert summary.open_rejects.get(domain, 0) == expected_rejects[domain], domain
        active = summary.golden_records.get(domain, {}).get("active", 0)
        # The identity rule can only join records; it never makes more goldens than records.
        assert 0 < active <= expected_records[domain], domain
    assert "provider" in summary.render()


def test_loading_the_demo_twice_changes_nothing(fresh_database_url: str) -> None:
    settings = Settings(database_url=fresh_database_url)
    first = load_demo(settings)

    second = load_demo(settings)

    assert set(second.outcomes) == {"unchanged", "rejected"}
    assert second.outcomes["unchanged"] == first.outcomes["created"]
    assert second.golden_records == first.golden_records
    assert second.open_rejects == first.open_rejects
