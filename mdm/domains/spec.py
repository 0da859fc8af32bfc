"""How a domain is declared: its attributes, identifiers, references and identity rule."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    """What an attribute holds, which decides how it is standardised and validated."""

    TEXT = "text"
    NAME_PART = "name_part"
    CREDENTIAL = "credential"
    SUFFIX = "suffix"
    DATE = "date"
    BOOL = "bool"
    ENUM = "enum"
    IDENTIFIER = "identifier"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    LICENSE = "license"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One attribute of a domain.

    ``scheme`` names the identifier check (``npi``, ``gtin``...) for identifiers and coded values.
    A ``strong`` identifier that is valid and equal on two records identifies the same thing.
    ``sensitive`` values are masked in every API response and in the audit log.
    """

    name: str
    kind: Kind
    description: str
    scheme: str | None = None
    multi: bool = False
    sensitive: bool = False
    required: bool = False
    strong: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 500


@dataclass(frozen=True, slots=True)
class ReferenceSpec:
    """A pointer from a record of this domain to a record of ``target``, by a source's own key."""

    name: str
    target: str
    description: str
    multi: bool = False


@dataclass(frozen=True, slots=True)
class DomainSpec:
    """A golden-record type.

    ``identity`` lists attribute combinations that identify a thing across systems when all of
    them are present and valid (``(("npi",),)`` for providers, ``(("legal_entity", "code"),)``
    for cost centers). ``person_name`` domains also accept a whole ``name`` string, parsed into
    parts ("LAST, FIRST M", "First M. Last, MD").
    """

    name: str
    label: str
    id_prefix: str
    description: str
    attributes: tuple[AttributeSpec, ...]
    references: tuple[ReferenceSpec, ...] = ()
    identity: tuple[tuple[str, ...], ...] = ()
    person_name: bool = False
    _by_name: dict[str, AttributeSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({a.name: a for a in self.attributes})

    def attribute(self, name: str) -> AttributeSpec | None:
        return self._by_name.get(name)

    def reference(self, name: str) -> ReferenceSpec | None:
        return next((r for r in self.references if r.name == name), None)

    @property
    def sensitive_attributes(self) -> frozenset[str]:
        return frozenset(a.name for a in self.attributes if a.sensitive)
