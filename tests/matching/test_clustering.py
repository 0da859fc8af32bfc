"""Clustering guards and the order-independence of the result."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.clustering import NO_CONSTRAINTS, CandidateReason, Constraints, cluster
from matching.features import MatchRecord
from matching.linking import link
from matching.scoring import score_pair
from tests.matching.conftest import NPI_A, NPI_B, NPI_C, PROVIDER, decisions, rec

JOHN: dict[str, Any] = {"last_name": "SMITH", "first_name": "JOHN", "middle_name": "Q"}


def _clusters(records: list[MatchRecord], constraints: Constraints = NO_CONSTRAINTS) -> Any:
    return link(PROVIDER, records, constraints).clustering


def test_a_chain_never_puts_two_different_valid_npis_in_one_cluster() -> None:
    # B matches A and C strongly; A and C carry different valid NPIs.
    a = rec("a", npi=NPI_A, birth_date="1970-01-02", **JOHN)
    b = rec("b", birth_date="1970-01-02", email="jqs@example.org", **JOHN)
    c = rec("c", npi=NPI_B, birth_date="1970-01-02", email="jqs@example.org", **JOHN)

    result = _clusters([a, b, c])

    assert not any({"a", "c"} <= set(members) for members in result.clusters)
    assert any(blocked.rule == "cannot_link:npi" for blocked in result.blocked)


def test_a_record_matching_two_clusters_that_disagree_goes_to_a_steward() -> None:
    # a and c are different people (different birth dates) sharing a name with b, who has no
    # birth date but shares a's licence and c's email: b would chain them.
    a = rec("a", birth_date="1970-01-02", licenses=[{"state": "TX", "number": "K1"}], **JOHN)
    b = rec(
        "b",
        licenses=[{"state": "TX", "number": "K1"}],
        email="j@example.org",
        **JOHN,
    )
    c = rec("c", birth_date="1988-07-30", email="j@example.org", **JOHN)

    result = _clusters([a, b, c])

    assert ("a", "b", "c") not in result.clusters
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def test_the_size_guard_stops_a_runaway_cluster() -> None:
    small = PROVIDER.model_copy(update={"max_cluster_size": 2})
    records = [rec(k, npi=NPI_A, **JOHN) for k in ("a", "b", "c")]

    result = link(small, records).clustering

    assert sorted(len(c) for c in result.clusters) == [1, 2]
    assert [c.reason for c in result.candidates] == [CandidateReason.SIZE_GUARD]


def test_a_pair_a_steward_rejected_is_never_merged_nor_proposed_again() -> None:
    a = rec("a", npi=NPI_A, **JOHN)
    b = rec("b", npi=NPI_A, **JOHN)

    result = _clusters([a, b], Constraints.of(cannot=[("b", "a")]))

    assert result.clusters == [("a",), ("b",)]
    assert result.candidates == []


def test_a_stewards_merge_holds_whatever_the_scores() -> None:
    a = rec("a", npi=NPI_A, last_name="ALPHA")
    b = rec("b", last_name="OMEGA")

    result = _clusters([a, b], Constraints.of(must=[("a", "b")]))

    assert result.clusters == [("a", "b")]


def test_a_record_matching_one_side_of_a_stewards_merge_joins_it() -> None:
    # A steward merged a and b (one person under two unrelated-looking records); c matches a
    # strongly and b not at all. Without the steward's merge the chain guard would refuse c.
    a = rec("a", npi=NPI_A, birth_date="1970-01-02", **JOHN)
    b = rec("b", last_name="OMEGA", first_name="ZED", birth_date="1999-09-09")
    c = rec("c", npi=NPI_A, birth_date="1970-01-02", **JOHN)

    merged = _clusters([a, b, c], Constraints.of(must=[("a", "b")]))
    unmerged = _clusters([a, b, c])

    assert merged.clusters == [("a", "b", "c")]
    assert unmerged.clusters == [("a", "c"), ("b",)]


def test_the_chain_guard_still_holds_when_no_record_of_a_stewards_merge_agrees() -> None:
    # As in the chain-guard test, b would chain a and c; c is in a steward's group with z, and
    # neither c nor z agrees with a: the group does not let b chain a into it.
    a = rec("a", birth_date="1970-01-02", licenses=[{"state": "TX", "number": "K1"}], **JOHN)
    b = rec("b", licenses=[{"state": "TX", "number": "K1"}], email="j@example.org", **JOHN)
    c = rec("c", birth_date="1988-07-30", email="j@example.org", **JOHN)
    z = rec("z", last_name="OMEGA", first_name="ZED", birth_date="1988-07-30")

    result = _clusters([a, b, c, z], Constraints.of(must=[("c", "z")]))

    assert not any({"a", "c"} <= set(members) for members in result.clusters)
    assert [c.reason for c in result.candidates] == [CandidateReason.CHAIN_GUARD]


def test_review_band_pairs_become_candidates_with_their_explanation() -> None:
    # Same name and practice phone, nothing else: a namesake or the same person.
    a = rec("a", phone="+15125550100", last_name="SMITH", first_name="JOHN")
    b = rec("b", phone="+15125550100", last_name="SMITH", first_name="JOHN")

    result = _clusters([a, b])

    assert result.clusters == [("a",), ("b",)]
    (candidate,) = result.candidates
    assert candidate.reason is CandidateReason.REVIEW_BAND
    assert PROVIDER.thresholds.review <= candidate.best.weight < PROVIDER.thresholds.auto_match
    assert "phone exact" in candidate.best.describe()


def test_clustering_needs_only_the_scores_it_is_given_plus_what_it_checks() -> None:
    a = rec("a", npi=NPI_A, **JOHN)
    b = rec("b", npi=NPI_A, **JOHN)
    scores = {("a", "b"): score_pair(PROVIDER, a, b)}

    assert cluster(PROVIDER, [b, a], scores).clusters == [("a", "b")]


_LAST = st.sampled_from(["SMITH", "SMYTH", "NGUYEN", "GARCIA"])
_FIRST = st.sampled_from(["JOHN", "JON", "WILLIAM", "BILL", "MARIA"])
_NPI = st.sampled_from([None, NPI_A, NPI_B, NPI_C])
_DOB = st.sampled_from([None, "1970-01-02", "1970-02-01", "1985-05-05"])
_PHONE = st.sampled_from([None, "+15125550100", "+15125550199"])


@st.composite
def _records(draw: st.DrawFn) -> list[MatchRecord]:
    count = draw(st.integers(min_value=2, max_value=9))
    out = []
    for i in range(count):
        attributes = {
            "last_name": draw(_LAST),
            "first_name": draw(_FIRST),
            "npi": draw(_NPI),
            "birth_date": draw(_DOB),
            "phone": draw(_PHONE),
        }
        present: dict[str, Any] = {k: v for k, v in attributes.items() if v is not None}
        out.append(rec(f"r{i}", **present))
    return out


@settings(max_examples=150, deadline=None)
@given(records=_records(), data=st.data())
def test_clusters_and_candidates_do_not_depend_on_arrival_order(
    records: list[MatchRecord], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(records))

    assert decisions(_clusters(records)) == decisions(_clusters(list(shuffled)))


@settings(max_examples=150, deadline=None)
@given(records=_records())
def test_no_cluster_ever_holds_two_different_valid_npis(records: list[MatchRecord]) -> None:
    for members in _clusters(records).clusters:
        npis = {v for r in records if r.key in members for v in r.values("npi")}
        assert len(npis) <= 1


def test_no_candidate_is_proposed_between_clusters_a_hard_rule_keeps_apart() -> None:
    # a2 and b2 alone would be a review pair (name and practice phone), but a2 is with NPI_A
    # and b2 with NPI_B: a steward must not be asked to merge two valid NPIs.
    a1 = rec("a1", npi=NPI_A, birth_date="1970-01-02", last_name="SMITH", first_name="JOHN")
    a2 = rec(
        "a2", birth_date="1970-01-02", phone="+15125550100", last_name="SMITH", first_name="JOHN"
    )
    b1 = rec("b1", npi=NPI_B, email="j@example.org", last_name="SMITH", first_name="JOHN")
    b2 = rec(
        "b2", email="j@example.org", phone="+15125550100", last_name="SMITH", first_name="JOHN"
    )

    result = _clusters([a1, a2, b1, b2])

    assert result.clusters == [("a1", "a2"), ("b1", "b2")]
    assert result.candidates == []


def test_a_decisive_identifier_joins_clusters_whatever_its_weight() -> None:
    # One cost center renamed in the ERP: the code within its legal entity decides, though
    # the names disagree so much that the pair's weight is below review.
    from matching.defaults import cost_center

    settings = cost_center()
    erp = rec("erp", settings, (), legal_entity="E01", code="4410", name="CARDIOLOGY CLINIC")
    gl = rec("gl", settings, (), legal_entity="E01", code="4410", name="HEART CENTER WEST")
    assert score_pair(settings, erp, gl).weight < settings.thresholds.review

    assert link(settings, [erp, gl]).clustering.clusters == [("erp", "gl")]


def test_training_sees_each_rules_pairs_as_blocking_does_whatever_the_rule_names() -> None:
    from matching.blocking import candidate_pairs, candidate_pairs_by_rule
    from matching.settings import BlockingRule

    named = PROVIDER.model_copy(
        update={
            "blocking": tuple(
                BlockingRule(name=f"hr:{rule.name}", features=rule.features)
                for rule in PROVIDER.blocking
            )
        }
    )
    records = [
        rec("a", npi=NPI_A, birth_date="1970-01-02", **JOHN),
        rec("b", birth_date="1970-01-02", **JOHN),
        rec("c", npi=NPI_A, last_name="JONES", first_name="MARY"),
        rec("d", last_name="SMYTHE", first_name="JON", birth_date="1981-05-06"),
    ]

    by_rule = candidate_pairs_by_rule(named, records)

    assert set(by_rule) == {rule.name for rule in named.blocking}
    assert set().union(*by_rule.values()) == set(candidate_pairs(named, records))
    assert by_rule["hr:npi"] == {("a", "c")}


def test_blocking_with_keys_made_beforehand_gives_the_same_pairs_in_the_same_order() -> None:
    # The hub makes a batch's keys once, for its blocking index and for blocking in memory.
    from matching.blocking import blocking_keys, candidate_pairs, key_texts, rule_keys

    records = [
        rec("a", npi=NPI_A, birth_date="1970-01-02", **JOHN),
        rec("b", birth_date="1970-01-02", **JOHN),
        rec("c", npi=NPI_A, last_name="JONES", first_name="MARY"),
        rec("d", last_name="SMYTHE", first_name="JON", birth_date="1981-05-06"),
        rec("e", npi=NPI_B, last_name="SMITH", first_name="JOHN"),
    ]
    keys = {r.key: rule_keys(PROVIDER, r) for r in records}

    made = list(candidate_pairs(PROVIDER, records, keys=keys))

    assert made == list(candidate_pairs(PROVIDER, records))
    assert ("a", "b") in made
    assert ("a", "c") in made
    assert all(key_texts(keys[r.key]) == blocking_keys(PROVIDER, r) for r in records)
    # Keys given for a record are used instead of its own.
    assert ("a", "d") not in made
    assert ("a", "d") in candidate_pairs(PROVIDER, records, keys={**keys, "d": keys["a"]})
