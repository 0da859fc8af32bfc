from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from survivorship import Contribution, resolve_most_recent

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _c(record_id: int, days: int, **attributes: object) -> Contribution:
    return Contribution(record_id, "sys", f"K{record_id}", T0 + timedelta(days=days), attributes)


def test_most_recent_non_empty_value_wins_with_lineage() -> None:
    old = _c(1, 0, name="ACME MED SUPPLY INC", phone="+15125550100")
    new = _c(2, 5, name="Acme Medical Supply, Inc.", phone="")

    result = resolve_most_recent([old, new])

    assert result.attributes == {"name": "Acme Medical Supply, Inc.", "phone": "+15125550100"}
    assert result.lineage["name"].record_id == 2
    assert result.lineage["phone"].record_id == 1
    assert result.lineage["phone"].rule == "most_recent"


def test_tie_on_time_goes_to_the_higher_record_id() -> None:
    result = resolve_most_recent([_c(7, 0, name="B"), _c(3, 0, name="A")])

    assert result.attributes == {"name": "B"}


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
    contributions: list[Contribution], rnd: object
) -> None:
    shuffled = list(contributions)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]

    assert resolve_most_recent(shuffled) == resolve_most_recent(contributions)
