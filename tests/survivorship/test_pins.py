"""A steward's pinned value beats every source until it is unpinned."""

from __future__ import annotations

import pytest

from survivorship import Pin, resolve
from tests.survivorship.conftest import at, policy, record

NAME = {
    "name": "person_name",
    "attributes": ["first_name", "middle_name", "last_name", "name_suffix"],
    "rules": [{"kind": "most_recent"}],
}


def _pin(attribute: str, value: object) -> Pin:
    return Pin(attribute, value, "steward.kim", "confirmed with the credentialing office", at(30))


def test_pin_beats_sources_that_all_agree_on_something_else() -> None:
    records = [
        record("nppes_feed", "N1", 40, phone="+15125550100"),
        record("epic_pm", "E1", 41, phone="+15125550100"),
    ]
    rules = [{"kind": "source_priority", "sources": ["nppes_feed"]}]

    result = resolve(policy({"phone": rules}), records, {"phone": _pin("phone", "+15125550111")})

    assert result.attributes == {"phone": "+15125550111"}
    lineage = result.lineage["phone"]
    assert (lineage.rule, lineage.pinned_by, lineage.pin_reason) == (
        "steward_pin",
        "steward.kim",
        "confirmed with the credentialing office",
    )
    assert (lineage.record_id, lineage.source_system, lineage.source_key) == (None, None, None)
    assert lineage.observed_at == at(30)


def test_pin_supplies_an_attribute_no_source_has() -> None:
    result = resolve(
        policy(), [record("epic_pm", "E1", 0, phone="1")], {"email": _pin("email", "x@example.org")}
    )

    assert result.attributes == {"email": "x@example.org", "phone": "1"}
    assert list(result.lineage) == ["email", "phone"]


def test_pin_on_one_group_attribute_pins_only_that_attribute() -> None:
    records = [
        record("workday_hr", "W1", 0, first_name="MARIA", middle_name="L", last_name="GARCIA"),
        record("epic_pm", "E1", 5, first_name="MARIA", middle_name="LUISA", last_name="GARCIA"),
    ]

    result = resolve(
        policy(groups=[NAME]), records, {"last_name": _pin("last_name", "GARCIA-LOPEZ")}
    )

    assert result.attributes == {
        "first_name": "MARIA",
        "last_name": "GARCIA-LOPEZ",
        "middle_name": "LUISA",
    }
    assert result.lineage["middle_name"].source_key == "E1"
    assert result.lineage["last_name"].rule == "steward_pin"


def test_pinning_an_empty_value_leaves_the_attribute_empty() -> None:
    records = [record("epic_pm", "E1", 0, fax="+15125550100", phone="1")]

    result = resolve(policy(), records, {"fax": _pin("fax", None)})

    assert result.attributes == {"phone": "1"}
    assert "fax" not in result.lineage


def test_pin_given_under_another_attribute_is_refused() -> None:
    with pytest.raises(ValueError, match="phone"):
        resolve(policy(), [], {"email": _pin("phone", "1")})


def test_pinned_lineage_serialises_who_and_why() -> None:
    result = resolve(policy(), [], {"phone": _pin("phone", "1")})

    assert result.lineage["phone"].as_dict() == {
        "source_record_id": None,
        "source_system": None,
        "source_key": None,
        "rule": "steward_pin",
        "observed_at": "2026-03-31T09:30:00+00:00",
        "pinned_by": "steward.kim",
        "pin_reason": "confirmed with the credentialing office",
    }
