"""Survivorship policies: per domain, which rules choose each golden attribute.

A :class:`SurvivorshipPolicy` is plain data that round-trips to JSON, so a governance team can
read, diff and version it, and every golden version can name the policy version that built it:

* ``attributes``: per attribute, a chain of rules tried in order until one value is left;
* ``groups``: attributes that survive together from one record (a person's name parts, a cost
  center's code with its legal entity), so the golden record never mixes sources within them;
* ``default``: the chain for every attribute not named in ``attributes`` or ``groups``.

Pydantic rejects what is malformed (an unknown rule kind, a trust outside 0..1);
:meth:`SurvivorshipPolicy.problems` reports what is well-formed but wrong for the domain (an
attribute the domain does not have, a union on a single-valued attribute).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from survivorship.rules import Rule, SourcePriorityRule, UnionRule


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AttributePolicy(_Model):
    """The rule chain for one attribute.

    >>> chain = [{"kind": "source_priority", "sources": ["nppes_feed"]}, {"kind": "most_recent"}]
    >>> AttributePolicy.model_validate({"rules": chain}).rules[1].kind
    'most_recent'
    """

    rules: list[Rule]


class AttributeGroup(_Model):
    """Attributes that survive together: one record, chosen by ``rules``, supplies all of them.

    A record is a candidate when it has any of the attributes; the winner's value of each
    attribute is taken, and an attribute the winner lacks stays empty rather than being filled
    from another record ("Frankenstein" names such as one source's first name with another's
    surname are exactly what a group prevents).
    """

    name: str = Field(min_length=1)
    attributes: list[str] = Field(min_length=2)
    rules: list[Rule]


class SurvivorshipPolicy(_Model):
    """A domain's survivorship policy.

    >>> policy = SurvivorshipPolicy.model_validate(
    ...     {"domain": "payer", "version": "payer-v1", "default": [{"kind": "most_recent"}]}
    ... )
    >>> SurvivorshipPolicy.model_validate(policy.model_dump(mode="json")) == policy
    True
    """

    domain: str = Field(min_length=1)
    # Golden versions record "<match rule set>+<this>"; kept short enough to store.
    version: str = Field(min_length=1, max_length=100)
    description: str = ""
    default: list[Rule]
    attributes: dict[str, AttributePolicy] = Field(default_factory=dict)
    groups: list[AttributeGroup] = Field(default_factory=list)

    def group_of(self, attribute: str) -> AttributeGroup | None:
        """The first group listing ``attribute``, if any."""
        for group in self.groups:
            if attribute in group.attributes:
                return group
        return None

    def chain_for(self, attribute: str) -> list[Rule]:
        """The rules that choose an attribute outside any group."""
        listed = self.attributes.get(attribute)
        return self.default if listed is None else listed.rules

    def problems(self, known: Mapping[str, bool]) -> list[tuple[str, str]]:
        """What is wrong with this policy for a domain whose attributes are ``known``.

        ``known`` maps each attribute name to whether it is multi-valued. Each problem is a
        ``(field path, reason)`` pair, such as ``("attributes.fax", "unknown attribute 'fax'")``;
        an empty list means the policy can be activated.
        """
        found: list[tuple[str, str]] = []
        found += _chain_problems("default", self.default, known, attribute=None)
        grouped: dict[str, str] = {}
        group_names: set[str] = set()
        for i, group in enumerate(self.groups):
            path = f"groups[{i}]"
            if group.name in group_names:
                found.append((f"{path}.name", f"group name {group.name!r} is used twice"))
            group_names.add(group.name)
            for j, attribute in enumerate(group.attributes):
                where = f"{path}.attributes[{j}]"
                if attribute not in known:
                    found.append((where, f"unknown attribute {attribute!r}"))
                if attribute in grouped:
                    found.append(
                        (where, f"{attribute!r} is already in group {grouped[attribute]!r}")
                    )
                else:
                    grouped[attribute] = group.name
            found += _chain_problems(f"{path}.rules", group.rules, known, attribute=None)
            for k, rule in enumerate(group.rules):
                if isinstance(rule, UnionRule):
                    found.append(
                        (f"{path}.rules[{k}]", "union cannot choose the record for a group")
                    )
        for attribute, policy in self.attributes.items():
            path = f"attributes.{attribute}"
            if attribute not in known:
                found.append((path, f"unknown attribute {attribute!r}"))
            if attribute in grouped:
                found.append((path, f"{attribute!r} is also in group {grouped[attribute]!r}"))
            found += _chain_problems(f"{path}.rules", policy.rules, known, attribute=attribute)
        # The default chain decides every attribute not named elsewhere: a union there must
        # not reach a single-valued one.
        if any(isinstance(rule, UnionRule) for rule in self.default):
            unnamed = sorted(
                name
                for name, multi in known.items()
                if not multi and name not in self.attributes and name not in grouped
            )
            if unnamed:
                found.append(
                    (
                        "default",
                        "union in the default chain would decide single-valued attributes: "
                        + ", ".join(unnamed),
                    )
                )
        return found

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> SurvivorshipPolicy:
        return cls.model_validate_json(text)


def _chain_problems(
    path: str, rules: Sequence[Rule], known: Mapping[str, bool], *, attribute: str | None
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if not rules:
        found.append((path, "empty rule chain"))
    for k, rule in enumerate(rules):
        where = f"{path}[{k}]"
        if isinstance(rule, UnionRule):
            if len(rules) > 1:
                found.append((where, "union must be the only rule in its chain"))
            if attribute is not None and attribute in known and not known[attribute]:
                found.append(
                    (where, f"union needs a multi-valued attribute; {attribute!r} holds one value")
                )
        if isinstance(rule, SourcePriorityRule) and len(set(rule.sources)) != len(rule.sources):
            found.append((f"{where}.sources", "a source is listed twice"))
    return found
