"""When to try a failed delivery again, and when to give up and dead-letter it.

The schedule spreads ten attempts over about three days, so a subscriber that is down over a
weekend still receives everything; jitter keeps the retries of one outage from arriving at the
subscriber all in the same second when it comes back.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# Delay after attempt 1, 2, ... 9; attempt 1 is immediate, so 10 attempts in all (~3.15 days).
DEFAULT_SCHEDULE: tuple[timedelta, ...] = (
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

# Retry-After beyond this many seconds (~31 years) is clamped before it can overflow timedelta.
_MAX_RETRY_AFTER_SECONDS = 10**9


@dataclass(frozen=True)
class RetryPolicy:
    """A retry schedule with multiplicative jitter, honouring a subscriber's Retry-After."""

    schedule: tuple[timedelta, ...] = DEFAULT_SCHEDULE
    jitter: float = 0.2
    max_retry_after: timedelta = field(default=timedelta(hours=24))

    def __post_init__(self) -> None:
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter must be a fraction in 0..1, got {self.jitter}")
        if any(delay < timedelta(0) for delay in self.schedule):
            raise ValueError("retry schedule delays must not be negative")
        if self.max_retry_after < timedelta(0):
            raise ValueError("max_retry_after must not be negative")

    @property
    def max_attempts(self) -> int:
        """Attempts in all: the immediate first one plus one per schedule entry."""
        return len(self.schedule) + 1

    def next_delay(
        self,
        attempts_made: int,
        *,
        retry_after: timedelta | None = None,
        rng: random.Random | None = None,
    ) -> timedelta | None:
        """How long to wait after ``attempts_made`` failed attempts; None means dead-letter."""
        if attempts_made < 1:
            raise ValueError(f"attempts_made must be >= 1, got {attempts_made}")
        if attempts_made >= self.max_attempts:
            return None
        factor = (rng or random).uniform(1.0 - self.jitter, 1.0 + self.jitter)
        scheduled = self.schedule[attempts_made - 1] * factor
        if retry_after is not None:
            # The subscriber said when it can take more: never earlier than that, but never
            # earlier than the schedule either (a "Retry-After: 1" from a load balancer must
            # not burn the ten attempts of three days in ten seconds); capped so one header
            # cannot park a delivery for a month.
            return max(scheduled, min(max(retry_after, timedelta(0)), self.max_retry_after))
        return scheduled

    def total(self) -> timedelta:
        """Nominal time from the first attempt to the last (jitter and Retry-After aside)."""
        return sum(self.schedule, timedelta(0))


def parse_retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """A Retry-After header (RFC 9110 §10.2.3) as a delay from ``now``; None when unusable.

    Either delta-seconds (``"120"``) or an HTTP-date; a date in the past means "now" (zero).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return timedelta(seconds=min(int(text), _MAX_RETRY_AFTER_SECONDS))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        # "-0000" dates parse as naive; HTTP-dates are always GMT.
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))
