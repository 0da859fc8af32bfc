"""Survivorship: build golden attributes from source values, with lineage for every attribute.

A pure library: it takes plain dataclasses and a declarative policy (pydantic, JSON round trip)
and returns plain dataclasses, with no database, web or settings imports.
"""

from survivorship.defaults import DEFAULT_DOMAINS, default_policy
from survivorship.model import (
    AttributeLineage,
    Contribution,
    Contributor,
    Pin,
    Resolution,
)
from survivorship.policy import AttributeGroup, AttributePolicy, SurvivorshipPolicy
from survivorship.resolution import resolve, resolve_most_recent
from survivorship.rules import (
    RULE_KINDS,
    LongestRule,
    MostCompleteRule,
    MostFrequentRule,
    MostRecentRule,
    Rule,
    SourcePriorityRule,
    TrustRule,
    UnionRule,
    ValidFirstRule,
)

__all__ = [
    "DEFAULT_DOMAINS",
    "RULE_KINDS",
    "AttributeGroup",
    "AttributeLineage",
    "AttributePolicy",
    "Contribution",
    "Contributor",
    "LongestRule",
    "MostCompleteRule",
    "MostFrequentRule",
    "MostRecentRule",
    "Pin",
    "Resolution",
    "Rule",
    "SourcePriorityRule",
    "SurvivorshipPolicy",
    "TrustRule",
    "UnionRule",
    "ValidFirstRule",
    "default_policy",
    "resolve",
    "resolve_most_recent",
]
