"""Survivorship rules: each one small class that narrows the candidates for a golden value.

A rule never decides alone. It keeps the candidates it prefers and hands them on; the chain in
:mod:`survivorship.resolution` stops as soon as the candidates left share one value. A rule
that has no opinion (``source_priority`` when none of its sources is present, ``valid_first``
when every value failed its check) keeps everyone, so the next rule decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from survivorship.model import Contribution
from survivorship.values import canonical, is_empty


@dataclass(frozen=True, slots=True)
class Candidate:
    """A source record's non-empty value for one attribute (or one group of attributes).

    ``key`` is the value's canonical JSON, so equal values compare equal whatever their key
    order; ``invalid`` is true when the value (or any attribute of a group) failed its check.
    """

    contribution: Contribution
    value: Any
    key: str
    invalid: bool = False


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule may know besides the candidates."""

    # The newest observed_at among all contributions to the golden record, not the wall clock,
    # so that resolving the same records always gives the same golden record.
    reference_time: datetime


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        """The candidates this rule prefers: never empty when ``candidates`` is not."""
        raise NotImplementedError


def _keep_best(
    candidates: Sequence[Candidate], score: Callable[[Candidate], Any]
) -> list[Candidate]:
    if not candidates:
        return []
    best = max(score(c) for c in candidates)
    return [c for c in candidates if score(c) == best]


class SourcePriorityRule(_Rule):
    """Prefer the highest-ranked source present; with none of them present, keep everyone.

    >>> SourcePriorityRule(sources=["nppes_feed", "epic_pm"]).model_dump()
    {'kind': 'source_priority', 'sources': ['nppes_feed', 'epic_pm']}
    """

    kind: Literal["source_priority"] = "source_priority"
    sources: list[str] = Field(min_length=1)

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        rank: dict[str, int] = {}
        for position, source in enumerate(self.sources):
            rank.setdefault(source, position)
        listed = [c for c in candidates if c.contribution.source_system in rank]
        if not listed:
            return list(candidates)
        return _keep_best(listed, lambda c: -rank[c.contribution.source_system])


class MostRecentRule(_Rule):
    """Prefer the records the hub received last."""

    kind: Literal["most_recent"] = "most_recent"

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        return _keep_best(candidates, lambda c: c.contribution.observed_at)


class MostFrequentRule(_Rule):
    """Prefer the value held by the most records (values compared as canonical JSON)."""

    kind: Literal["most_frequent"] = "most_frequent"

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        counts = Counter(c.key for c in candidates)
        return _keep_best(candidates, lambda c: counts[c.key])


def completeness(value: Any) -> int:
    """Text: its stripped length; a structure: its non-empty fields; a list: its items."""
    if isinstance(value, str):
        return len(value.strip())
    if isinstance(value, dict):
        return sum(1 for v in value.values() if not is_empty(v))
    if isinstance(value, list | tuple):
        return len(value)
    return 0


class MostCompleteRule(_Rule):
    """Prefer the fullest value: an address with its second line, a name with its middle name."""

    kind: Literal["most_complete"] = "most_complete"

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        return _keep_best(candidates, lambda c: completeness(c.value))


class LongestRule(_Rule):
    """Prefer the longest value as text (a description that says more)."""

    kind: Literal["longest"] = "longest"

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        return _keep_best(candidates, lambda c: len(c.value if isinstance(c.value, str) else c.key))


class ValidFirstRule(_Rule):
    """Drop values that failed their identifier check, unless no valid value is left."""

    kind: Literal["valid_first"] = "valid_first"

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        valid = [c for c in candidates if not c.invalid]
        return valid or list(candidates)


class TrustRule(_Rule):
    """Prefer the most trusted source, its trust halving every ``half_life_days`` of age.

    Age is counted back from the newest record given to the resolution, so a stale record from
    a trusted source can lose to a fresh one from a less trusted source.

    >>> TrustRule(trust={"nppes_feed": 0.9, "epic_pm": 0.6}, half_life_days=180).default_trust
    0.5
    """

    kind: Literal["trust"] = "trust"
    trust: dict[str, Annotated[float, Field(ge=0, le=1)]]
    default_trust: float = Field(default=0.5, ge=0, le=1)
    half_life_days: float | None = Field(default=None, gt=0)

    def score(self, contribution: Contribution, context: RuleContext) -> float:
        trust = self.trust.get(contribution.source_system, self.default_trust)
        if self.half_life_days is None:
            return trust
        age_days = (context.reference_time - contribution.observed_at).total_seconds() / 86_400
        decay: float = 0.5 ** (max(age_days, 0.0) / self.half_life_days)
        return trust * decay

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        return _keep_best(candidates, lambda c: self.score(c.contribution, context))


class UnionRule(_Rule):
    """A multi-valued attribute takes every item any record holds, once each.

    Only valid alone, for list attributes (credentials, licences, remit-to addresses).
    """

    kind: Literal["union"] = "union"

    def select(self, candidates: Sequence[Candidate], context: RuleContext) -> list[Candidate]:
        return list(candidates)

    def combine(self, candidates: Sequence[Candidate]) -> list[Any]:
        """The items of all candidates, deduplicated and sorted by canonical JSON."""
        items: dict[str, Any] = {}
        for candidate in candidates:
            values = candidate.value if isinstance(candidate.value, list) else [candidate.value]
            for item in values:
                if not is_empty(item):
                    items.setdefault(canonical(item), item)
        return [items[key] for key in sorted(items)]


Rule = Annotated[
    SourcePriorityRule
    | MostRecentRule
    | MostFrequentRule
    | MostCompleteRule
    | LongestRule
    | ValidFirstRule
    | TrustRule
    | UnionRule,
    Field(discriminator="kind"),
]

RULE_KINDS: tuple[str, ...] = (
    "source_priority",
    "most_recent",
    "most_frequent",
    "most_complete",
    "longest",
    "valid_first",
    "trust",
    "union",
)
