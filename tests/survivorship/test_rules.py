"""One table per rule kind: which value survives, from which record, credited to which rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from survivorship import Contribution, resolve
from tests.survivorship.conftest import policy, record


@dataclass(frozen=True)
class Case:
    id: str
    rules: list[dict[str, Any]]
    records: list[Contribution]
    value: Any
    rule: str
    source: tuple[str, str]


def _check(case: Case) -> None:
    result = resolve(policy({"x": case.rules}), case.records)

    assert result.attributes == {"x": case.value}
    lineage = result.lineage["x"]
    assert lineage.rule == case.rule
    assert (lineage.source_system, lineage.source_key) == case.source


PRIORITY = [{"kind": "source_priority", "sources": ["nppes_feed", "epic_pm"]}]

SOURCE_PRIORITY = [
    Case(
        "highest listed source wins over a newer unlisted one",
        PRIORITY,
        [record("epic_pm", "E1", 0, x="A"), record("lawson_erp", "L1", 9, x="B")],
        "A",
        "source_priority",
        ("epic_pm", "E1"),
    ),
    Case(
        "first listed source beats the second",
        PRIORITY,
        [record("epic_pm", "E1", 9, x="A"), record("nppes_feed", "N1", 0, x="B")],
        "B",
        "source_priority",
        ("nppes_feed", "N1"),
    ),
    Case(
        "no listed source present: every candidate passes, the tie-break decides",
        PRIORITY,
        [record("lawson_erp", "L1", 0, x="A"), record("workday_hr", "W1", 3, x="B")],
        "B",
        "source_priority+tie_break",
        ("workday_hr", "W1"),
    ),
    Case(
        "two records of the top source disagreeing: the tie-break decides between them only",
        PRIORITY,
        [
            record("epic_pm", "E1", 1, x="A"),
            record("epic_pm", "E2", 2, x="B"),
            record("lawson_erp", "L1", 5, x="C"),
        ],
        "B",
        "source_priority+tie_break",
        ("epic_pm", "E2"),
    ),
]

MOST_RECENT = [
    Case(
        "the newest record wins",
        [{"kind": "most_recent"}],
        [record("epic_pm", "E1", 0, x="A"), record("lawson_erp", "L1", 1, x="B")],
        "B",
        "most_recent",
        ("lawson_erp", "L1"),
    ),
    Case(
        "two newest records agreeing decide together",
        [{"kind": "most_recent"}],
        [
            record("epic_pm", "E1", 0, x="A"),
            record("lawson_erp", "L1", 2, x="B"),
            record("workday_hr", "W1", 2, x="B"),
        ],
        "B",
        "most_recent",
        ("lawson_erp", "L1"),
    ),
    Case(
        "same time, different values: the smallest source system and key",
        [{"kind": "most_recent"}],
        [record("lawson_erp", "L1", 2, x="B"), record("epic_pm", "E1", 2, x="A")],
        "A",
        "most_recent+tie_break",
        ("epic_pm", "E1"),
    ),
]

MOST_FREQUENT = [
    Case(
        "the value most records hold wins over a newer one",
        [{"kind": "most_frequent"}],
        [
            record("epic_pm", "E1", 0, x="1234567893"),
            record("nppes_feed", "N1", 1, x="1234567893"),
            record("lawson_erp", "L1", 9, x="1245319599"),
        ],
        "1234567893",
        "most_frequent",
        ("nppes_feed", "N1"),
    ),
    Case(
        "structures are the same value whatever their key order",
        [{"kind": "most_frequent"}],
        [
            record("epic_pm", "E1", 0, x={"city": "AUSTIN", "zip": "78701"}),
            record("lawson_erp", "L1", 1, x={"zip": "78701", "city": "AUSTIN"}),
            record("workday_hr", "W1", 9, x={"city": "DALLAS", "zip": "75201"}),
        ],
        {"zip": "78701", "city": "AUSTIN"},
        "most_frequent",
        ("lawson_erp", "L1"),
    ),
    Case(
        "equally frequent values: the tie-break decides",
        [{"kind": "most_frequent"}],
        [record("epic_pm", "E1", 0, x="A"), record("lawson_erp", "L1", 1, x="B")],
        "B",
        "most_frequent+tie_break",
        ("lawson_erp", "L1"),
    ),
]

MOST_COMPLETE = [
    Case(
        "text: the longest once stripped, padding does not count",
        [{"kind": "most_complete"}],
        [record("epic_pm", "E1", 9, x="  ST LUKE  "), record("lawson_erp", "L1", 0, x="ST LUKES")],
        "ST LUKES",
        "most_complete",
        ("lawson_erp", "L1"),
    ),
    Case(
        "structure: the most non-empty fields",
        [{"kind": "most_complete"}],
        [
            record("epic_pm", "E1", 9, x={"line1": "1 MAIN ST", "line2": "", "zip": "78701"}),
            record(
                "lawson_erp", "L1", 0, x={"line1": "1 MAIN ST", "line2": "STE 200", "zip": "78701"}
            ),
        ],
        {"line1": "1 MAIN ST", "line2": "STE 200", "zip": "78701"},
        "most_complete",
        ("lawson_erp", "L1"),
    ),
    Case(
        "list: the most items",
        [{"kind": "most_complete"}],
        [record("epic_pm", "E1", 9, x=["MD"]), record("lawson_erp", "L1", 0, x=["MD", "PHD"])],
        ["MD", "PHD"],
        "most_complete",
        ("lawson_erp", "L1"),
    ),
]

LONGEST = [
    Case(
        "the longest text wins over a newer abbreviation",
        [{"kind": "longest"}],
        [
            record("infor_supply", "I1", 0, x="Nitrile exam gloves, large, powder-free"),
            record("lawson_erp", "L1", 9, x="GLOVE EXAM NITRILE LG PF"),
        ],
        "Nitrile exam gloves, large, powder-free",
        "longest",
        ("infor_supply", "I1"),
    ),
]

VALID_FIRST = [
    Case(
        "a valid identifier beats a newer one that failed its check",
        [{"kind": "valid_first"}],
        [
            record("nppes_feed", "N1", 0, x="1234567893"),
            record("epic_pm", "E1", 9, invalid=["x"], x="1234567894"),
        ],
        "1234567893",
        "valid_first",
        ("nppes_feed", "N1"),
    ),
    Case(
        "every value invalid: all stay candidates for the next rule",
        [{"kind": "valid_first"}, {"kind": "most_recent"}],
        [
            record("nppes_feed", "N1", 0, invalid=["x"], x="1234567890"),
            record("epic_pm", "E1", 9, invalid=["x"], x="1234567894"),
        ],
        "1234567894",
        "most_recent",
        ("epic_pm", "E1"),
    ),
    Case(
        "another attribute's failed check does not count against this one",
        [{"kind": "valid_first"}, {"kind": "most_recent"}],
        [
            record("nppes_feed", "N1", 0, x="A"),
            record("epic_pm", "E1", 9, invalid=["npi"], x="B"),
        ],
        "B",
        "most_recent",
        ("epic_pm", "E1"),
    ),
]

TRUST = [
    Case(
        "without a half-life, the most trusted source wins however old",
        [{"kind": "trust", "trust": {"nppes_feed": 0.9, "epic_pm": 0.6}}],
        [record("nppes_feed", "N1", 0, x="A"), record("epic_pm", "E1", 400, x="B")],
        "A",
        "trust",
        ("nppes_feed", "N1"),
    ),
    Case(
        "an unlisted source has the default trust",
        [{"kind": "trust", "trust": {"epic_pm": 0.4}, "default_trust": 0.7}],
        [record("epic_pm", "E1", 9, x="A"), record("lawson_erp", "L1", 0, x="B")],
        "B",
        "trust",
        ("lawson_erp", "L1"),
    ),
    Case(
        "equal trust: the tie-break decides",
        [{"kind": "trust", "trust": {}}],
        [record("epic_pm", "E1", 0, x="A"), record("lawson_erp", "L1", 0, x="B")],
        "A",
        "trust+tie_break",
        ("epic_pm", "E1"),
    ),
]


@pytest.mark.parametrize("case", SOURCE_PRIORITY, ids=lambda c: c.id)
def test_source_priority(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", MOST_RECENT, ids=lambda c: c.id)
def test_most_recent(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", MOST_FREQUENT, ids=lambda c: c.id)
def test_most_frequent(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", MOST_COMPLETE, ids=lambda c: c.id)
def test_most_complete(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", LONGEST, ids=lambda c: c.id)
def test_longest(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", VALID_FIRST, ids=lambda c: c.id)
def test_valid_first(case: Case) -> None:
    _check(case)


@pytest.mark.parametrize("case", TRUST, ids=lambda c: c.id)
def test_trust(case: Case) -> None:
    _check(case)
