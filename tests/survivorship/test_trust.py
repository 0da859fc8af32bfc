"""Trust with decay: a trusted source's value loses weight as it ages."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from survivorship import TrustRule, resolve
from tests.survivorship.conftest import policy, record

TRUST = {"nppes_feed": 0.9, "epic_pm": 0.6}

# NPPES said it a year before Epic's update.
RECORDS = [
    record("nppes_feed", "N1", 0, phone="+15125550100"),
    record("epic_pm", "E1", 365, phone="+15125550199"),
]


def test_without_half_life_a_stale_trusted_source_wins() -> None:
    rules = [{"kind": "trust", "trust": TRUST}]

    result = resolve(policy({"phone": rules}), RECORDS)

    assert result.attributes == {"phone": "+15125550100"}
    assert result.lineage["phone"].rule == "trust"


def test_with_half_life_a_fresh_less_trusted_source_wins() -> None:
    # 0.9 halved by a year's age at a 180-day half-life is about 0.22, below Epic's fresh 0.6.
    rules = [{"kind": "trust", "trust": TRUST, "half_life_days": 180}]

    result = resolve(policy({"phone": rules}), RECORDS)

    assert result.attributes == {"phone": "+15125550199"}
    assert result.lineage["phone"].source_system == "epic_pm"


def test_with_a_long_half_life_the_trusted_source_still_wins() -> None:
    rules = [{"kind": "trust", "trust": TRUST, "half_life_days": 1000}]

    result = resolve(policy({"phone": rules}), RECORDS)

    assert result.attributes == {"phone": "+15125550100"}


def test_age_is_counted_from_the_newest_record_not_the_clock() -> None:
    # Both records are years old today; measured against the wall clock both would decay, but
    # only their distance from the newest record counts, so resolving again later changes nothing.
    rules = [{"kind": "trust", "trust": TRUST, "half_life_days": 180}]
    old = [
        record("nppes_feed", "N1", -2000, phone="+15125550100"),
        record("epic_pm", "E1", -1990, phone="+15125550199"),
    ]

    result = resolve(policy({"phone": rules}), old)

    # Ten days apart: 0.9 * 0.5 ** (10 / 180) ≈ 0.87 still beats 0.6.
    assert result.attributes == {"phone": "+15125550100"}


@pytest.mark.parametrize(
    ("fields", "location"),
    [
        ({"trust": {"epic_pm": 1.2}}, ("trust", "epic_pm")),
        ({"trust": {}, "default_trust": -0.1}, ("default_trust",)),
        ({"trust": {}, "half_life_days": 0}, ("half_life_days",)),
    ],
)
def test_trust_outside_its_range_is_rejected(
    fields: dict[str, object], location: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationError) as raised:
        TrustRule.model_validate(fields)

    assert raised.value.errors()[0]["loc"] == location
