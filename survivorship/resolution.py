"""Resolution: a golden record's attributes from the records that contribute to it.

For each attribute (or group of attributes) the candidates are the records holding a non-empty
value. If they all hold the same value, it survives (``only_source`` / ``agreed``). Otherwise the
policy's rules narrow the candidates in order until one value is left, and the rule that got
there is recorded in the lineage. If the rules run out first, the most recently received record
wins, then the smallest ``(source_system, source_key)``: never the record ID, which depends on
the order records arrived in, so the same records always give the same golden record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from survivorship.model import (
    AGREED,
    ONLY_SOURCE,
    STEWARD_PIN,
    TIE_BREAK,
    AttributeLineage,
    Contribution,
    Contributor,
    Pin,
    Resolution,
)
from survivorship.policy import SurvivorshipPolicy
from survivorship.rules import Candidate, MostRecentRule, Rule, RuleContext, UnionRule
from survivorship.values import canonical, is_empty


def resolve(
    policy: SurvivorshipPolicy,
    contributions: Iterable[Contribution],
    pins: Mapping[str, Pin] | None = None,
) -> Resolution:
    """The golden attributes ``policy`` chooses from ``contributions``, with lineage.

    A pinned attribute takes the steward's value whatever the sources say; pinning an empty
    value (``None``, ``""``) leaves the attribute empty. A pin on one attribute of a group pins
    that attribute only: the group's other attributes still come from the winning record.

    >>> from datetime import UTC, datetime
    >>> policy = SurvivorshipPolicy.model_validate(
    ...     {"domain": "supplier", "version": "v1", "default": [{"kind": "most_recent"}]}
    ... )
    >>> a = Contribution(1, "lawson_erp", "V1", datetime(2026, 1, 1, tzinfo=UTC), {"phone": "1"})
    >>> b = Contribution(2, "infor_supply", "S9", datetime(2026, 2, 1, tzinfo=UTC), {"phone": "2"})
    >>> result = resolve(policy, [a, b])
    >>> result.attributes, result.lineage["phone"].source_system, result.lineage["phone"].rule
    ({'phone': '2'}, 'infor_supply', 'most_recent')
    """
    given = tuple(contributions)
    attributes: dict[str, Any] = {}
    lineage: dict[str, AttributeLineage] = {}
    if given:
        context = RuleContext(reference_time=max(c.observed_at for c in given))
        grouped: set[str] = set()
        for group in policy.groups:
            # An attribute listed in two groups (a problem the policy reports) goes to the first.
            members = [a for a in group.attributes if a not in grouped]
            grouped.update(members)
            _resolve_group(members, group.rules, given, context, attributes, lineage)
        names = {n for c in given for n, v in c.attributes.items() if not is_empty(v)} - grouped
        for name in sorted(names):
            _resolve_attribute(name, policy.chain_for(name), given, context, attributes, lineage)
    for name, pin in (pins or {}).items():
        if pin.attribute != name:
            raise ValueError(f"pin for {pin.attribute!r} is given as the pin of {name!r}")
        if is_empty(pin.value):
            attributes.pop(name, None)
            lineage.pop(name, None)
            continue
        attributes[name] = pin.value
        lineage[name] = AttributeLineage(
            record_id=None,
            source_system=None,
            source_key=None,
            rule=STEWARD_PIN,
            observed_at=pin.pinned_at,
            pinned_by=pin.actor,
            pin_reason=pin.reason,
        )
    return Resolution(
        attributes=dict(sorted(attributes.items())),
        lineage=dict(sorted(lineage.items())),
        policy_version=policy.version,
    )


_MOST_RECENT = SurvivorshipPolicy(
    domain="any",
    version="most-recent-v1",
    description="Every attribute takes the most recently received non-empty value.",
    default=[MostRecentRule()],
)


def resolve_most_recent(contributions: Iterable[Contribution]) -> Resolution:
    """Each attribute takes the most recently observed non-empty value.

    The policy the hub used before survivorship policies; kept until the hub switches. Ties on
    time go to the smallest ``(source_system, source_key)``.

    >>> from datetime import UTC, datetime
    >>> a = Contribution(1, "erp", "V1", datetime(2026, 1, 1, tzinfo=UTC), {"name": "ACME"})
    >>> b = Contribution(2, "supply", "S9", datetime(2026, 2, 1, tzinfo=UTC), {"name": "Acme Inc"})
    >>> resolve_most_recent([a, b]).attributes
    {'name': 'Acme Inc'}
    """
    return resolve(_MOST_RECENT, contributions)


def _resolve_attribute(
    name: str,
    rules: Sequence[Rule],
    given: Sequence[Contribution],
    context: RuleContext,
    attributes: dict[str, Any],
    lineage: dict[str, AttributeLineage],
) -> None:
    held = [(c, value) for c in given if not is_empty(value := c.attributes.get(name))]
    if not held:
        return
    union = next((rule for rule in rules if isinstance(rule, UnionRule)), None)
    if union is not None:
        candidates = [
            Candidate(c, value, canonical(value), invalid=name in c.invalid) for c, value in held
        ]
        items = union.combine(candidates)
        if items:
            attributes[name] = items
            lineage[name] = _union_lineage(candidates)
        return
    contribution, value, rule = _choose(rules, held, context, lambda c, _: name in c.invalid)
    attributes[name] = value
    lineage[name] = _lineage(contribution, rule)


def _resolve_group(
    members: Sequence[str],
    rules: Sequence[Rule],
    given: Sequence[Contribution],
    context: RuleContext,
    attributes: dict[str, Any],
    lineage: dict[str, AttributeLineage],
) -> None:
    held: list[tuple[Contribution, dict[str, Any]]] = []
    for contribution in given:
        value = {
            name: contribution.attributes[name]
            for name in members
            if not is_empty(contribution.attributes.get(name))
        }
        if value:
            held.append((contribution, value))
    if not held:
        return
    contribution, value, rule = _choose(
        rules, held, context, lambda c, v: any(name in c.invalid for name in v)
    )
    # The winner supplies every attribute of the group; one it lacks stays empty rather than
    # being filled from another record.
    for name, item in value.items():
        attributes[name] = item
        lineage[name] = _lineage(contribution, rule)


def _choose(
    rules: Sequence[Rule],
    held: Sequence[tuple[Contribution, Any]],
    context: RuleContext,
    invalid: Callable[[Contribution, Any], bool],
) -> tuple[Contribution, Any, str]:
    """The winning (record, value) among the records holding a value, and the lineage rule.

    A value one record holds wins as :func:`_decide` would make it win, without its canonical
    text being built (never compared; a golden record of one record resolves every attribute
    this way)."""
    if len(held) == 1:
        return held[0][0], held[0][1], ONLY_SOURCE
    candidates = [Candidate(c, v, canonical(v), invalid=invalid(c, v)) for c, v in held]
    winner, rule = _decide(rules, candidates, context)
    return winner.contribution, winner.value, rule


def _decide(
    rules: Sequence[Rule], candidates: Sequence[Candidate], context: RuleContext
) -> tuple[Candidate, str]:
    """The winning candidate and the lineage rule name that chose it."""
    if _one_value(candidates):
        return _preferred(candidates), ONLY_SOURCE if len(candidates) == 1 else AGREED
    remaining = list(candidates)
    for rule in rules:
        remaining = rule.select(remaining, context) or remaining
        if _one_value(remaining):
            return _preferred(remaining), rule.kind
    tie_break = f"{rules[-1].kind}+{TIE_BREAK}" if rules else TIE_BREAK
    return _preferred(remaining), tie_break


def _one_value(candidates: Sequence[Candidate]) -> bool:
    return len({c.key for c in candidates}) == 1


def _preferred(candidates: Sequence[Candidate]) -> Candidate:
    """The most recently received candidate, then the smallest (source_system, source_key).

    Record IDs are never compared: they follow arrival order. The record's whole content is
    the last resort, for two records claiming the same source key.
    """
    if len(candidates) == 1:
        return candidates[0]  # the usual case: no key to build (it writes the record as JSON)
    newest = max(c.contribution.observed_at for c in candidates)
    latest = [c for c in candidates if c.contribution.observed_at == newest]
    if len(latest) == 1:
        return latest[0]

    def named(c: Candidate) -> tuple[str, str, str]:
        return (c.contribution.source_system, c.contribution.source_key, c.key)

    first = min(map(named, latest))
    tied = [c for c in latest if named(c) == first]
    if len(tied) == 1:
        return tied[0]  # the usual case: the record as JSON is only built for a tie
    return min(tied, key=lambda c: canonical(dict(c.contribution.attributes)))


def _lineage(contribution: Contribution, rule: str) -> AttributeLineage:
    return AttributeLineage(
        record_id=contribution.record_id,
        source_system=contribution.source_system,
        source_key=contribution.source_key,
        rule=rule,
        observed_at=contribution.observed_at,
    )


def _union_lineage(candidates: Sequence[Candidate]) -> AttributeLineage:
    ordered = sorted(
        (c.contribution for c in candidates),
        key=lambda c: (c.source_system, c.source_key, canonical(dict(c.attributes))),
    )
    first = ordered[0]
    return AttributeLineage(
        record_id=first.record_id,
        source_system=first.source_system,
        source_key=first.source_key,
        rule=UnionRule().kind,
        observed_at=first.observed_at,
        contributors=tuple(
            Contributor(c.record_id, c.source_system, c.source_key) for c in ordered
        ),
    )
