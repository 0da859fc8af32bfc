"""People on HR files: copies of one person mistyped in different places, forms filled in the
wrong boxes, and what still keeps two different people apart."""

from __future__ import annotations

from typing import Any

from matching.blocking import blocking_keys
from matching.clustering import CandidateReason, contradicted
from matching.defaults import employee
from matching.features import MatchRecord, match_record
from matching.linking import link
from matching.scoring import score_pair
from matching.training import train

EMPLOYEE = employee()


def person(key: str, **changes: Any) -> MatchRecord:
    """Amber Pamplin as her HR records have her, with ``changes`` applied (None removes)."""
    attributes: dict[str, Any] = {
        "first_name": "AMBER",
        "last_name": "PAMPLIN",
        "birth_date": "1937-04-07",
        "ssn": "101824555",
        "home_address": {"line1": "58 ANDREA PL", "city": "SEVEN HILLS", "zip": "5045"},
    }
    address = changes.pop("address", {})
    attributes["home_address"] = {**attributes["home_address"], **address}
    attributes.update(changes)
    return match_record(EMPLOYEE, key, {k: v for k, v in attributes.items() if v is not None})


def _comparison(a: MatchRecord, b: MatchRecord, name: str) -> Any:
    return next(c for c in score_pair(EMPLOYEE, a, b).comparisons if c.comparison == name)


def test_a_street_written_on_the_second_address_line_still_agrees() -> None:
    first = person("first", address={"line1": "14 MILTON", "line2": "ANDREA PL"})
    second = person("second", address={"line1": "14 ANDREA PL", "line2": "MILTON"})

    assert _comparison(first, second, "street_name").level == "exact"


def test_a_shared_apartment_number_is_no_shared_street() -> None:
    first = person("first", address={"line1": "58 ANDREA PL", "line2": "APT 5B"})
    second = person("second", address={"line1": "3 HOPKINS ST", "line2": "APT 5B"})
    third = person("third", address={"line1": "9 GROOM ST", "line2": "# 5B"})

    assert _comparison(first, second, "street_name").level == "else"
    assert _comparison(second, third, "street_name").level == "else"


def test_a_typo_in_the_street_type_still_meets_the_other_copies() -> None:
    # Different names, no birth date or SSN in common: only the street and postcode can block.
    first = person(
        "first",
        first_name="JACOBIE",
        last_name="TILLEQ",
        birth_date=None,
        ssn=None,
        address={"line1": "STUDLEY STEET", "zip": "4869"},
    )
    second = person(
        "second",
        first_name="BLAKE",
        last_name="MOODY",
        birth_date=None,
        ssn=None,
        address={"line1": "STUDLEY STREET", "zip": "4869"},
    )

    assert "street_word_postcode" in {
        key.split(":")[0]
        for key in blocking_keys(EMPLOYEE, first) & blocking_keys(EMPLOYEE, second)
    }


def test_names_swapped_with_a_typo_are_still_a_swap() -> None:
    first = person("first", first_name="PAMPLINN", last_name="AMBER")
    second = person("second", first_name="AMBER", last_name="PAMPLIN")
    other = person("other", first_name="AMBER", last_name="JONES")

    swapped = _comparison(first, second, "names_swapped")
    assert swapped.level == "swapped, jaro_winkler>=0.9"
    assert swapped.weight > 8
    assert _comparison(first, other, "names_swapped").level == "else"


def test_two_copies_that_weigh_weakly_against_each_other_join_the_person_they_both_match() -> None:
    # Both copies match the original strongly; against each other they are only weak (+3.6
    # bits: one lacks the SSN, and each has its own typo), which is no evidence of two people.
    original = person("original", address={"zip": "5045"})
    copy_a = person("copy_a", birth_date="1969-10-06", address={"zip": "5054"})
    copy_b = person("copy_b", ssn=None, address={"city": "THORNLIE", "zip": "5040"})
    assert -4 < score_pair(EMPLOYEE, copy_a, copy_b).weight < EMPLOYEE.thresholds.review

    assert link(EMPLOYEE, [original, copy_a, copy_b]).clustering.clusters == [
        ("copy_a", "copy_b", "original")
    ]
    # With the strict guard (every pair across must reach review), they stay apart.
    strict = EMPLOYEE.model_copy(
        update={"thresholds": EMPLOYEE.thresholds.model_copy(update={"keep_apart": None})}
    )
    result = link(strict, [original, copy_a, copy_b]).clustering
    assert len(result.clusters) == 2
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def test_a_pair_below_keep_apart_still_keeps_two_clusters_apart() -> None:
    original = person("original", address={"zip": "5045"})
    copy_a = person("copy_a", birth_date="1969-10-06", address={"zip": "5054"})
    # Another house number as well: -4.5 bits against copy_a, below keep_apart (-4).
    other = person(
        "other", ssn=None, address={"line1": "85 ANDREA PL", "city": "THORNLIE", "zip": "5040"}
    )
    assert score_pair(EMPLOYEE, copy_a, other).weight < EMPLOYEE.thresholds.apart

    result = link(EMPLOYEE, [original, copy_a, other]).clustering

    assert result.clusters == [("copy_a", "original"), ("other",)]
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def test_a_move_is_no_contradiction_but_another_birth_date_is() -> None:
    # A guard this strict that a different street alone would count against a pair.
    touchy = EMPLOYEE.model_copy(update={"contradiction_weight": -3.0})
    moved = person("moved", address={"line1": "3 HOPKINS ST", "city": "GOROKAN", "zip": "2576"})
    older = person("older", birth_date="1951-02-03")
    original = person("original")

    assert not contradicted(touchy, score_pair(touchy, original, moved))
    assert contradicted(touchy, score_pair(touchy, original, older))


def test_training_keeps_what_it_does_not_estimate() -> None:
    records = [
        person(f"p{i}", first_name=name, birth_date=f"19{50 + i}-0{1 + i % 9}-1{i % 10}")
        for i, name in enumerate(["AMBER", "LAURA", "KYRA", "CALLUM", "JACK", "MOLLY"] * 10)
    ]

    trained = train(EMPLOYEE, records, version="employee-t1", random_pairs=500)

    assert trained.thresholds == EMPLOYEE.thresholds
    assert [(c.name, c.contradicts) for c in trained.comparisons] == [
        (c.name, c.contradicts) for c in EMPLOYEE.comparisons
    ]
    assert [[lv.label for lv in c.levels] for c in trained.comparisons] == [
        [lv.label for lv in c.levels] for c in EMPLOYEE.comparisons
    ]
