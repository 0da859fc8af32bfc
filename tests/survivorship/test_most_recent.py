"""The hub's interim policy: every attribute takes the most recently received value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from survivorship import Contribution, resolve_most_recent

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _c(record_id: int, days: int, system: str = "sys", **attributes: object) -> Contribution:
    return Contribution(record_id, system, f"K{record_id}", T0 + timedelta(days=days), attributes)


def test_most_recent_non_empty_value_wins_with_lineage() -> None:
    old = _c(1, 0, name="ACME MED SUPPLY INC", phone="+15125550100")
    new = _c(2, 5, name="Acme Medical Supply, Inc.", phone="")

    result = resolve_most_recent([old, new])

    assert result.attributes == {"name": "Acme Medical Supply, Inc.", "phone": "+15125550100"}
    assert (result.lineage["name"].record_id, result.lineage["name"].rule) == (2, "most_recent")
    # Only the old record has a phone: nothing had to be chosen.
    assert (result.lineage["phone"].record_id, result.lineage["phone"].rule) == (1, "only_source")


def test_resolution_names_the_interim_policy_version() -> None:
    assert resolve_most_recent([_c(1, 0, name="A")]).policy_version == "most-recent-v1"


def test_tie_on_time_goes_to_the_smallest_source_not_the_record_id() -> None:
    # The lawson record arrived later and got the higher ID; it must not win for that.
    result = resolve_most_recent(
        [_c(7, 0, "lawson_erp", name="B"), _c(3, 0, "infor_supply", name="A")]
    )

    assert result.attributes == {"name": "A"}
    assert result.lineage["name"].source_system == "infor_supply"
    assert result.lineage["name"].rule == "most_recent+tie_break"


def test_no_contributions_give_no_attributes() -> None:
    result = resolve_most_recent([])

    assert result.attributes == {}
    assert result.lineage == {}


_values = st.one_of(
    st.none(), st.just(""), st.text(max_size=3), st.lists(st.integers(), max_size=2)
)
_contributions = st.lists(
    st.builds(
        lambda rid, day, attrs: _c(rid, day, **attrs),
        st.integers(1, 10_000),
        st.integers(0, 3),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), _values, max_size=3),
    ),
    max_size=6,
    unique_by=lambda c: c.record_id,
)


@given(_contributions, st.randoms())
def test_result_does_not_depend_on_arrival_order(
    contributions: list[Contribution], rnd: Any
) -> None:
    shuffled = list(contributions)
    rnd.shuffle(shuffled)

    assert resolve_most_recent(shuffled) == resolve_most_recent(contributions)
