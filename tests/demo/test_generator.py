"""The demo generator: deterministic, complete, valid where it must be, messy where it should be."""

from __future__ import annotations

import dataclasses
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any

import pytest

from matching.standardise.identifiers import check_gtin, check_npi, check_ssn
from matching.standardise.names import clean_name_parts, parse_person_name
from mdm.demo import DOMAIN_ORDER, DemoDataset, DemoRecord, generate_demo
from mdm.demo.data import NICKNAMES
from mdm.domains import DOMAINS
from mdm.domains.standardise import standardise_record

Row = tuple[str, str, DemoRecord]


@pytest.fixture(scope="module", params=[7, 1, 2024])
def demo(request: pytest.FixtureRequest) -> DemoDataset:
    """The default demo, and two other seeds: every property must hold for any seed."""
    seed: int = request.param
    return generate_demo(seed=seed)


def _good(demo: DemoDataset, domain: str | None = None) -> Iterator[Row]:
    """Every record the hub should land (not a deliberate reject), optionally of one domain."""
    for source, record_domain, record in demo.records():
        if not record.is_reject and domain in (None, record_domain):
            yield source, record_domain, record


def _bad_identifiers(demo: DemoDataset, name: str) -> set[tuple[str, str, str]]:
    return {(f.source, f.domain, f.source_key) for f in demo.flaws
            if f.kind == "bad_check_digit" and f.field == name}


def _first_last(attributes: dict[str, Any]) -> tuple[str, str]:
    """First and last name, upper-cased, from a whole ``name`` or from name parts."""
    if "name" in attributes:
        parsed = parse_person_name(attributes["name"])
    else:
        parsed = clean_name_parts(attributes.get("first_name"), attributes.get("middle_name"),
                                  attributes.get("last_name"), attributes.get("name_suffix"))
    return (parsed.first or "").upper(), (parsed.last or "").upper()


def _by_entity(demo: DemoDataset, domain: str) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in _good(demo, domain):
        groups[row[2].entity].append(row)
    return groups


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_gives_identical_dataset() -> None:
    first, second = generate_demo(seed=7), generate_demo(seed=7)
    assert dataclasses.asdict(first) == dataclasses.asdict(second)
    assert repr(first) == repr(second)


def test_default_seed_is_seven() -> None:
    assert generate_demo() == generate_demo(seed=7)


def test_different_seed_gives_different_dataset(demo: DemoDataset) -> None:
    assert dataclasses.asdict(generate_demo(seed=8)) != dataclasses.asdict(demo)


def test_global_random_state_does_not_matter() -> None:
    random.seed(1)
    first = generate_demo(seed=3)
    random.seed(2)
    assert generate_demo(seed=3) == first


def test_generation_is_fast() -> None:
    start = time.perf_counter()
    generate_demo(seed=11)
    assert time.perf_counter() - start < 1.0


# --- shape ------------------------------------------------------------------------------------


def test_every_domain_and_every_system_appears(demo: DemoDataset) -> None:
    assert {domain for _, domain, _ in demo.records()} == set(DOMAINS)
    assert {source for source, _, _ in demo.records()} == {s.code for s in demo.systems}
    assert [s.code for s in demo.systems] == ["erp", "clinic_a", "clinic_b", "billing", "supply"]


def test_record_count_is_several_hundred(demo: DemoDataset) -> None:
    assert 600 <= sum(1 for _ in demo.records()) <= 900


def test_each_system_sends_only_domains_it_declares(demo: DemoDataset) -> None:
    sends = {system.code: system.sends for system in demo.systems}
    for batch in demo.batches:
        assert batch.domain in sends[batch.source], (batch.source, batch.domain)


def test_each_system_sends_every_domain_it_declares(demo: DemoDataset) -> None:
    sent = {(batch.source, batch.domain) for batch in demo.batches}
    for system in demo.systems:
        for domain in system.sends:
            assert (system.code, domain) in sent, (system.code, domain)


def test_batches_come_in_load_order(demo: DemoDataset) -> None:
    positions = [DOMAIN_ORDER.index(batch.domain) for batch in demo.batches]
    assert positions == sorted(positions)
    assert len({(b.source, b.domain) for b in demo.batches}) == len(demo.batches)


def test_truth_covers_every_record_with_unique_keys(demo: DemoDataset) -> None:
    truth = demo.truth()
    assert len(truth) == sum(1 for _ in demo.records())
    assert truth[("erp", "cost_center", "CC-HS01-1000")] == "cost_center:1"


def test_entities_are_named_after_their_domain(demo: DemoDataset) -> None:
    for _, domain, record in _good(demo):
        assert record.entity.startswith(f"{domain}:"), record


# --- the canonical model ----------------------------------------------------------------------


def test_attribute_names_are_in_the_domain_catalog(demo: DemoDataset) -> None:
    for source, domain, record in demo.records():
        if record.entity == "reject:unknown_attribute":
            continue
        spec = DOMAINS[domain]
        for name in record.attributes:
            known = spec.attribute(name) is not None or (name == "name" and spec.person_name)
            assert known, (source, domain, record.source_key, name)


def test_enum_values_are_catalog_choices(demo: DemoDataset) -> None:
    for source, domain, record in _good(demo):
        for name, value in record.attributes.items():
            attribute = DOMAINS[domain].attribute(name)
            if attribute is not None and attribute.choices:
                choices = {choice.casefold() for choice in attribute.choices}
                assert value.casefold() in choices, (source, domain, name, value)


def test_hub_lands_every_good_record_and_rejects_every_bad_one(demo: DemoDataset) -> None:
    for source, domain, record in demo.records():
        errors = standardise_record(DOMAINS[domain], record.attributes).errors
        if record.is_reject:
            assert errors, (source, domain, record)
        else:
            assert errors == [], (source, domain, record.source_key, errors)


def test_only_planted_flaws_raise_quality_issues(demo: DemoDataset) -> None:
    planted = {(f.source, f.domain, f.source_key, f.field) for f in demo.flaws}
    for source, domain, record in _good(demo):
        for issue in standardise_record(DOMAINS[domain], record.attributes).issues:
            attribute = issue.field.split(".")[1].split("[")[0]
            assert (source, domain, record.source_key, attribute) in planted, (record, issue)


def test_rejects_are_few_and_each_has_its_reason(demo: DemoDataset) -> None:
    reasons = [record.entity for _, _, record in demo.records() if record.is_reject]
    assert 5 <= len(reasons) <= 10
    assert {"reject:invalid_date", "reject:invalid_state", "reject:unknown_enum",
            "reject:missing_name", "reject:unknown_attribute"} <= set(reasons)


def test_a_rejected_row_fails_on_the_field_its_reason_names(demo: DemoDataset) -> None:
    expected_code = {"reject:invalid_date": "invalid_date", "reject:invalid_state": "invalid_state",
                     "reject:unknown_enum": "invalid_choice", "reject:missing_name": "required",
                     "reject:unknown_attribute": "unknown_attribute",
                     "reject:invalid_bool": "type", "reject:missing_required": "required"}
    for _, domain, record in demo.records():
        if record.is_reject:
            errors = standardise_record(DOMAINS[domain], record.attributes).errors
            assert [e.code for e in errors] == [expected_code[record.entity]], record


# --- references -------------------------------------------------------------------------------


def _reference_targets(value: Any) -> Iterator[tuple[str | None, str]]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            yield item["source"], item["key"]
        else:
            yield None, item


def test_references_resolve_to_earlier_records_except_documented_dangling(
    demo: DemoDataset,
) -> None:
    landed: set[tuple[str, str, str]] = set()
    dangling: set[tuple[str, str, str, str, str]] = set()
    for source, domain, record in demo.records():
        for name, value in record.references.items():
            spec = DOMAINS[domain].reference(name)
            assert spec is not None, (domain, name)
            assert isinstance(value, list) == spec.multi, (domain, name, value)
            for target_source, key in _reference_targets(value):
                target = (target_source or source, spec.target, key)
                if target not in landed:
                    dangling.add((source, domain, record.source_key, name, key))
        if not record.is_reject:
            landed.add((source, domain, record.source_key))
    documented = {(f.source, f.domain, f.source_key, f.field, f.target)
                  for f in demo.flaws if f.kind == "dangling_reference"}
    assert dangling == documented
    assert len(documented) == 2


def test_dangling_reference_targets_are_never_sent(demo: DemoDataset) -> None:
    keys = {key for _, _, key in demo.truth()}
    for flaw in demo.flaws:
        if flaw.kind == "dangling_reference":
            assert flaw.target not in keys


def test_cross_system_references_name_a_known_system(demo: DemoDataset) -> None:
    codes = {s.code for s in demo.systems}
    found = 0
    for source, _, record in demo.records():
        for value in record.references.values():
            for target_source, _ in _reference_targets(value):
                if target_source is not None:
                    assert target_source in codes
                    assert target_source != source
                    found += 1
    assert found > 0


# --- identifiers ------------------------------------------------------------------------------


def test_npis_pass_their_check_digit_except_the_mistyped_ones(demo: DemoDataset) -> None:
    mistyped = _bad_identifiers(demo, "npi")
    assert len(mistyped) >= 2
    for source, domain, record in _good(demo):
        npi = record.attributes.get("npi")
        if npi is None:
            continue
        valid = check_npi(npi).valid
        assert valid != ((source, domain, record.source_key) in mistyped), (source, record)
        if valid and domain == "provider":
            assert npi.startswith("1"), record  # type 1: individuals
        if valid and domain == "location":
            assert npi[0] in "12", record


def test_gtins_pass_their_check_digit_except_the_mistyped_one(demo: DemoDataset) -> None:
    mistyped = _bad_identifiers(demo, "gtin")
    assert len(mistyped) >= 1
    for source, domain, record in _good(demo, "item"):
        gtin = record.attributes.get("gtin")
        if gtin is not None:
            assert check_gtin(gtin).valid != ((source, domain, record.source_key) in mistyped)


def test_ssns_are_format_valid(demo: DemoDataset) -> None:
    for _, _, record in _good(demo, "employee"):
        if "ssn" in record.attributes:
            assert check_ssn(record.attributes["ssn"]).valid, record


def test_two_different_entities_never_share_a_valid_strong_identifier(demo: DemoDataset) -> None:
    for domain, name, check in (("provider", "npi", check_npi), ("location", "npi", check_npi),
                                ("item", "gtin", check_gtin)):
        owners: dict[str, set[str]] = defaultdict(set)
        for _, _, record in _good(demo, domain):
            if name in record.attributes and check(record.attributes[name]).valid:
                owners[check(record.attributes[name]).value].add(record.entity)
        assert owners, domain
        assert all(len(entities) == 1 for entities in owners.values()), domain


# --- hard cases -------------------------------------------------------------------------------


def test_a_provider_has_the_same_valid_npi_in_two_systems(demo: DemoDataset) -> None:
    systems: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, _, record in _good(demo, "provider"):
        npi = record.attributes.get("npi")
        if npi is not None and check_npi(npi).valid:
            systems[(record.entity, npi)].add(source)
    assert any(len(sources) >= 2 for sources in systems.values())
    assert any(len(sources) >= 3 for sources in systems.values())


def test_some_providers_lack_an_npi_in_an_acquired_clinic(demo: DemoDataset) -> None:
    missing = [r for s, _, r in _good(demo, "provider") if s == "clinic_b" and "npi" not in
               r.attributes]
    assert len(missing) >= 3


def test_namesakes_are_different_providers(demo: DemoDataset) -> None:
    # Same first and last name, no suffix, two different valid NPIs: planted three times, which
    # random names alone practically never produce.
    npis: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for _, _, record in _good(demo, "provider"):
        attributes = record.attributes
        parsed = parse_person_name(attributes["name"]) if "name" in attributes else None
        npi = attributes.get("npi")
        if parsed is not None and not parsed.suffix and npi and check_npi(npi).valid:
            npis[_first_last(attributes)][record.entity] = npi
    namesakes = [group for group in npis.values() if len(set(group.values())) >= 2]
    assert len(namesakes) >= 3


def test_a_nickname_and_its_formal_name_are_the_same_entity(demo: DemoDataset) -> None:
    short_forms = {(formal.upper(), nick.upper())
                   for formal, nicks in NICKNAMES.items() for nick in nicks}
    for domain in ("provider", "employee"):
        found = False
        for rows in _by_entity(demo, domain).values():
            firsts = {_first_last(record.attributes)[0] for _, _, record in rows}
            found = found or any((a, b) in short_forms for a in firsts for b in firsts)
        assert found, domain


def test_a_provider_changed_surname_but_kept_the_npi(demo: DemoDataset) -> None:
    found = False
    for rows in _by_entity(demo, "provider").values():
        by_npi: dict[str, set[str]] = defaultdict(set)
        for _, _, record in rows:
            if "npi" in record.attributes:
                by_npi[record.attributes["npi"]].add(_first_last(record.attributes)[1])
        # A different surname, not a typo of the same one ("Miller" -> "Whitaker").
        found = found or any(SequenceMatcher(None, a, b).ratio() < 0.6
                             for surnames in by_npi.values() for a in surnames for b in surnames)
    assert found


def test_group_practice_shares_phone_across_providers(demo: DemoDataset) -> None:
    entities: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, _, record in _good(demo, "provider"):
        if "phone" in record.attributes:
            entities[(source, record.attributes["phone"])].add(record.entity)
    assert max(len(group) for group in entities.values()) >= 5


def test_jr_and_sr_are_different_people_with_the_same_name(demo: DemoDataset) -> None:
    suffixes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _, _, record in _good(demo, "provider"):
        attributes = record.attributes
        parsed = (parse_person_name(attributes["name"]) if "name" in attributes else
                  clean_name_parts(attributes.get("first_name"), None,
                                   attributes.get("last_name"), attributes.get("name_suffix")))
        if parsed.suffix:
            suffixes[_first_last(attributes)].add(f"{parsed.suffix}|{record.entity}")
    assert any({s.split("|")[0] for s in group} == {"JR", "SR"} for group in suffixes.values())


def test_two_different_people_share_one_ssn(demo: DemoDataset) -> None:
    entities: dict[str, set[str]] = defaultdict(set)
    for _, _, record in _good(demo, "employee"):
        if "ssn" in record.attributes:
            entities[check_ssn(record.attributes["ssn"]).value].add(record.entity)
    assert any(len(group) >= 2 for group in entities.values())


def test_one_person_has_ssns_one_digit_apart(demo: DemoDataset) -> None:
    found = False
    for rows in _by_entity(demo, "employee").values():
        ssns = sorted({check_ssn(r.attributes["ssn"]).value for _, _, r in rows
                       if "ssn" in r.attributes})
        found = found or any(sum(x != y for x, y in zip(a, b, strict=True)) == 1
                             for a in ssns for b in ssns)
    assert found


def test_one_person_has_different_employee_numbers_in_two_hr_systems(demo: DemoDataset) -> None:
    assert any(len({source for source, _, _ in rows}) >= 2 and
               len({r.attributes["employee_number"] for _, _, r in rows}) >= 2
               for rows in _by_entity(demo, "employee").values())


def test_gtin_12_and_gtin_14_forms_of_one_gtin_are_one_item(demo: DemoDataset) -> None:
    found = False
    for rows in _by_entity(demo, "item").values():
        sent = {r.attributes["gtin"] for _, _, r in rows if "gtin" in r.attributes}
        canonical = {check_gtin(gtin).value for gtin in sent}
        found = found or (len(sent) > len(canonical) and any(len(g) == 12 for g in sent))
    assert found


def test_packaging_levels_share_a_part_number_but_are_different_items(demo: DemoDataset) -> None:
    entities: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, _, record in _good(demo, "item"):
        if "manufacturer_part_number" in record.attributes:
            entities[(source, record.attributes["manufacturer_part_number"])].add(record.entity)
    assert any(len(group) >= 2 for group in entities.values())


def test_cost_center_identity_is_code_within_legal_entity(demo: DemoDataset) -> None:
    entities: dict[tuple[str, str], set[str]] = defaultdict(set)
    codes: dict[str, set[str]] = defaultdict(set)
    for _, _, record in _good(demo, "cost_center"):
        attributes = record.attributes
        entities[(attributes["legal_entity"], attributes["code"])].add(record.entity)
        codes[attributes["code"]].add(record.entity)
    assert all(len(group) == 1 for group in entities.values())
    assert any(len(group) >= 2 for group in codes.values())  # same code, other legal entity


def test_one_supplier_ein_under_several_names_and_remit_addresses(demo: DemoDataset) -> None:
    found = False
    for rows in _by_entity(demo, "supplier").values():
        names = {r.attributes["legal_name"] for _, _, r in rows}
        remits = [a for _, _, r in rows for a in r.attributes.get("remit_to_addresses", [])]
        found = found or (len(names) >= 3 and len(rows) >= 4 and len(remits) >= 2)
    assert found
    assert any(len(r.attributes.get("remit_to_addresses", [])) >= 3
               for _, _, r in _good(demo, "supplier"))
