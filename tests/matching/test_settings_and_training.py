"""Match settings as versioned data, and training that estimates them from records."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import ValidationError

from matching.defaults import DEFAULT_SETTINGS, default_settings
from matching.features import TRANSFORMS, MatchRecord
from matching.linking import link
from matching.settings import MatchSettings, PerSettings
from matching.training import LabelledPair, train
from tests.matching.conftest import PROVIDER, rec


@pytest.mark.parametrize("domain", sorted(DEFAULT_SETTINGS))
def test_defaults_ship_for_every_domain_and_round_trip_through_json(domain: str) -> None:
    settings = default_settings(domain)

    again = MatchSettings.from_json(settings.to_json())

    assert again == settings
    assert again.domain == domain
    assert {f.transform for f in settings.features} <= set(TRANSFORMS)
    assert settings.blocking
    assert settings.comparisons


def test_settings_refuse_a_reference_to_an_unknown_feature() -> None:
    data = PROVIDER.model_dump()
    data["cannot_link"] = ["nip"]

    with pytest.raises(ValidationError, match="unknown features referenced: nip"):
        MatchSettings.model_validate(data)


def test_settings_refuse_a_review_threshold_above_auto_match() -> None:
    data = PROVIDER.model_dump()
    data["thresholds"] = {"auto_match": 2, "review": 5}

    with pytest.raises(ValidationError, match="review must not exceed auto_match"):
        MatchSettings.model_validate(data)


def test_settings_refuse_an_unknown_chain_guard() -> None:
    data = PROVIDER.model_dump()
    data["chain_guard"] = "lenient"

    with pytest.raises(ValidationError, match="chain_guard"):
        MatchSettings.model_validate(data)


_SURNAMES = [
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "WILSON",
    "ANDERSON",
    "THOMAS",
]
_FIRST = [
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "RICHARD",
    "SUSAN",
    "JOSEPH",
    "KAREN",
    "CHARLES",
]


def _people(n: int, seed: int) -> tuple[list[MatchRecord], dict[str, int]]:
    """n people; every third sent again by another system with the kinds of drift real data has:
    a surname typo, a nickname, a swapped birth date, or a missing phone."""
    rng = random.Random(seed)
    nicknames = {"ROBERT": "BOB", "ELIZABETH": "LIZ", "RICHARD": "RICK", "JAMES": "JIM"}
    records, truth = [], {}
    for person in range(n):
        last = rng.choice(_SURNAMES) + rng.choice(["", "SON", "MAN", "ER", "ELL", "OV", "IAN"])
        first = rng.choice(_FIRST)
        year, month, day = rng.randint(1940, 1999), rng.randint(1, 12), rng.randint(1, 28)
        dob = f"{year}-{month:02d}-{day:02d}"
        phone = f"+1512555{rng.randint(0, 9999):04d}"
        key = f"p{person}"
        records.append(rec(key, last_name=last, first_name=first, birth_date=dob, phone=phone))
        truth[key] = person
        if person % 3 == 0:
            drift = person // 3 % 4
            dup: dict[str, Any] = {"last_name": last, "first_name": first, "birth_date": dob}
            if drift == 0:
                dup["last_name"] = last[:-2] + last[-1] + last[-2]
            elif drift == 1:
                dup["first_name"] = nicknames.get(first, first)
            elif drift == 2 and day <= 12:
                dup["birth_date"] = f"{year}-{day:02d}-{month:02d}"
            else:
                dup["phone"] = phone
            records.append(rec(f"{key}d", **dup))
            truth[f"{key}d"] = person
    return records, truth


def test_training_estimates_m_and_u_and_stores_how() -> None:
    records, _ = _people(300, seed=3)

    trained = train(PROVIDER, records, version="provider-t1", random_pairs=5000, seed=1)

    assert trained.version == "provider-t1"
    assert trained.training is not None
    assert trained.training.records == len(records)
    assert trained.training.converged
    surname = next(c for c in trained.comparisons if c.name == "last_name")
    agreeing = sum(
        a.values("last_name") == b.values("last_name")
        for i, a in enumerate(records)
        for b in records[i + 1 :]
    )
    all_pairs = len(records) * (len(records) - 1) / 2
    # u(exact) is the share of random pairs that agree by accident.
    assert surname.levels[0].u == pytest.approx(agreeing / all_pairs, rel=0.15)
    dob = next(c for c in trained.comparisons if c.name == "birth_date")
    # About one duplicate in nine swaps day and month: EM sees it in m, not in u.
    assert 0.8 < dob.levels[0].m < 0.97
    assert dob.levels[1].m > 0.03 > dob.levels[1].u
    assert 0 < trained.prior < 0.01
    assert trained.term_frequencies_of("last_name") is not None


def test_training_is_deterministic_for_a_seed() -> None:
    records, _ = _people(120, seed=5)

    first = train(PROVIDER, records, version="v", random_pairs=2000, seed=9)
    second = train(PROVIDER, records, version="v", random_pairs=2000, seed=9)

    assert first == second


def test_trained_settings_find_the_duplicates_without_false_merges() -> None:
    records, truth = _people(300, seed=3)
    trained = train(PROVIDER, records, version="provider-t1", random_pairs=5000, seed=1)

    result = link(trained, records).clustering

    for members in result.clusters:
        assert len({truth[k] for k in members}) == 1, members
    merged = sum(len(c) == 2 for c in result.clusters)
    proposed = [c for c in result.candidates if truth[c.left[0]] == truth[c.right[0]]]
    # Each duplicate is merged automatically or put in front of a steward; none is lost.
    assert merged + len(proposed) == 100
    assert merged > 25


def test_steward_decisions_enter_training_as_labels() -> None:
    records, _ = _people(60, seed=2)
    a, b = records[0], records[1]

    plain = train(PROVIDER, records, version="v", random_pairs=1000)
    labelled = train(
        PROVIDER, records, version="v", random_pairs=1000, labelled=[LabelledPair(a, b, True)]
    )

    assert labelled.training is not None
    assert labelled.training.labelled_pairs == 1
    assert labelled.comparisons != plain.comparisons


def test_what_is_worked_out_per_settings_object_is_worked_out_once_for_each() -> None:
    made: list[str] = []

    def make(settings: MatchSettings) -> str:
        made.append(settings.version)
        return settings.version

    per_settings = PerSettings(make, size=2)
    copy = PROVIDER.model_copy(update={"version": "provider-copy"})

    assert [per_settings(PROVIDER), per_settings(PROVIDER), per_settings(copy)] == [
        "provider-default-1",
        "provider-default-1",
        "provider-copy",
    ]
    assert made == ["provider-default-1", "provider-copy"]
    # A third object evicts the oldest; asked for again, the oldest is worked out again.
    third = PROVIDER.model_copy(update={"version": "provider-third"})
    assert per_settings(third) == "provider-third"
    assert per_settings(PROVIDER) == "provider-default-1"
    assert made == ["provider-default-1", "provider-copy", "provider-third", "provider-default-1"]
