"""Rule chains: agreement first, then each rule in turn, then the tie-break."""

from __future__ import annotations

from typing import Any

from survivorship import resolve
from tests.survivorship.conftest import at, policy, record

PRIORITY_THEN_RECENT: list[dict[str, Any]] = [
    {"kind": "source_priority", "sources": ["nppes_feed"]},
    {"kind": "most_recent"},
]


def test_one_record_is_the_only_source() -> None:
    result = resolve(policy(), [record("epic_pm", "E1", 0, record_id=7, phone="+15125550100")])

    assert result.attributes == {"phone": "+15125550100"}
    assert result.lineage["phone"].rule == "only_source"
    assert result.lineage["phone"].record_id == 7


def test_records_that_agree_need_no_rule() -> None:
    # The priority would pick nppes_feed, but nothing has to be chosen when every source agrees.
    records = [
        record("epic_pm", "E1", 5, npi="1234567893"),
        record("nppes_feed", "N1", 1, npi="1234567893"),
    ]

    lineage = resolve(policy({"npi": PRIORITY_THEN_RECENT}), records).lineage["npi"]

    assert lineage.rule == "agreed"
    # The credited record is the most recent holder of the value.
    assert (lineage.source_system, lineage.source_key, lineage.observed_at) == (
        "epic_pm",
        "E1",
        at(5),
    )


def test_chain_falls_through_to_the_next_rule_when_a_rule_has_no_opinion() -> None:
    records = [
        record("epic_pm", "E1", 1, specialty="Cardiology"),
        record("lawson_erp", "L1", 4, specialty="Cardiovascular Disease"),
    ]

    lineage = resolve(policy({"specialty": PRIORITY_THEN_RECENT}), records).lineage["specialty"]

    assert lineage.rule == "most_recent"
    assert lineage.source_key == "L1"


def test_chain_stops_at_the_first_rule_that_leaves_one_value() -> None:
    records = [
        record("nppes_feed", "N1", 1, specialty="Cardiology"),
        record("lawson_erp", "L1", 4, specialty="Cardiovascular Disease"),
    ]

    result = resolve(policy({"specialty": PRIORITY_THEN_RECENT}), records)

    assert result.attributes == {"specialty": "Cardiology"}
    assert result.lineage["specialty"].rule == "source_priority"


def test_later_rules_only_see_the_candidates_earlier_rules_kept() -> None:
    # Two records agree on a mistyped NPI but it failed its check: most_frequent must not
    # resurrect it after valid_first dropped it.
    rules = [{"kind": "valid_first"}, {"kind": "most_frequent"}, {"kind": "most_recent"}]
    records = [
        record("epic_pm", "E1", 3, invalid=["npi"], npi="1234567894"),
        record("lawson_erp", "L1", 3, invalid=["npi"], npi="1234567894"),
        record("nppes_feed", "N1", 0, npi="1234567893"),
    ]

    result = resolve(policy({"npi": rules}), records)

    assert result.attributes == {"npi": "1234567893"}
    assert result.lineage["npi"].rule == "valid_first"


def test_exhausted_chain_names_its_last_rule_with_the_tie_break() -> None:
    rules = [{"kind": "most_frequent"}, {"kind": "longest"}]
    records = [
        record("lawson_erp", "L1", 2, department="ICU"),
        record("workday_hr", "W1", 2, department="OR1"),
        record("epic_pm", "E1", 1, department="ED1"),
    ]

    result = resolve(policy({"department": rules}), records)

    # Most recent first (day 2), then the smallest (source_system, source_key).
    assert result.attributes == {"department": "ICU"}
    assert result.lineage["department"].rule == "longest+tie_break"


def test_attributes_not_listed_use_the_default_chain() -> None:
    records = [
        record("epic_pm", "E1", 0, email="a@example.org", phone="+15125550100"),
        record("lawson_erp", "L1", 1, email="b@example.org", phone="+15125550199"),
    ]
    rules = [{"kind": "source_priority", "sources": ["epic_pm"]}]

    result = resolve(policy({"phone": rules}, default=[{"kind": "most_recent"}]), records)

    assert result.attributes == {"email": "b@example.org", "phone": "+15125550100"}
    assert result.lineage["email"].rule == "most_recent"
    assert result.lineage["phone"].rule == "source_priority"


def test_empty_values_are_never_candidates_and_never_survive() -> None:
    records = [
        record("epic_pm", "E1", 0, phone="+15125550100", email="a@example.org", fax=None),
        record("lawson_erp", "L1", 9, phone="", email=None, credentials=[], address={}),
    ]

    result = resolve(policy(), records)

    assert result.attributes == {"email": "a@example.org", "phone": "+15125550100"}
    assert result.lineage["phone"].rule == "only_source"
    assert list(result.lineage) == list(result.attributes) == ["email", "phone"]


def test_attributes_and_lineage_are_sorted_by_name() -> None:
    result = resolve(policy(), [record("epic_pm", "E1", 0, zeta="z", alpha="a", mid="m")])

    assert list(result.attributes) == ["alpha", "mid", "zeta"]
    assert list(result.lineage) == ["alpha", "mid", "zeta"]


def test_ties_never_go_by_record_id() -> None:
    # Same time, different values: whichever record the hub numbered first, epic_pm/E1 wins.
    for first, second in ((1, 2), (2, 1)):
        records = [
            record("lawson_erp", "L1", 0, record_id=first, name="B"),
            record("epic_pm", "E1", 0, record_id=second, name="A"),
        ]

        result = resolve(policy(), records)

        assert result.attributes == {"name": "A"}
        assert result.lineage["name"].source_key == "E1"
        assert result.lineage["name"].record_id == second


def test_resolution_names_the_policy_version() -> None:
    result = resolve(policy(version="provider-stewarded-v3"), [record("epic_pm", "E1", name="A")])

    assert result.policy_version == "provider-stewarded-v3"


def test_no_contributions_give_an_empty_golden_record() -> None:
    result = resolve(policy(), [])

    assert (result.attributes, result.lineage) == ({}, {})
