"""Groups: attributes that survive together from one record, never mixing sources."""

from __future__ import annotations

from survivorship import resolve
from tests.survivorship.conftest import policy, record

NAME = {
    "name": "person_name",
    "attributes": ["first_name", "middle_name", "last_name", "name_suffix"],
    "rules": [{"kind": "most_frequent"}, {"kind": "most_recent"}],
}


def test_name_parts_never_mix_sources() -> None:
    # Epic only knows the nickname and sends no surname. Chosen part by part, the golden record
    # would be "BILL J SMITH", a name no source has.
    records = [
        record("workday_hr", "W1", 0, first_name="WILLIAM", middle_name="J", last_name="SMITH"),
        record("epic_pm", "E1", 5, first_name="BILL", last_name=""),
    ]

    ungrouped = resolve(policy(), records).attributes
    grouped = resolve(policy(groups=[NAME]), records).attributes

    assert ungrouped == {"first_name": "BILL", "last_name": "SMITH", "middle_name": "J"}
    assert grouped == {"first_name": "BILL"}


def test_winner_supplies_every_attribute_and_the_ones_it_lacks_stay_empty() -> None:
    records = [
        record("workday_hr", "W1", 0, first_name="MARIA", middle_name="L", last_name="GARCIA"),
        record("epic_pm", "E1", 3, first_name="MARIA", last_name="GARCIA-LOPEZ"),
        record("athena_billing", "A1", 4, first_name="MARIA", last_name="GARCIA-LOPEZ"),
    ]

    result = resolve(policy(groups=[NAME]), records)

    # Two records hold the new married name; the middle initial is not borrowed from Workday.
    assert result.attributes == {"first_name": "MARIA", "last_name": "GARCIA-LOPEZ"}
    assert {n: (v.source_key, v.rule) for n, v in result.lineage.items()} == {
        "first_name": ("A1", "most_frequent"),
        "last_name": ("A1", "most_frequent"),
    }


def test_a_record_with_any_group_attribute_is_a_candidate() -> None:
    records = [
        record("workday_hr", "W1", 0, first_name="JOHN", last_name="DOE"),
        record("epic_pm", "E1", 8, name_suffix="JR"),
    ]

    result = resolve(policy(groups=[NAME]), records)

    assert result.attributes == {"name_suffix": "JR"}
    assert result.lineage["name_suffix"].rule == "most_recent"


def test_records_agreeing_on_the_whole_group_are_agreed() -> None:
    records = [
        record("workday_hr", "W1", 0, first_name="ANA", last_name="LOPEZ", phone="1"),
        record("epic_pm", "E1", 8, first_name="ANA", last_name="LOPEZ", phone="2"),
    ]

    result = resolve(policy(groups=[NAME]), records)

    assert result.lineage["first_name"].rule == "agreed"
    assert result.lineage["last_name"].source_key == "E1"


def test_group_valid_first_drops_a_record_with_any_invalid_member() -> None:
    group = {
        "name": "code_in_legal_entity",
        "attributes": ["code", "legal_entity"],
        "rules": [{"kind": "valid_first"}, {"kind": "most_recent"}],
    }
    records = [
        record("lawson_erp", "L1", 0, code="4410", legal_entity="E01"),
        record("workday_hr", "W1", 5, invalid=["legal_entity"], code="4410", legal_entity="E0l"),
    ]

    result = resolve(policy(groups=[group]), records)

    assert result.attributes == {"code": "4410", "legal_entity": "E01"}
    assert result.lineage["code"].rule == "valid_first"


def test_attributes_outside_the_group_are_resolved_on_their_own() -> None:
    records = [
        record("workday_hr", "W1", 0, first_name="ANA", last_name="LOPEZ", phone="1"),
        record("epic_pm", "E1", 8, first_name="ANNA", phone=""),
        record("athena_billing", "A1", 2, first_name="ANA", last_name="LOPEZ", phone="3"),
    ]

    result = resolve(policy(groups=[NAME]), records)

    assert result.attributes == {"first_name": "ANA", "last_name": "LOPEZ", "phone": "3"}
    assert result.lineage["phone"].source_key == "A1"
    assert result.lineage["first_name"].source_key == "A1"
