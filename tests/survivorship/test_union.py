"""Union: a multi-valued attribute keeps every item any source holds, with every contributor."""

from __future__ import annotations

from survivorship import Contributor, resolve
from tests.survivorship.conftest import at, policy, record

UNION = {"licenses": [{"kind": "union"}], "credentials": [{"kind": "union"}]}


def test_union_keeps_every_item_once_in_a_stable_order() -> None:
    records = [
        record("epic_pm", "E1", 3, record_id=12, credentials=["MD", "FACC"]),
        record("nppes_feed", "N1", 1, record_id=4, credentials=["MD"]),
        record("athena_billing", "A1", 2, record_id=9, credentials=["PHD", "MD"]),
    ]

    result = resolve(policy(UNION), records)

    assert result.attributes == {"credentials": ["FACC", "MD", "PHD"]}


def test_union_deduplicates_structures_whatever_their_key_order() -> None:
    tx = {"state": "TX", "number": "Q1234"}
    records = [
        record("epic_pm", "E1", 0, licenses=[tx, {"state": "OK", "number": "55"}]),
        record("nppes_feed", "N1", 1, licenses=[{"number": "Q1234", "state": "TX"}]),
    ]

    result = resolve(policy(UNION), records)

    assert result.attributes["licenses"] == [
        {"number": "55", "state": "OK"},
        {"number": "Q1234", "state": "TX"},
    ]


def test_union_lineage_names_every_contributor_sorted_by_source() -> None:
    records = [
        record("epic_pm", "E2", 3, record_id=12, credentials=["MD"]),
        record("nppes_feed", "N1", 1, record_id=4, credentials=["MD"]),
        record("athena_billing", "A1", 2, record_id=9, credentials=["PHD"]),
        record("epic_pm", "E1", 5, record_id=20, credentials=[]),
    ]

    lineage = resolve(policy(UNION), records).lineage["credentials"]

    assert lineage.rule == "union"
    assert lineage.contributors == (
        Contributor(9, "athena_billing", "A1"),
        Contributor(12, "epic_pm", "E2"),
        Contributor(4, "nppes_feed", "N1"),
    )
    assert (lineage.record_id, lineage.source_system, lineage.source_key) == (
        9,
        "athena_billing",
        "A1",
    )
    assert lineage.observed_at == at(2)


def test_union_from_one_record_is_still_a_union() -> None:
    lineage = resolve(policy(UNION), [record("epic_pm", "E1", 0, credentials=["MD", "MD"])])

    assert lineage.attributes == {"credentials": ["MD"]}
    assert lineage.lineage["credentials"].rule == "union"


def test_union_lineage_serialises_its_contributors() -> None:
    records = [
        record("epic_pm", "E1", 0, record_id=3, credentials=["MD"]),
        record("nppes_feed", "N1", 0, record_id=1, credentials=["DO"]),
    ]

    as_dict = resolve(policy(UNION), records).lineage["credentials"].as_dict()

    assert as_dict == {
        "source_record_id": 3,
        "source_system": "epic_pm",
        "source_key": "E1",
        "rule": "union",
        "observed_at": "2026-03-01T09:30:00+00:00",
        "contributors": [
            {"source_record_id": 3, "source_system": "epic_pm", "source_key": "E1"},
            {"source_record_id": 1, "source_system": "nppes_feed", "source_key": "N1"},
        ],
    }


def test_chosen_lineage_serialises_without_optional_keys() -> None:
    as_dict = (
        resolve(policy(), [record("epic_pm", "E1", 0, record_id=5, phone="1")])
        .lineage["phone"]
        .as_dict()
    )

    assert as_dict == {
        "source_record_id": 5,
        "source_system": "epic_pm",
        "source_key": "E1",
        "rule": "only_source",
        "observed_at": "2026-03-01T09:30:00+00:00",
    }
