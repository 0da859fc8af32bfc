"""The golden record depends on the records, never on their order or their record IDs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from survivorship import (
    DEFAULT_DOMAINS,
    AttributeLineage,
    Contribution,
    Resolution,
    SurvivorshipPolicy,
    default_policy,
    resolve,
)
from survivorship.defaults import DOMAIN_ATTRIBUTES
from tests.survivorship.conftest import T0

# Every rule kind, a group and a union, so each has to be order- and ID-independent.
POLICY = SurvivorshipPolicy.model_validate(
    {
        "domain": "provider",
        "version": "property-v1",
        "default": [{"kind": "most_recent"}],
        "attributes": {
            "a": {
                "rules": [
                    {"kind": "source_priority", "sources": ["nppes_feed"]},
                    {"kind": "most_frequent"},
                ]
            },
            "b": {
                "rules": [
                    {
                        "kind": "trust",
                        "trust": {"nppes_feed": 0.9, "epic_pm": 0.6},
                        "half_life_days": 2,
                    }
                ]
            },
            "c": {"rules": [{"kind": "union"}]},
            "d": {
                "rules": [{"kind": "valid_first"}, {"kind": "most_complete"}, {"kind": "longest"}]
            },
        },
        "groups": [{"name": "g", "attributes": ["g1", "g2"], "rules": [{"kind": "most_frequent"}]}],
    }
)

_values = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["A", "B", " B ", "CC"]),
    st.lists(st.sampled_from(["MD", "DO", "PHD"]), max_size=3),
    st.fixed_dictionaries({"zip": st.sampled_from(["78701", ""])}),
)
_NAMES = ("a", "b", "c", "d", "e", "g1", "g2")


@st.composite
def _contributions(draw: st.DrawFn, names: tuple[str, ...] = _NAMES) -> list[Contribution]:
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["nppes_feed", "epic_pm", "lawson_erp"]), st.sampled_from("123")
            ),
            unique=True,
            max_size=6,
        )
    )
    return [
        Contribution(
            record_id=index + 1,
            source_system=system,
            source_key=f"K{key}",
            observed_at=T0 + timedelta(days=draw(st.integers(0, 3))),
            attributes=draw(st.dictionaries(st.sampled_from(names), _values, max_size=8)),
            invalid=frozenset(draw(st.sets(st.sampled_from(names), max_size=2))),
        )
        for index, (system, key) in enumerate(keys)
    ]


def _sources(lineage: AttributeLineage) -> tuple[Any, ...]:
    """Lineage without record IDs."""
    return (
        lineage.source_system,
        lineage.source_key,
        lineage.rule,
        lineage.observed_at,
        tuple((c.source_system, c.source_key) for c in lineage.contributors),
    )


def _without_ids(result: Resolution) -> tuple[dict[str, Any], dict[str, tuple[Any, ...]]]:
    return result.attributes, {name: _sources(v) for name, v in result.lineage.items()}


@settings(max_examples=300)
@given(_contributions(), st.randoms())
def test_any_order_gives_the_same_golden_record(
    contributions: list[Contribution], rnd: Any
) -> None:
    shuffled = list(contributions)
    rnd.shuffle(shuffled)

    assert resolve(POLICY, shuffled) == resolve(POLICY, contributions)


@settings(max_examples=300)
@given(_contributions(), st.randoms())
def test_record_ids_never_decide(contributions: list[Contribution], rnd: Any) -> None:
    ids = [c.record_id for c in contributions]
    rnd.shuffle(ids)
    renumbered = [
        Contribution(i, c.source_system, c.source_key, c.observed_at, c.attributes, c.invalid)
        for i, c in zip(ids, contributions, strict=True)
    ]

    assert _without_ids(resolve(POLICY, renumbered)) == _without_ids(resolve(POLICY, contributions))


@settings(max_examples=200)
@given(st.data(), st.randoms())
def test_default_policies_ignore_order_and_record_ids(data: st.DataObject, rnd: Any) -> None:
    domain = data.draw(st.sampled_from(DEFAULT_DOMAINS))
    # The domain's own attributes, so its groups, identifier chains and unions are exercised.
    names = tuple(sorted(DOMAIN_ATTRIBUTES[domain]))
    contributions = data.draw(_contributions(names))
    policy = default_policy(domain)
    ids = [c.record_id for c in contributions]
    rnd.shuffle(ids)
    renumbered = [
        Contribution(i, c.source_system, c.source_key, c.observed_at, c.attributes, c.invalid)
        for i, c in zip(ids, contributions, strict=True)
    ]
    rnd.shuffle(renumbered)

    assert _without_ids(resolve(policy, renumbered)) == _without_ids(resolve(policy, contributions))


@given(_contributions())
def test_golden_attributes_are_sorted_and_never_empty(contributions: list[Contribution]) -> None:
    result = resolve(POLICY, contributions)

    assert list(result.attributes) == sorted(result.attributes)
    assert list(result.lineage) == list(result.attributes)
    assert all(v not in (None, "", [], {}) for v in result.attributes.values())
