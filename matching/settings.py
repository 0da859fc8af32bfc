"""Match settings: what a domain's records are compared on, and how much each outcome counts.

A :class:`MatchSettings` is plain data that round-trips to JSON, so a governance team can read,
diff and version it, and every decision can name the exact settings that produced it:

* ``features``: values derived from a record's standardised attributes (a phonetic key of the
  surname, the formal forms of a nickname, an organisation name without "Inc") by named
  transforms from :data:`matching.features.TRANSFORMS`;
* ``blocking``: rules whose keys select the candidate pairs worth comparing; several rules are
  unioned, so a pair needs to share the keys of only one of them;
* ``comparisons``: per feature, ordered levels from the most to the least similar; the first level
  the two values reach is the outcome. Each level carries Fellegi–Sunter ``m`` (probability of
  that outcome among true matches) and ``u`` (among non-matches);
* ``thresholds`` on the match weight (log2 of the odds): auto-match, review, and below review a
  non-match;
* hard rules: ``cannot_link`` features (two different valid NPIs are two different providers)
  and ``decisive`` features (an identical valid NPI is a match unless a steward said otherwise).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")

LevelKind = Literal[
    "exact",
    "jaro_winkler",
    "levenshtein",
    "damerau_levenshtein",
    "token_set",
    "token_sort",
    "initial",
    "swapped",
    "date_transposed",
    "date_same_year",
    "numeric_within",
    "else",
]

# A level's weight never exceeds this magnitude, so one comparison cannot decide on its own
# unless the settings declare it decisive.
MAX_LEVEL_WEIGHT = 20.0
_PROBABILITY_FLOOR = 1e-6


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeatureSpec(_Model):
    """A value derived from an attribute.

    ``address.zip`` reaches into a structured value; ``legal_entity+code`` joins two attributes
    into one composite value ("E01|4410"); ``legal_name|dba_name`` takes the values of either.
    """

    name: str
    attribute: str
    transform: str = "upper"
    # Drop the value when standardisation flagged the attribute invalid (a failed check digit):
    # an invalid identifier is kept on the record but is no evidence of identity.
    valid_only: bool = False
    # Shown masked in explanations (an SSN's last four digits only).
    sensitive: bool = False
    # How a composite's parts are joined: in the order named, or sorted, so that the value does
    # not depend on which attribute holds which part (a given name and surname swapped).
    combine: Literal["ordered", "sorted"] = "ordered"


class Level(_Model):
    """One outcome of a comparison. ``threshold`` means what ``kind`` says it means."""

    label: str
    kind: LevelKind
    threshold: float | None = None
    m: float = Field(gt=0, le=1)
    u: float = Field(gt=0, le=1)
    # Exact agreement on a common value (a shared surname, a group practice's phone) is weaker
    # evidence than on a rare one: with this set, ``u`` becomes the value's own frequency.
    tf_adjust: bool = False

    @property
    def weight(self) -> float:
        return _clamp(math.log2(self.m / self.u))


class Comparison(_Model):
    name: str
    feature: str
    levels: tuple[Level, ...]
    description: str = ""
    # Whether a strong disagreement here is contrary evidence for the chain guard (see
    # ``contradiction_weight``). Not for what changes over a life: a person who moved has a
    # different street, phone and job, and is still the same person; a different birth date or
    # suffix is another person.
    contradicts: bool = True

    def named_levels(self) -> Iterator[tuple[str, Level]]:
        """Each level with its name across the rule set, "birth_date/else" (training's floor
        names levels so)."""
        for level in self.levels:
            yield f"{self.name}/{level.label}", level

    @model_validator(mode="after")
    def _ends_with_else(self) -> Comparison:
        if not self.levels or self.levels[-1].kind != "else":
            raise ValueError(f"comparison {self.name!r}: the last level must be kind 'else'")
        if len({level.label for level in self.levels}) != len(self.levels):
            raise ValueError(f"comparison {self.name!r}: level labels must be unique")
        return self


class BlockingRule(_Model):
    """Records sharing the values of all ``features`` (one value each, any combination) pair up."""

    name: str
    features: tuple[str, ...]


class Thresholds(_Model):
    auto_match: float
    review: float

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.review > self.auto_match:
            raise ValueError("thresholds: review must not exceed auto_match")
        return self


class TermFrequencies(_Model):
    """Relative frequency of the most common values of a feature, from the hub's own data."""

    feature: str
    values: dict[str, float]
    # Frequency used for a value not in ``values``: the rarest listed one, or 1 / records.
    floor: float


class Training(_Model):
    """How the current ``m`` and ``u`` were estimated, for the audit trail."""

    records: int
    random_pairs: int
    blocked_pairs: int
    em_iterations: int
    converged: bool
    labelled_pairs: int = 0
    proportion_matched: float
    # With the "bridged" chain guard, training never softens contrary evidence below what the
    # rule set states (see ``matching.training``): the stated weights of the levels that
    # weigh against a pair on comparisons that ``contradicts`` ("birth_date/else", -5.04),
    # taken from the first rule set of the lineage that was not trained, so that retraining
    # does not ratchet them; and the levels whose estimate needed the floor this time. A
    # floored level's ``m`` is lowered, so a comparison's ``m`` may then sum to less than 1.
    contrary_floor: tuple[tuple[str, float], ...] = ()
    contrary_evidence_kept: tuple[str, ...] = ()


class MatchSettings(_Model):
    domain: str
    version: str
    description: str = ""
    # Prior probability that two records of a blocked candidate pair are the same thing.
    prior: float = Field(gt=0, lt=1)
    features: tuple[FeatureSpec, ...]
    blocking: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    thresholds: Thresholds
    cannot_link: tuple[str, ...] = ()
    decisive: tuple[str, ...] = ()
    max_cluster_size: int = Field(default=50, ge=2)
    # Two clusters join along a strong edge only if every pair across them is a match, or in
    # the review band without contrary evidence this strong: a comparison that ``contradicts``
    # weighing this much or less against the pair (a different birth date, a JR against a SR;
    # with the "bridged" chain guard, all such weights summed). Missing data is tolerated;
    # contrary evidence is not.
    contradiction_weight: float = -3.0
    # How the chain guard weighs a pair across two clusters that is not a match:
    # * "strict": it must reach review, with no comparison weighing ``contradiction_weight``
    #   or less against it;
    # * "bridged", for messy files where two copies of one person, each mistyped in its own
    #   way, weigh weakly against each other while both match the person strongly: contrary
    #   evidence is the sum of the pair's negative weights on comparisons that
    #   ``contradicts`` (a different birth date alone is not enough; a different birth date
    #   and a different SSN are), and a pair below review is outweighed when the chain from
    #   one record to the other through the edge being taken, its weakest link's weight plus
    #   the pair's own weight, reaches auto-match.
    chain_guard: Literal["strict", "bridged"] = "strict"
    # With the "bridged" chain guard, what sends a strong pair itself to a steward instead of
    # merging it:
    # * "single": one comparison that ``contradicts`` weighing ``contradiction_weight`` or
    #   less (a JR against a SR in one household); weaker disagreements summed do not;
    # * "summed": the summed contrary evidence that keeps two clusters apart, so that what
    #   keeps two people out of one chain keeps them from merging directly too (a parent and
    #   child with one name at one address and no suffix differ only in birth date and SSN).
    # Rule sets stored before "summed" existed keep deciding as they did.
    strong_pair_guard: Literal["single", "summed"] = "single"
    term_frequencies: tuple[TermFrequencies, ...] = ()
    training: Training | None = None

    @model_validator(mode="after")
    def _features_exist(self) -> MatchSettings:
        names = [f.name for f in self.features]
        if len(set(names)) != len(names):
            raise ValueError("features: names must be unique")
        known = set(names)
        used = [
            *(f for rule in self.blocking for f in rule.features),
            *(c.feature for c in self.comparisons),
            *self.cannot_link,
            *self.decisive,
            *(t.feature for t in self.term_frequencies),
        ]
        unknown = sorted({f for f in used if f not in known})
        if unknown:
            raise ValueError(f"unknown features referenced: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _guards_agree(self) -> MatchSettings:
        if self.strong_pair_guard == "summed" and self.chain_guard != "bridged":
            raise ValueError(
                'strong_pair_guard: "summed" sums contrary evidence as the "bridged" chain '
                'guard does; it needs chain_guard "bridged"'
            )
        # A floor entry that names no level training floors would switch the floor off for
        # that level without a word (a level renamed in an edited copy): refused.
        floor = self.training.contrary_floor if self.training is not None else ()
        floored = {name for c in self.comparisons if c.contradicts for name, _ in c.named_levels()}
        for name, weight in floor:
            if name not in floored:
                raise ValueError(
                    f"training.contrary_floor: {name!r} is no level of a comparison that "
                    "contradicts"
                )
            if weight >= 0:
                raise ValueError(
                    f"training.contrary_floor: {name!r} must weigh against a pair (below 0), "
                    f"not {weight}"
                )
        return self

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def feature(self, name: str) -> FeatureSpec:
        for spec in self.features:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def term_frequencies_of(self, feature: str) -> TermFrequencies | None:
        for table in self.term_frequencies:
            if table.feature == feature:
                return table
        return None

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> MatchSettings:
        return cls.model_validate_json(text)


def probability(weight: float) -> float:
    """Match probability of a total match weight (log2 odds)."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def bounded_probability(p: float) -> float:
    return min(max(p, _PROBABILITY_FLOOR), 1 - _PROBABILITY_FLOOR)


def _clamp(weight: float) -> float:
    return max(-MAX_LEVEL_WEIGHT, min(MAX_LEVEL_WEIGHT, weight))


class PerSettings(Generic[T]):
    """What ``make`` works out from one settings object, worked out once per object.

    Settings are immutable, but a copy with other parameters is another object: results are
    kept per object, with the object itself, so its id cannot be reused while they are kept.
    API requests score and cluster in several threads at once, hence the lock.
    """

    def __init__(self, make: Callable[[MatchSettings], T], *, size: int = 64) -> None:
        self._make = make
        self._size = size
        self._kept: dict[int, tuple[MatchSettings, T]] = {}
        self._lock = threading.Lock()

    def __call__(self, settings: MatchSettings) -> T:
        with self._lock:
            kept = self._kept.get(id(settings))
        if kept is not None and kept[0] is settings:
            return kept[1]
        made = self._make(settings)
        with self._lock:
            if len(self._kept) >= self._size:
                self._kept.pop(next(iter(self._kept)))
            self._kept[id(settings)] = (settings, made)
        return made
