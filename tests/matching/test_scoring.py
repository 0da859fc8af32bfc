"""Fellegi-Sunter weights, hard rules and the explanation a steward reads."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.clustering import Verdict, verdict
from matching.scoring import score_pair, score_pairs
from matching.settings import MatchSettings, TermFrequencies
from tests.matching.conftest import NPI_A, NPI_B, PROVIDER, rec


def test_weight_is_prior_plus_sum_of_level_weights() -> None:
    a = rec("a", last_name="PRZYBYLSKI", first_name="ANNA", birth_date="1970-01-02")
    b = rec("b", last_name="PRZYBYLSKI", first_name="ANNA", birth_date="1970-01-02")

    score = score_pair(PROVIDER, a, b)

    by_name = {c.comparison: c for c in score.comparisons}
    assert by_name["last_name"].level == "exact"
    assert by_name["birth_date"].weight == pytest.approx(math.log2(0.90 / 0.00006))
    assert by_name["npi"].level == "missing"
    assert by_name["npi"].weight == 0
    assert score.weight == pytest.approx(
        PROVIDER.prior_weight + sum(c.weight for c in score.comparisons)
    )
    assert verdict(PROVIDER, score) is Verdict.MATCH


def test_explanation_names_values_levels_and_signed_weights() -> None:
    a = rec("a", last_name="SMITH", first_name="WILLIAM", birth_date="1970-01-02")
    b = rec("b", last_name="SMYTH", first_name="BILL", birth_date="1970-02-01")

    summary = score_pair(PROVIDER, a, b).describe()

    assert "first_name exact or nickname +5.9" in summary
    assert "last_name jaro_winkler>=0.85 (0.89) +0.6" in summary
    assert "birth_date transposed or one digit +6.2" in summary
    explained = score_pair(PROVIDER, a, b).as_dict()["comparisons"]
    first = next(c for c in explained if c["comparison"] == "first_name")
    assert (first["left"], first["right"]) == ("WILLIAM", "WILLIAM")


def test_different_valid_npis_are_a_cannot_link_whatever_the_names() -> None:
    a = rec("a", npi=NPI_A, last_name="SMITH", first_name="JOHN", birth_date="1970-01-02")
    b = rec("b", npi=NPI_B, last_name="SMITH", first_name="JOHN", birth_date="1970-01-02")

    score = score_pair(PROVIDER, a, b)

    # Everything else agrees: without the hard rule this pair would go to review.
    assert score.weight > PROVIDER.thresholds.review
    assert score.cannot_link == ("npi",)
    assert verdict(PROVIDER, score) is Verdict.CANNOT_LINK
    assert score.describe().startswith(f"weight {score.weight:+.1f}: npi differs (cannot link)")


def test_identical_valid_npi_is_decisive_even_after_a_name_change() -> None:
    a = rec("a", npi=NPI_A, last_name="GARCIA", first_name="MARIA")
    b = rec("b", npi=NPI_A, last_name="THOMPSON", first_name="MARIA")

    score = score_pair(PROVIDER, a, b)

    assert score.decisive == ("npi",)
    assert verdict(PROVIDER, score) is Verdict.MATCH


def test_an_npi_failing_its_check_digit_is_no_evidence() -> None:
    bad = NPI_A[:-1] + "0"
    a = rec("a", PROVIDER, ("npi",), npi=bad, last_name="SMITH")
    b = rec("b", PROVIDER, ("npi",), npi=bad, last_name="SMITH")
    c = rec("c", npi=NPI_B, last_name="SMITH")

    assert score_pair(PROVIDER, a, b).decisive == ()
    assert score_pair(PROVIDER, a, c).cannot_link == ()
    assert verdict(PROVIDER, score_pair(PROVIDER, a, b)) is Verdict.NON_MATCH


def test_jr_and_sr_at_one_practice_are_not_merged() -> None:
    father = rec("a", last_name="NGUYEN", first_name="MINH", name_suffix="SR", phone="+15125550100")
    son = rec("b", last_name="NGUYEN", first_name="MINH", name_suffix="JR", phone="+15125550100")

    assert verdict(PROVIDER, score_pair(PROVIDER, father, son)) is not Verdict.MATCH


def test_term_frequency_makes_a_common_surname_weaker_evidence() -> None:
    common = TermFrequencies(feature="last_name", values={"NGUYEN": 0.05}, floor=0.0001)
    settings = PROVIDER.model_copy(update={"term_frequencies": (common,)})

    shared_common = score_pair(settings, rec("a", last_name="NGUYEN"), rec("b", last_name="NGUYEN"))
    shared_rare = score_pair(settings, rec("a", last_name="KOWALCZ"), rec("b", last_name="KOWALCZ"))

    common_weight = shared_common.comparisons[1].weight
    rare_weight = shared_rare.comparisons[1].weight
    assert shared_common.comparisons[1].tf_adjusted
    assert common_weight == pytest.approx(math.log2(0.86 / 0.05))
    assert rare_weight == pytest.approx(math.log2(0.86 / 0.0001))
    assert rare_weight - common_weight > 8


def test_sensitive_values_are_masked_in_explanations() -> None:
    from matching.defaults import employee

    settings = employee()
    a = rec("a", settings, ssn="123456789", last_name="LEE")
    b = rec("b", settings, ssn="123456780", last_name="LEE")

    ssn = next(c for c in score_pair(settings, a, b).comparisons if c.comparison == "ssn")

    assert (ssn.left, ssn.right, ssn.level) == ("*****6789", "*****6780", "one digit off")


def test_a_given_name_and_surname_swapped_still_meet_and_match() -> None:
    from matching.blocking import blocking_keys
    from matching.defaults import employee

    settings = employee()
    a = rec("a", settings, (), first_name="LUCY", last_name="FITZPATRICK", birth_date="1921-02-22")
    b = rec("b", settings, (), first_name="FITZPATRICK", last_name="LUCY", birth_date="1921-02-22")

    assert blocking_keys(settings, a) & blocking_keys(settings, b)
    score = score_pair(settings, a, b)
    swapped = next(c for c in score.comparisons if c.comparison == "names_swapped")
    assert swapped.level == "swapped"
    assert swapped.weight > 13
    # The swap gives back what the two name comparisons took away.
    assert (
        swapped.weight
        + sum(c.weight for c in score.comparisons if c.comparison in ("last_name", "first_name"))
        > 0
    )


def test_scoring_from_many_threads_with_ever_new_settings_objects_agrees() -> None:
    # API requests score in a thread pool, and every request may bring its own settings
    # object: the per-settings table of worked-out weights is shared and must stay sound.
    import sys
    from concurrent.futures import ThreadPoolExecutor

    a = rec("a", last_name="PRZYBYLSKI", first_name="ANNA", birth_date="1970-01-02")
    b = rec("b", last_name="PRZYBYLSKA", first_name="ANNA", birth_date="1970-02-01")
    expected = score_pair(PROVIDER, a, b)

    def many(_: int) -> set[float]:
        return {score_pair(PROVIDER.model_copy(), a, b).weight for _ in range(300)}

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to meet any race
    try:
        with ThreadPoolExecutor(8) as pool:
            weights = set().union(*pool.map(many, range(16)))
    finally:
        sys.setswitchinterval(interval)

    assert weights == {expected.weight}


# Records for the batch-scoring property: names, identifiers and dates drawn from small pools so
# that pairs agree, nearly agree, differ, share a common (frequency-adjusted) surname, and miss
# values; an SSN (masked in explanations) and NPIs (cannot-link and decisive) among them.
_PERSON = st.fixed_dictionaries(
    {},
    optional={
        "first_name": st.sampled_from(["BILL", "WILLIAM", "WILL", "LUCY", "J", "FITZPATRICK"]),
        "last_name": st.sampled_from(["NGUYEN", "NGUYEM", "FITZPATRICK", "LUCY", "SMITH"]),
        "birth_date": st.sampled_from(["1975-03-04", "1975-04-03", "1957-03-04", "1980-01-01"]),
        "ssn": st.sampled_from(["123456789", "123456780", "987654321"]),
        "npi": st.sampled_from([NPI_A, NPI_B, "1234567890"]),
    },
)


def _variants(domain: str) -> list[MatchSettings]:
    """The domain's settings with a frequency table for surnames; with every surname level
    frequency-adjusted (a fuzzy level's two values differ: the left one's frequency counts);
    and with no comparisons at all."""
    from matching.defaults import default_settings

    common = TermFrequencies(
        feature="last_name", values={"NGUYEN": 0.05, "NGUYEM": 0.01}, floor=0.0001
    )
    base = default_settings(domain).model_copy(update={"term_frequencies": (common,)})
    every_level = tuple(
        c.model_copy(
            update={"levels": tuple(lv.model_copy(update={"tf_adjust": True}) for lv in c.levels)}
        )
        if c.feature == "last_name"
        else c
        for c in base.comparisons
    )
    return [
        base,
        base.model_copy(update={"comparisons": every_level}),
        base.model_copy(update={"comparisons": ()}),
    ]


@pytest.mark.parametrize("domain", ["employee", "provider"])
@given(variant=st.integers(0, 2), people=st.lists(_PERSON, min_size=1, max_size=8), data=st.data())
def test_a_file_of_pairs_scores_as_each_pair_alone(
    domain: str, variant: int, people: list[dict[str, str]], data: st.DataObject
) -> None:
    """score_pairs gives each pair exactly the score, weights and explanation score_pair gives
    it: batch and incremental matching decide alike."""
    settings = _variants(domain)[variant]
    # Keys repeat: two records may share one (the same source key sent twice, say).
    records = [rec(f"r{i % 3}", settings, (), **person) for i, person in enumerate(people)]
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(records), st.sampled_from(records)), max_size=20)
    )

    assert score_pairs(settings, pairs) == [score_pair(settings, a, b) for a, b in pairs]


def test_no_pairs_score_to_nothing() -> None:
    assert score_pairs(PROVIDER, []) == []
