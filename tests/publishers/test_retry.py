"""Retry schedule: ten attempts over about three days, jitter, Retry-After, dead-lettering."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from publishers.retry import DEFAULT_SCHEDULE, RetryPolicy, parse_retry_after

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXACT = RetryPolicy(jitter=0.0)


def test_default_schedule_is_the_published_one() -> None:
    assert DEFAULT_SCHEDULE == (
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=14),
        timedelta(hours=20),
        timedelta(hours=24),
    )
    policy = RetryPolicy()
    assert policy.max_attempts == 10
    assert policy.total() == timedelta(hours=75, minutes=35, seconds=5)  # about 3.15 days


def test_without_jitter_each_attempt_waits_its_scheduled_delay() -> None:
    delays = [EXACT.next_delay(n) for n in range(1, 10)]
    assert delays == list(DEFAULT_SCHEDULE)


@pytest.mark.parametrize("attempts_made", [10, 11, 50])
def test_exhausted_deliveries_get_no_delay(attempts_made: int) -> None:
    assert RetryPolicy().next_delay(attempts_made) is None
    assert RetryPolicy().next_delay(attempts_made, retry_after=timedelta(seconds=1)) is None


@pytest.mark.parametrize("attempts_made", [0, -1])
def test_attempt_counts_start_at_one(attempts_made: int) -> None:
    with pytest.raises(ValueError, match="attempts_made"):
        RetryPolicy().next_delay(attempts_made)


def test_jitter_spreads_delays_within_the_fraction() -> None:
    rng = random.Random(7)
    policy = RetryPolicy(jitter=0.2)
    base = DEFAULT_SCHEDULE[3]
    delays = [policy.next_delay(4, rng=rng) for _ in range(500)]
    assert all(d is not None and base * 0.8 <= d <= base * 1.2 for d in delays)
    assert len(set(delays)) > 400  # really random, not one fixed factor
    assert min(d for d in delays if d) < base * 0.85
    assert max(d for d in delays if d) > base * 1.15


def test_same_seed_gives_same_delays() -> None:
    first = [RetryPolicy().next_delay(2, rng=random.Random(3)) for _ in range(3)]
    assert len(set(first)) == 1


def test_retry_after_longer_than_the_schedule_is_honoured_exactly() -> None:
    policy = RetryPolicy(jitter=0.5)
    rng = random.Random(1)
    # The schedule says 5 s (±50 %) after the first attempt; the subscriber asked for 60 s.
    assert policy.next_delay(1, retry_after=timedelta(seconds=60), rng=rng) == timedelta(seconds=60)


def test_retry_after_shorter_than_the_schedule_does_not_shorten_it() -> None:
    # A "Retry-After: 1" on every answer must not burn ten attempts in ten seconds: the
    # schedule (here 2 h, ±20 %) still spaces them out over days.
    policy = RetryPolicy()
    rng = random.Random(1)
    delay = policy.next_delay(4, retry_after=timedelta(seconds=1), rng=rng)
    assert delay is not None
    assert timedelta(hours=1.6) <= delay <= timedelta(hours=2.4)
    total = sum(
        (
            policy.next_delay(n, retry_after=timedelta(seconds=1), rng=rng) or timedelta(0)
            for n in range(1, policy.max_attempts)
        ),
        timedelta(0),
    )
    assert total >= timedelta(days=2.5)


def test_retry_after_is_capped_and_never_negative() -> None:
    policy = RetryPolicy(max_retry_after=timedelta(hours=24), jitter=0.0)
    assert policy.next_delay(1, retry_after=timedelta(days=3)) == timedelta(hours=24)
    assert policy.next_delay(1, retry_after=timedelta(seconds=-5)) == timedelta(seconds=5)


def test_custom_schedule_sets_the_attempt_count() -> None:
    policy = RetryPolicy(schedule=(timedelta(seconds=1), timedelta(seconds=2)), jitter=0.0)
    assert policy.max_attempts == 3
    assert policy.next_delay(2) == timedelta(seconds=2)
    assert policy.next_delay(3) is None
    assert policy.total() == timedelta(seconds=3)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"jitter": -0.1},
        {"jitter": 1.5},
        {"schedule": (timedelta(seconds=-1),)},
        {"max_retry_after": timedelta(seconds=-1)},
    ],
)
def test_invalid_policies_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="jitter|negative"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", timedelta(seconds=7)),
        (" 120 ", timedelta(seconds=120)),
        ("0", timedelta(0)),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), timedelta(seconds=30)),
        ("Sun, 01 Mar 2026 12:05:00 GMT", timedelta(minutes=5)),
        ("Sun, 01 Mar 2026 11:00:00 GMT", timedelta(0)),  # past: retry now
        ("Sunday, 01-Mar-26 12:00:10 GMT", timedelta(seconds=10)),  # obsolete RFC 850 form
        ("99999999999999999999999", timedelta(seconds=10**9)),  # clamped, no overflow
        (None, None),
        ("", None),
        ("-5", None),
        ("+5", None),
        ("1.5", None),
        ("soon", None),
        ("٣", None),  # a non-ASCII digit is not delta-seconds
        ("Sun, 99 Foo 2026 25:00:00 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: timedelta | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_parse_retry_after_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_retry_after("7", now=datetime(2026, 3, 1, 12, 0))
