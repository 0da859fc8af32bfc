"""People on HR files: copies of one person mistyped in different places, forms filled in the
wrong boxes, and what still keeps two different people apart."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from matching.blocking import blocking_keys
from matching.clustering import CandidateReason, contradicted
from matching.defaults import employee
from matching.features import MatchRecord, match_record
from matching.linking import link
from matching.scoring import score_pair
from matching.settings import MatchSettings
from matching.training import train
from tests.matching.conftest import decisions

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


def _strict(settings: MatchSettings) -> MatchSettings:
    return settings.model_copy(update={"chain_guard": "strict"})


def test_two_copies_that_weigh_weakly_against_each_other_join_the_person_they_both_match() -> None:
    # Both copies match the original strongly. Against each other they are weak (+3.6 bits):
    # one has no SSN, the other a wrong birth date. One stable attribute that differs is
    # no proof of two people; the chain through the original outweighs the weak pair.
    original = person("original", address={"zip": "5045"})
    copy_a = person("copy_a", birth_date="1969-10-06", address={"zip": "5054"})
    copy_b = person("copy_b", ssn=None, address={"city": "THORNLIE", "zip": "5040"})
    weak = score_pair(EMPLOYEE, copy_a, copy_b)
    assert weak.weight < EMPLOYEE.thresholds.review
    assert not contradicted(EMPLOYEE, weak)

    assert link(EMPLOYEE, [original, copy_a, copy_b]).clustering.clusters == [
        ("copy_a", "copy_b", "original")
    ]
    # With the strict guard (every pair across must reach review), they stay apart.
    result = link(_strict(EMPLOYEE), [original, copy_a, copy_b]).clustering
    assert len(result.clusters) == 2
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def _namesakes(settings: MatchSettings) -> list[MatchRecord]:
    def r(key: str, **attributes: Any) -> MatchRecord:
        return match_record(
            settings, key, {"first_name": "JOHN", "last_name": "SMITH", **attributes}
        )

    suburb = {"city": "SEVEN HILLS", "zip": "5045"}
    return [
        r(
            "a",
            birth_date="1950-03-02",
            ssn="123456789",
            home_address={"line1": "12 OAK ST", **suburb},
        ),
        r(
            "c",
            birth_date="1978-05-06",
            ssn="234567890",
            home_address={"line1": "3 ELM RD", **suburb},
        ),
        # Only the name and the suburb: strongly like both, and proof of neither.
        r("b", home_address=suburb),
    ]


def test_namesakes_a_bare_record_matches_strongly_are_not_chained() -> None:
    # a and c differ in birth date and SSN: two people, whatever b says.
    a, c, b = _namesakes(EMPLOYEE)
    assert contradicted(EMPLOYEE, score_pair(EMPLOYEE, a, c))
    assert score_pair(EMPLOYEE, a, b).weight >= EMPLOYEE.thresholds.auto_match

    result = link(EMPLOYEE, [a, c, b]).clustering

    assert ("a", "b", "c") not in result.clusters
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def test_namesakes_stay_apart_under_trained_weights_too() -> None:
    # Trained on HR records, an exact name and suburb weigh more and a different birth date
    # or SSN less than the defaults say: the two namesakes' pair lands in the review band.
    records = [
        person(
            f"p{i}",
            first_name=first,
            last_name=last,
            birth_date=f"19{40 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            ssn=f"1{i:02d}{10 + i % 80:02d}{1000 + i:04d}",
            address={"line1": f"{i} {street} ST", "city": city, "zip": f"{5000 + i % 40}"},
        )
        for i, (first, last, street, city) in enumerate(
            [
                ("AMBER", "PAMPLIN", "ANDREA", "SEVEN HILLS"),
                ("LAURA", "WEBB", "MARTINS", "TRIGG"),
                ("KYRA", "WILDE", "GROOM", "YOUNG"),
                ("CALLUM", "JANKUS", "MCGIVERN", "SYLVANIA"),
                ("JACK", "STUBBS", "HEARD", "ST AGNES"),
                ("MOLLY", "MCCARTHY", "KANBI", "OSBORNE PARK"),
            ]
            * 15
        )
    ]
    trained = train(EMPLOYEE, records, version="employee-t1", random_pairs=2000)
    a, c, b = _namesakes(trained)

    result = link(trained, [a, c, b]).clustering

    assert ("a", "b", "c") not in result.clusters


def test_a_son_and_his_father_are_not_chained_by_a_record_without_suffix() -> None:
    suburb = {"city": "SEVEN HILLS", "zip": "5045"}
    john = {"first_name": "JOHN", "last_name": "SMITH"}
    senior = match_record(
        EMPLOYEE,
        "senior",
        {
            **john,
            "name_suffix": "SR",
            "ssn": "123456789",
            "birth_date": "1950-03-02",
            "home_address": {"line1": "12 OAK ST", **suburb},
        },
    )
    junior = match_record(
        EMPLOYEE,
        "junior",
        {
            **john,
            "name_suffix": "JR",
            "birth_date": "1978-05-06",
            "home_address": {"line1": "3 ELM RD", **suburb},
        },
    )
    bare = match_record(EMPLOYEE, "bare", {**john, "home_address": suburb})
    for other in (senior, junior):
        assert score_pair(EMPLOYEE, bare, other).weight >= EMPLOYEE.thresholds.auto_match

    result = link(EMPLOYEE, [senior, junior, bare]).clustering

    assert ("bare", "junior", "senior") not in result.clusters
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def test_a_father_and_son_at_one_address_go_to_a_steward_however_much_they_share() -> None:
    # One household: street, number, suburb and phone agree and outweigh everything else
    # (+24 bits); a JR against a SR is contrary evidence on its own.
    home = {"line1": "12 OAK ST", "city": "SEVEN HILLS", "zip": "5045"}
    john = {"first_name": "JOHN", "last_name": "SMITH", "home_address": home}
    senior = match_record(
        EMPLOYEE,
        "senior",
        {**john, "name_suffix": "SR", "birth_date": "1950-03-02", "home_phone": "+15555550100"},
    )
    junior = match_record(
        EMPLOYEE,
        "junior",
        {**john, "name_suffix": "JR", "birth_date": "1978-05-06", "home_phone": "+15555550100"},
    )
    pair = score_pair(EMPLOYEE, senior, junior)
    assert pair.weight >= EMPLOYEE.thresholds.auto_match

    result = link(EMPLOYEE, [senior, junior]).clustering

    assert result.clusters == [("junior",), ("senior",)]
    assert [c.reason for c in result.candidates] == [CandidateReason.CONTRARY_EVIDENCE]
    # The strict guard of other domains leaves a strong pair a match.
    assert link(_strict(EMPLOYEE), [senior, junior]).clustering.clusters == [("junior", "senior")]


def test_a_chain_too_weak_to_outweigh_the_pair_keeps_the_clusters_apart() -> None:
    original = person("original", address={"zip": "5045"})
    copy_a = person("copy_a", birth_date="1969-10-06", address={"zip": "5054"})
    # Matches the original (+15.5: name, birth date, suburb), but another street: against
    # copy_a, whose birth date is wrong, it weighs -9.0, and the chain's weakest link (+15.5)
    # does not outweigh that up to auto-match.
    other = person("other", ssn=None, address={"line1": "9 GROOM ST", "zip": "5040"})
    weak = score_pair(EMPLOYEE, copy_a, other)
    chain = score_pair(EMPLOYEE, original, other).weight
    assert chain >= EMPLOYEE.thresholds.auto_match
    assert not contradicted(EMPLOYEE, weak)
    assert chain + weak.weight < EMPLOYEE.thresholds.auto_match

    result = link(EMPLOYEE, [original, copy_a, other]).clustering

    assert result.clusters == [("copy_a", "original"), ("other",)]
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def test_a_move_is_no_contradiction_but_another_birth_date_and_ssn_are() -> None:
    moved = person("moved", address={"line1": "3 HOPKINS ST", "city": "GOROKAN", "zip": "2576"})
    renamed = person("renamed", last_name="OKAFOR", address={"line1": "3 HOPKINS ST"})
    older = person("older", birth_date="1951-02-03")
    another = person("another", birth_date="1951-02-03", ssn="234567890")
    original = person("original")

    assert not contradicted(EMPLOYEE, score_pair(EMPLOYEE, original, moved))
    assert not contradicted(EMPLOYEE, score_pair(EMPLOYEE, original, renamed))
    # One stable attribute that differs can be a typo; two are two people.
    assert not contradicted(EMPLOYEE, score_pair(EMPLOYEE, original, older))
    assert contradicted(EMPLOYEE, score_pair(EMPLOYEE, original, another))


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


def _parent_and_child_attributes() -> dict[str, Any]:
    home = {"line1": "58 ANDREA PL", "city": "SEVEN HILLS", "zip": "5045"}
    return {"first_name": "AMBER", "last_name": "PAMPLIN", "home_address": home}


def _parent_and_child() -> list[MatchRecord]:
    """One name on both records and no suffix: HR forms rarely have a box for JR."""
    shared = _parent_and_child_attributes()
    return [
        match_record(
            EMPLOYEE, "parent", {**shared, "birth_date": "1937-04-07", "ssn": "101824555"}
        ),
        match_record(EMPLOYEE, "child", {**shared, "birth_date": "1966-09-21", "ssn": "105390217"}),
    ]


def test_a_parent_and_child_with_one_name_at_one_address_go_to_a_steward() -> None:
    # Name, street, number and suburb agree and outweigh a different birth date and a
    # different SSN: strong on the whole. Those two are the only evidence of two people, the
    # same evidence that keeps them from being chained through a third record, so it must
    # not merge them directly either. (Under weights trained on Febrl 3 with such households
    # added, the same holds: benchmarks/febrl.py --households.)
    parent, child = _parent_and_child()
    pair = score_pair(EMPLOYEE, parent, child)
    assert pair.weight >= EMPLOYEE.thresholds.auto_match
    assert contradicted(EMPLOYEE, pair)

    result = link(EMPLOYEE, [parent, child]).clustering

    assert result.clusters == [("child",), ("parent",)]
    (candidate,) = result.candidates
    assert candidate.reason is CandidateReason.CONTRARY_EVIDENCE
    assert {c.comparison: c.level for c in candidate.best.comparisons}["birth_date"] == "else"


def test_a_copy_with_one_stable_attribute_mistyped_still_merges() -> None:
    # One stable attribute that differs can be a typo: not contrary evidence enough.
    original = person("original")
    for key, changes in {
        "birth_date": {"birth_date": "1951-02-03"},
        "ssn": {"ssn": "234567890"},
    }.items():
        copy = person(key, **changes)
        assert not contradicted(EMPLOYEE, score_pair(EMPLOYEE, original, copy))

        assert link(EMPLOYEE, [original, copy]).clustering.clusters == [
            tuple(sorted((key, "original")))
        ]


def _households(people: int) -> list[MatchRecord]:
    """An HR file of ``people``, each with a mistyped copy and a namesake relative at home:
    one name, one address, a birth date a generation away and an SSN of their own."""
    firsts = ["AMBER", "LAURA", "KYRA", "CALLUM", "JACK", "MOLLY", "GRACE", "OWEN", "RUBY"]
    records = []
    for i in range(people):
        last = "".join(chr(65 + (i * 7 + k * 11) % 26) for k in range(7))
        name = {"first_name": firsts[i % len(firsts)], "last_name": last}
        home = {"line1": f"{i + 1} {last} ST", "city": f"TOWN {i % 40}", "zip": f"{5000 + i}"}
        born, ssn = f"19{40 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"10{i:03d}{1000 + i:04d}"
        person = {**name, "home_address": home, "birth_date": born, "ssn": ssn}
        typo = {**home, "line1": f"{i + 1} {last[:-1]} ST"}
        elder = f"19{10 + i % 40}-{1 + (i + 6) % 12:02d}-{1 + (i + 14) % 28:02d}"
        relative = {**person, "birth_date": elder}
        relative["ssn"] = f"20{i:03d}{5000 + i:04d}"
        records += [
            match_record(EMPLOYEE, f"p{i}", person),
            match_record(EMPLOYEE, f"p{i}-copy", {**person, "home_address": typo}),
            match_record(EMPLOYEE, f"p{i}-kin", relative),
        ]
    return records


def test_training_on_a_file_with_relatives_never_softens_contrary_evidence() -> None:
    # EM cannot tell a relative from a mistyped copy: both share the name and the address.
    # Left alone it learns that another birth date and SSN weigh little, and the relatives
    # would merge; the rule set's statement of contrary evidence holds instead.
    records = _households(120)
    trained = train(EMPLOYEE, records, version="employee-t1", random_pairs=5000)

    assert trained.training is not None
    assert {"birth_date/else", "ssn/else"} <= set(trained.training.contrary_evidence_kept)
    stated = {(c.name, lv.label): lv.weight for c in EMPLOYEE.comparisons for lv in c.levels}
    for comparison in trained.comparisons:
        for level in comparison.levels:
            if comparison.contradicts and stated[(comparison.name, level.label)] < 0:
                assert level.weight <= stated[(comparison.name, level.label)] + 1e-9
    clusters = link(trained, records).clustering.clusters
    assert [c for c in clusters if any(k.endswith("-kin") for k in c) and len(c) > 1] == []
    assert ("p7", "p7-copy") in clusters


def test_a_rule_set_stored_before_summed_strong_pairs_decides_as_it_did() -> None:
    # Rule sets are immutable: one stored without ``strong_pair_guard`` (employee-default-2,
    # or trained from it) keeps merging the strong pair; only a JR against a SR stops it.
    stored = EMPLOYEE.model_dump(mode="json")
    del stored["strong_pair_guard"]
    before = MatchSettings.model_validate({**stored, "version": "employee-default-2"})
    parent, child = _parent_and_child()

    assert before.strong_pair_guard == "single"
    assert link(before, [parent, child]).clustering.clusters == [("child", "parent")]
    # What "single" does hold back: one comparison alone at the limit, a JR against a SR.
    junior = match_record(before, "junior", {**_parent_and_child_attributes(), "name_suffix": "JR"})
    senior = match_record(before, "senior", {**_parent_and_child_attributes(), "name_suffix": "SR"})
    result = link(before, [junior, senior]).clustering
    assert result.clusters == [("junior",), ("senior",)]
    assert [c.reason for c in result.candidates] == [CandidateReason.CONTRARY_EVIDENCE]


def test_training_floors_against_the_stated_weights_however_often_it_is_retrained() -> None:
    records = _households(60)
    first = train(EMPLOYEE, records, version="employee-t1", random_pairs=3000)
    again = train(first, records, version="employee-t2", random_pairs=3000, seed=1)

    stated = {
        f"{c.name}/{lv.label}": lv.weight
        for c in EMPLOYEE.comparisons
        if c.contradicts
        for lv in c.levels
        if lv.weight < 0
    }
    assert first.training is not None
    assert again.training is not None
    assert dict(first.training.contrary_floor) == stated
    assert dict(again.training.contrary_floor) == stated
    # The round trip through JSON, as the hub stores rule sets, keeps the floor.
    assert MatchSettings.model_validate_json(again.model_dump_json()) == again


def _level(settings: MatchSettings, name: str) -> Any:
    comparison, label = name.split("/")
    levels = next(c.levels for c in settings.comparisons if c.name == comparison)
    return next(level for level in levels if level.label == label)


def _with_weight(settings: MatchSettings, name: str, weight: float) -> MatchSettings:
    level = _level(settings, name)
    changed = level.model_copy(update={"m": level.u * 2**weight})
    comparisons = tuple(
        c.model_copy(update={"levels": tuple(changed if lv is level else lv for lv in c.levels)})
        for c in settings.comparisons
    )
    return settings.model_copy(update={"comparisons": comparisons})


def test_a_retrain_floors_at_the_stated_weight_not_at_the_rule_sets_own() -> None:
    # The rule set trained from says another birth date weighs -12 (an estimate, or an
    # edit); the statement its lineage carries is -5.04, and that is the floor.
    records = _households(60)
    first = train(EMPLOYEE, records, version="employee-t1", random_pairs=3000)
    strong = _with_weight(first, "birth_date/else", -12.0)

    again = train(strong, records, version="employee-t2", random_pairs=3000)

    stated = _level(EMPLOYEE, "birth_date/else").weight
    assert _level(again, "birth_date/else").weight == pytest.approx(stated)


def test_a_rule_set_trained_before_floors_existed_floors_at_the_shipped_default() -> None:
    # Trained without a floor (as every rule set trained from employee-default-2 was), EM
    # took the relatives for copies: another birth date and SSN weigh little, no floor is
    # recorded. Retrained, it floors at the shipped default's weights, not its own.
    records = _households(60)
    unfloored = train(
        EMPLOYEE.model_copy(update={"chain_guard": "strict", "strong_pair_guard": "single"}),
        records,
        version="employee-t0",
        random_pairs=3000,
    ).model_copy(update={"chain_guard": "bridged", "strong_pair_guard": "summed"})
    assert unfloored.training is not None
    assert unfloored.training.contrary_floor == ()
    assert _level(unfloored, "birth_date/else").weight > -3

    retrained = train(unfloored, records, version="employee-t1", random_pairs=3000)

    assert retrained.training is not None
    for name in ("birth_date/else", "ssn/else"):
        assert dict(retrained.training.contrary_floor)[name] == _level(EMPLOYEE, name).weight
        assert _level(retrained, name).weight == pytest.approx(_level(EMPLOYEE, name).weight)
    clusters = link(retrained, records).clustering.clusters
    assert [c for c in clusters if any(k.endswith("-kin") for k in c) and len(c) > 1] == []


def test_settings_refuse_a_floor_that_names_no_contradicting_level_or_summed_without_bridged() -> (
    None
):
    trained = train(EMPLOYEE, _households(20), version="employee-t1", random_pairs=1000)
    data = trained.model_dump(mode="json")
    data["training"]["contrary_floor"] = [["birth_date/different", -5.0]]
    with pytest.raises(ValidationError, match="'birth_date/different' is no level"):
        MatchSettings.model_validate(data)
    data["training"]["contrary_floor"] = [["birth_date/else", 1.0]]
    with pytest.raises(ValidationError, match="must weigh against a pair"):
        MatchSettings.model_validate(data)
    strict = {**EMPLOYEE.model_dump(mode="json"), "chain_guard": "strict"}
    with pytest.raises(ValidationError, match="strong_pair_guard"):
        MatchSettings.model_validate(strict)


def test_training_outside_the_bridged_guard_has_no_floor() -> None:
    # Provider, location, item...: EM's estimates stand as they are.
    strict = EMPLOYEE.model_copy(update={"chain_guard": "strict"})
    trained = train(strict, _households(30), version="strict-t1", random_pairs=2000)

    assert trained.training is not None
    assert trained.training.contrary_floor == ()
    assert trained.training.contrary_evidence_kept == ()


_FIRSTS = st.sampled_from(["JOHN", "JON", "AMBER"])
_LASTS = st.sampled_from(["SMITH", "SMYTH"])
_BORN = st.sampled_from([None, "1950-03-02", "1950-03-20", "1978-05-06"])
_SSNS = st.sampled_from([None, "123456789", "123456798", "234567890"])
_LINES = st.sampled_from(["12 OAK ST", "12 OAK STREET", "3 ELM RD"])
_SUFFIXES = st.sampled_from([None, None, "JR", "SR"])


@st.composite
def _household(draw: st.DrawFn) -> list[MatchRecord]:
    out = []
    for i in range(draw(st.integers(min_value=2, max_value=7))):
        attributes = {
            "first_name": draw(_FIRSTS),
            "last_name": draw(_LASTS),
            "birth_date": draw(_BORN),
            "ssn": draw(_SSNS),
            "name_suffix": draw(_SUFFIXES),
            "home_address": {"line1": draw(_LINES), "city": "SEVEN HILLS", "zip": "5045"},
        }
        present = {k: v for k, v in attributes.items() if v is not None}
        out.append(match_record(EMPLOYEE, f"r{i}", present))
    return out


@settings(max_examples=150, deadline=None)
@given(records=_household(), data=st.data())
def test_a_households_clusters_and_candidates_do_not_depend_on_arrival_order(
    records: list[MatchRecord], data: st.DataObject
) -> None:
    # Relatives, copies and namesakes at one address: the bridged guard, strong pairs with
    # contrary evidence and chains through bare records, in any order.
    shuffled = data.draw(st.permutations(records))

    assert decisions(link(EMPLOYEE, records).clustering) == decisions(
        link(EMPLOYEE, list(shuffled)).clustering
    )
