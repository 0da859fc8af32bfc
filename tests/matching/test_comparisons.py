"""Each comparison kind, level by level: which level two values reach."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.comparisons import MISSING, compare, compare_column
from matching.settings import Comparison, Level, LevelKind


def _comparison(kind: LevelKind, threshold: float | None = None) -> Comparison:
    return Comparison(
        name="c",
        feature="f",
        levels=(
            Level(label="exact", kind="exact", m=0.9, u=0.01),
            Level(label="fuzzy", kind=kind, threshold=threshold, m=0.05, u=0.05),
            Level(label="else", kind="else", m=0.05, u=0.94),
        ),
    )


@pytest.mark.parametrize(
    ("kind", "threshold", "left", "right", "expected"),
    [
        ("jaro_winkler", 0.92, "JOHNSON", "JOHNSON", "exact"),
        ("jaro_winkler", 0.92, "JOHNSON", "JOHNSTON", "fuzzy"),
        ("jaro_winkler", 0.92, "JOHNSON", "JACKSON", "else"),
        ("levenshtein", 1, "N88112LG", "N88112LC", "fuzzy"),
        ("levenshtein", 1, "N88112LG", "N88113LC", "else"),
        ("token_set", 0.9, "GLOVE NITRILE EXAM LARGE", "EXAM GLOVE NITRILE LARGE", "fuzzy"),
        ("token_set", 0.9, "GLOVE NITRILE EXAM LARGE", "GOWN ISOLATION LARGE", "else"),
        ("token_sort", 0.9, "ACME MEDICAL SUPPLY", "SUPPLY ACME MEDICAL", "fuzzy"),
        ("initial", None, "J", "JOHN", "fuzzy"),
        ("initial", None, "JOHN", "J", "fuzzy"),
        ("initial", None, "JOHN", "JAMES", "else"),
        ("swapped", None, "LUCY|FITZPATRICK", "FITZPATRICK|LUCY", "fuzzy"),
        ("swapped", None, "LUCY|FITZPATRICK", "LUCY|FITZPATRICK", "exact"),
        ("swapped", None, "LUCY|FITZPATRICK", "LUCY|FITZGERALD", "else"),
        ("swapped", None, "ANNA|ANNA", "ANNA|ANNA", "exact"),
        # With a threshold, each crossed part is compared by Jaro-Winkler.
        ("swapped", 0.9, "LUCY|FITZPATRIKC", "FITZPATRICK|LUCY", "fuzzy"),
        ("swapped", 0.9, "LUCY|FITZPATRICK", "FITZPATRICK|LUCY", "fuzzy"),
        ("swapped", 0.9, "WEBF|LAURA", "LAURA|JONES", "else"),
        ("swapped", 0.9, "LAURA|WEBB", "LAURA|WEBF", "else"),
        # Alike crossed and straight: a given name like the surname is no swap.
        ("swapped", 0.9, "THOMAS|THOMAS", "THOMAS|THOMSON", "else"),
        ("swapped", 0.9, "WILLIAM|WILLIAMS", "WILLIAM|WILLIAMSON", "else"),
        ("date_transposed", None, "1975-03-04", "1975-04-03", "fuzzy"),
        ("date_transposed", None, "1975-03-04", "1975-03-05", "fuzzy"),
        ("date_transposed", None, "1975-03-04", "1957-03-04", "fuzzy"),
        ("date_transposed", None, "1975-03-04", "1981-06-19", "else"),
        ("date_same_year", None, "1975-03-04", "1975-11-30", "fuzzy"),
        ("date_same_year", None, "1975-03-04", "1976-03-04", "else"),
        ("numeric_within", 2, "10", "12", "fuzzy"),
        ("numeric_within", 2, "10", "13", "else"),
        ("numeric_within", 2, "10", "ten", "else"),
    ],
)
def test_first_level_reached_wins(
    kind: LevelKind, threshold: float | None, left: str, right: str, expected: str
) -> None:
    comparison = _comparison(kind, threshold)
    assert compare(comparison, (left,), (right,)).level_label == expected
    # A file's pairs compared a column at a time reach the same level.
    column = compare_column(comparison, [(left,), ("X",)], [(right,), ("Y",)])
    assert column.levels[0] != MISSING
    assert comparison.levels[column.levels[0]].label == expected


def test_missing_value_on_either_side_is_the_missing_outcome() -> None:
    comparison = _comparison("jaro_winkler", 0.9)

    assert compare(comparison, (), ("SMITH",)).level == MISSING
    assert compare(comparison, ("SMITH",), ()).level_label == "missing"


def test_multi_valued_features_take_the_best_pair() -> None:
    # "BILL" stands for BILL and WILLIAM: against "WILLIAM" the exact level is reached.
    outcome = compare(_comparison("jaro_winkler", 0.9), ("BILL", "WILLIAM"), ("WILLIAM",))

    assert outcome.level_label == "exact"
    assert (outcome.left, outcome.right) == ("WILLIAM", "WILLIAM")


def test_similarity_is_reported_for_fuzzy_levels() -> None:
    outcome = compare(_comparison("jaro_winkler", 0.9), ("MARTHA",), ("MARHTA",))

    assert outcome.level_label == "fuzzy"
    assert outcome.similarity == pytest.approx(0.961, abs=0.001)


def test_a_comparison_must_end_with_else() -> None:
    with pytest.raises(ValueError, match="last level must be kind 'else'"):
        Comparison(
            name="c", feature="f", levels=(Level(label="exact", kind="exact", m=0.9, u=0.1),)
        )


# Every kind but "else", which ends each comparison.
_KINDS: list[LevelKind] = [kind for kind in get_args(LevelKind) if kind != "else"]
_THRESHOLD = st.one_of(st.none(), st.sampled_from([0.0, 0.5, 0.8, 0.9, 1.0, 2.0, 3.0]))
# Up to five levels of any kinds and thresholds, in any order (two measures in one comparison,
# a measure before "exact", a kind twice), then "else".
_COMPARISON = st.lists(st.tuples(st.sampled_from(_KINDS), _THRESHOLD), max_size=5).map(
    lambda levels: Comparison(
        name="c",
        feature="f",
        levels=(
            *(
                Level(label=f"{n} {kind}", kind=kind, threshold=threshold, m=0.5, u=0.5)
                for n, (kind, threshold) in enumerate(levels)
            ),
            Level(label="else", kind="else", m=0.1, u=0.9),
        ),
    )
)
# Short values from a small alphabet, so that pairs agree, nearly agree and differ; with
# dates, numbers, "A|B" name pairs and an empty value among them.
_VALUE = st.one_of(
    st.text(alphabet="ABJO| 1-", max_size=6),
    st.sampled_from(["1975-03-04", "1975-04-03", "1957-03-04", "1975-11-30", "10", "12", "A|B"]),
)
_VALUES = st.lists(_VALUE, max_size=3).map(tuple)


@given(comparison=_COMPARISON, pairs=st.lists(st.tuples(_VALUES, _VALUES), max_size=25))
def test_a_column_of_pairs_reaches_what_each_pair_reaches(
    comparison: Comparison, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]
) -> None:
    """compare_column is compare over a list: the same level, values and similarity for every
    pair, with several values on a side (the best level, the first pair reaching it) and none."""
    column = compare_column(comparison, [a for a, _ in pairs], [b for _, b in pairs])

    got = list(zip(column.levels, column.lefts, column.rights, column.similarities, strict=True))
    expected = [
        (o.level, o.left, o.right, o.similarity)
        for o in (compare(comparison, a, b) for a, b in pairs)
    ]
    assert got == expected


@pytest.mark.parametrize(
    ("kind", "threshold", "left", "right", "expected", "expected_left"),
    [
        # Both reach the fuzzy level: the first listed is the one reported, with its similarity.
        ("jaro_winkler", 0.85, ("JOHNSTON", "JOHNSEN"), ("JOHNSON",), "fuzzy", "JOHNSTON"),
        ("jaro_winkler", 0.85, ("JOHNSEN", "JOHNSTON"), ("JOHNSON",), "fuzzy", "JOHNSEN"),
        # An empty value has no initial: it reaches nothing, and raises nothing.
        ("initial", None, ("", "JOHN"), ("J",), "fuzzy", "JOHN"),
        ("initial", None, ("",), ("J",), "else", ""),
    ],
)
def test_a_column_reports_the_first_combination_reaching_the_best_level(
    kind: LevelKind,
    threshold: float | None,
    left: tuple[str, ...],
    right: tuple[str, ...],
    expected: str,
    expected_left: str,
) -> None:
    comparison = _comparison(kind, threshold)
    outcome = compare(comparison, left, right)
    column = compare_column(comparison, [left], [right])

    assert (outcome.level_label, outcome.left) == (expected, expected_left)
    assert (column.levels[0], column.lefts[0], column.similarities[0]) == (
        outcome.level,
        outcome.left,
        outcome.similarity,
    )


@pytest.mark.parametrize(
    ("kind", "threshold", "left", "right", "similarity"),
    [
        # With no exact level first, both combinations reach the one fuzzy level: the first
        # listed is reported, with its own measure (2 apart, not the second's 0).
        ("numeric_within", 2, ("10", "12"), ("12",), 2.0),
        ("swapped", 0.9, ("LUCY|FITZPATRIKC", "LUCY|FITZPATRICK"), ("FITZPATRICK|LUCY",), None),
    ],
)
def test_the_rarer_kinds_report_the_first_combination_too(
    kind: LevelKind,
    threshold: float,
    left: tuple[str, ...],
    right: tuple[str, ...],
    similarity: float | None,
) -> None:
    comparison = Comparison(
        name="c",
        feature="f",
        levels=(
            Level(label="fuzzy", kind=kind, threshold=threshold, m=0.5, u=0.05),
            Level(label="else", kind="else", m=0.5, u=0.95),
        ),
    )
    outcome = compare(comparison, left, right)
    column = compare_column(comparison, [left], [right])

    assert (outcome.level, outcome.left) == (0, left[0])
    if similarity is not None:
        assert outcome.similarity == similarity
    else:
        assert outcome.similarity is not None
        assert outcome.similarity < 1.0  # the second combination's would be 1.0
    assert (column.levels[0], column.lefts[0], column.similarities[0]) == (
        outcome.level,
        outcome.left,
        outcome.similarity,
    )


def test_a_column_needs_as_many_right_values_as_left() -> None:
    with pytest.raises(ValueError, match="as many right values"):
        compare_column(_comparison("exact"), [("A",)], [])
