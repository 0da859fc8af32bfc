"""Policies: structure checked on load, problems reported against the domain's attributes."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from survivorship import DEFAULT_DOMAINS, SurvivorshipPolicy, default_policy, resolve
from survivorship.defaults import DOMAIN_ATTRIBUTES
from tests.survivorship.conftest import policy, record

KNOWN = {
    "npi": False,
    "first_name": False,
    "last_name": False,
    "phone": False,
    "credentials": True,
    "licenses": True,
}

NAME_GROUP = {
    "name": "person_name",
    "attributes": ["first_name", "last_name"],
    "rules": [{"kind": "most_recent"}],
}


def _policy(**fields: Any) -> SurvivorshipPolicy:
    return SurvivorshipPolicy.model_validate(
        {"domain": "provider", "version": "v1", "default": [{"kind": "most_recent"}], **fields}
    )


PROBLEMS = [
    (
        "unknown attribute",
        {"attributes": {"fax": {"rules": [{"kind": "most_recent"}]}}},
        ("attributes.fax", "unknown attribute 'fax'"),
    ),
    (
        "union on a single-valued attribute",
        {"attributes": {"npi": {"rules": [{"kind": "union"}]}}},
        ("attributes.npi.rules[0]", "union needs a multi-valued attribute; 'npi' holds one value"),
    ),
    (
        "union mixed with another rule",
        {"attributes": {"licenses": {"rules": [{"kind": "union"}, {"kind": "most_recent"}]}}},
        ("attributes.licenses.rules[0]", "union must be the only rule in its chain"),
    ),
    (
        "empty chain",
        {"attributes": {"phone": {"rules": []}}},
        ("attributes.phone.rules", "empty rule chain"),
    ),
    ("empty default chain", {"default": []}, ("default", "empty rule chain")),
    (
        "union in the default chain reaching single-valued attributes",
        {"default": [{"kind": "union"}]},
        (
            "default",
            "union in the default chain would decide single-valued attributes: "
            "first_name, last_name, npi, phone",
        ),
    ),
    (
        "attribute in two groups",
        {
            "groups": [
                NAME_GROUP,
                {**NAME_GROUP, "name": "other", "attributes": ["phone", "last_name"]},
            ]
        },
        ("groups[1].attributes[1]", "'last_name' is already in group 'person_name'"),
    ),
    (
        "attribute in a group and in attributes",
        {"groups": [NAME_GROUP], "attributes": {"last_name": {"rules": [{"kind": "most_recent"}]}}},
        ("attributes.last_name", "'last_name' is also in group 'person_name'"),
    ),
    (
        "unknown attribute in a group",
        {"groups": [{**NAME_GROUP, "attributes": ["first_name", "surname"]}]},
        ("groups[0].attributes[1]", "unknown attribute 'surname'"),
    ),
    (
        "union deciding a group",
        {"groups": [{**NAME_GROUP, "rules": [{"kind": "union"}]}]},
        ("groups[0].rules[0]", "union cannot choose the record for a group"),
    ),
    (
        "group name used twice",
        {
            "groups": [
                NAME_GROUP,
                {**NAME_GROUP, "attributes": ["npi", "phone"]},
            ]
        },
        ("groups[1].name", "group name 'person_name' is used twice"),
    ),
    (
        "source listed twice",
        {
            "attributes": {
                "npi": {"rules": [{"kind": "source_priority", "sources": ["epic_pm", "epic_pm"]}]}
            }
        },
        ("attributes.npi.rules[0].sources", "a source is listed twice"),
    ),
]


@pytest.mark.parametrize(
    ("fields", "problem"), [p[1:] for p in PROBLEMS], ids=[p[0] for p in PROBLEMS]
)
def test_problems_name_the_field_and_the_reason(
    fields: dict[str, Any], problem: tuple[str, str]
) -> None:
    assert problem in _policy(**fields).problems(KNOWN)


def test_a_sound_policy_has_no_problems() -> None:
    policy = _policy(
        attributes={
            "npi": {"rules": [{"kind": "valid_first"}, {"kind": "most_frequent"}]},
            "licenses": {"rules": [{"kind": "union"}]},
            "credentials": {"rules": [{"kind": "union"}]},
        },
        groups=[NAME_GROUP],
    )

    assert policy.problems(KNOWN) == []


STRUCTURAL = [
    ("unknown rule kind", {"default": [{"kind": "newest_wins"}]}, ("default", 0)),
    (
        "unknown rule field",
        {"default": [{"kind": "most_recent", "window_days": 3}]},
        ("default", 0, "most_recent", "window_days"),
    ),
    (
        "source priority without sources",
        {"default": [{"kind": "source_priority", "sources": []}]},
        ("default", 0, "source_priority", "sources"),
    ),
    (
        "group of one attribute",
        {"groups": [{**NAME_GROUP, "attributes": ["last_name"]}]},
        ("groups", 0, "attributes"),
    ),
    ("unknown policy field", {"fallback": []}, ("fallback",)),
    ("missing version", {"version": ""}, ("version",)),
]


@pytest.mark.parametrize(
    ("fields", "location"), [s[1:] for s in STRUCTURAL], ids=[s[0] for s in STRUCTURAL]
)
def test_malformed_policies_are_rejected_naming_the_field(
    fields: dict[str, Any], location: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        _policy(**fields)

    assert [e["loc"] for e in raised.value.errors()] == [location]


def test_policies_are_frozen() -> None:
    policy = _policy()

    with pytest.raises(ValidationError):
        policy.version = "v2"  # type: ignore[misc]


def test_there_are_seven_default_domains() -> None:
    assert DEFAULT_DOMAINS == (
        "provider",
        "location",
        "cost_center",
        "supplier",
        "item",
        "payer",
        "employee",
    )
    assert set(DOMAIN_ATTRIBUTES) == set(DEFAULT_DOMAINS)


@pytest.mark.parametrize("domain", DEFAULT_DOMAINS)
def test_default_policy_round_trips_through_json(domain: str) -> None:
    policy = default_policy(domain)

    assert SurvivorshipPolicy.model_validate(policy.model_dump(mode="json")) == policy
    assert SurvivorshipPolicy.from_json(policy.to_json()) == policy


@pytest.mark.parametrize("domain", DEFAULT_DOMAINS)
def test_default_policy_has_no_problems_for_its_domain(domain: str) -> None:
    policy = default_policy(domain)

    assert policy.domain == domain
    assert policy.version == f"{domain}-default-v1"
    assert policy.problems(DOMAIN_ATTRIBUTES[domain]) == []


@pytest.mark.parametrize("domain", DEFAULT_DOMAINS)
def test_default_policy_unites_every_multi_valued_attribute(domain: str) -> None:
    policy = default_policy(domain)

    united = {
        name
        for name, attribute in policy.attributes.items()
        if [rule.kind for rule in attribute.rules] == ["union"]
    }

    assert united == {name for name, multi in DOMAIN_ATTRIBUTES[domain].items() if multi}


def test_unknown_domain_has_no_default_policy() -> None:
    with pytest.raises(KeyError, match="pharmacy"):
        default_policy("pharmacy")


def test_default_policy_is_a_fresh_copy() -> None:
    default_policy("provider").default.clear()

    assert default_policy("provider").default != []


def test_default_provider_policy_keeps_a_valid_npi_and_one_sources_name() -> None:
    records = [
        record("nppes_feed", "N1", 0, npi="1234567893", first_name="WILLIAM", last_name="SMITH"),
        record(
            "epic_pm",
            "E1",
            1,
            invalid=["npi"],
            npi="1234567894",
            first_name="BILL",
            middle_name="J",
            last_name="SMITH",
        ),
        record("athena_billing", "A1", 2, first_name="WILLIAM", last_name="SMITH"),
    ]

    result = resolve(default_policy("provider"), records)

    assert result.attributes["npi"] == "1234567893"
    assert result.lineage["npi"].rule == "valid_first"
    # Two records agree on WILLIAM SMITH; Epic's middle initial is not grafted onto it.
    assert (result.attributes.get("first_name"), result.attributes.get("middle_name")) == (
        "WILLIAM",
        None,
    )
    assert result.lineage["first_name"].rule == "most_frequent"


def test_default_cost_center_policy_never_mixes_code_and_legal_entity() -> None:
    records = [
        record("lawson_erp", "L1", 0, code="4410", legal_entity="E02"),
        record("lawson_erp", "L2", 1, code="4410", legal_entity="E03"),
        record("workday_hr", "W1", 2, code="7700", legal_entity="E01"),
        record("workday_hr", "W2", 3, code="8800", legal_entity="E01"),
    ]
    # The group's own rules, applied to each attribute apart.
    rules = [{"kind": "most_frequent"}, {"kind": "most_recent"}]
    ungrouped = policy({"code": rules, "legal_entity": rules})

    mixed = resolve(ungrouped, records).attributes
    result = resolve(default_policy("cost_center"), records).attributes

    # Chosen apart, the most frequent code and the most frequent entity make 4410 in E01: a
    # cost center no system has.
    assert (mixed["code"], mixed["legal_entity"]) == ("4410", "E01")
    assert (result["code"], result["legal_entity"]) == ("8800", "E01")
