"""Blocking: which pairs are worth comparing. Several rules, unioned.

A rule's key joins one value of each of its features; a record gets every combination, so a
record with two formal forms of its first name ("BILL" → BILL, WILLIAM) sits in both blocks.
The same keys serve the hub's blocking index (one record against the database) and a whole
file in memory, so both modes see the same candidate pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from itertools import combinations, product

from matching.features import MatchRecord
from matching.settings import MatchSettings

# A block this large is a common value (a shared phone, "SMITH J"), not evidence: its pairs are
# left to the other rules rather than compared all against all.
DEFAULT_MAX_BLOCK = 200


# A record's blocking keys as (rule name, joined values): a rule's name may hold any character.
RuleKeys = frozenset[tuple[str, str]]


def blocking_keys(settings: MatchSettings, record: MatchRecord) -> frozenset[str]:
    return key_texts(rule_keys(settings, record))


def rule_keys(settings: MatchSettings, record: MatchRecord) -> RuleKeys:
    """A record's blocking keys by rule, for :func:`candidate_pairs` and :func:`key_texts`."""
    return frozenset(_rule_keys(settings, record))


def key_texts(keys: RuleKeys) -> frozenset[str]:
    """Blocking keys as the text the hub's blocking index hashes (``rule:values``)."""
    return frozenset(f"{rule}:{values}" for rule, values in keys)


def _rule_keys(settings: MatchSettings, record: MatchRecord) -> Iterator[tuple[str, str]]:
    """(rule name, joined values) of every blocking key of a record."""
    for rule in settings.blocking:
        values = [record.values(feature) for feature in rule.features]
        if any(not v for v in values):
            continue
        for combo in product(*values):
            yield rule.name, "|".join(combo)


def candidate_pairs(
    settings: MatchSettings,
    records: Iterable[MatchRecord],
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
    keys: Mapping[str, RuleKeys] | None = None,
) -> Iterator[tuple[str, str]]:
    """Every pair of record keys sharing a blocking key, each once, ``(smaller, larger)``.

    ``keys``: the records' :func:`rule_keys` by record key, when the caller made them already.
    """
    seen: set[tuple[str, str]] = set()
    for members in _blocks(settings, records, keys).values():
        if len(members) > max_block:
            continue
        for a, b in combinations(sorted(members), 2):
            if (a, b) not in seen:
                seen.add((a, b))
                yield a, b


def candidate_pairs_by_rule(
    settings: MatchSettings,
    records: Iterable[MatchRecord],
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
) -> dict[str, set[tuple[str, str]]]:
    """Per blocking rule, the pairs that rule blocks (training looks at one rule at a time).

    One pass over the records' keys for all rules, not one per rule."""
    by_rule: dict[str, set[tuple[str, str]]] = {rule.name: set() for rule in settings.blocking}
    for (rule, _), members in _blocks(settings, records).items():
        if len(members) <= max_block:
            by_rule[rule].update(combinations(sorted(members), 2))
    return by_rule


def _blocks(
    settings: MatchSettings,
    records: Iterable[MatchRecord],
    keys: Mapping[str, RuleKeys] | None = None,
) -> dict[tuple[str, str], set[str]]:
    """The members of every block, by (rule name, key): a rule's name may hold any character."""
    blocks: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        known = keys.get(record.key) if keys is not None else None
        for key in known if known is not None else set(_rule_keys(settings, record)):
            blocks[key].add(record.key)
    return blocks
