"""The default survivorship policy of each of the seven domains.

Governance defaults a hub starts from before a data-governance team writes its own:

* identifiers (NPI, GTIN, EIN...): a value that passed its check beats one that failed, then the
  value most records agree on, then the most recent (a typo in one system is outvoted);
* multi-valued attributes (credentials, licences, remit-to addresses): the union of all sources;
* a person's name parts survive together from one record, the name most records agree on, then
  the most recent, so a golden record never has one source's first name with another's surname;
* a cost center's code and legal entity survive together (a code means nothing in another
  entity);
* everything else (addresses, phones, free text): the most recent value.

The attribute names are the hub's domain catalogue, repeated here because this library does
not import the hub; a test keeps each policy free of problems against them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from survivorship.policy import AttributeGroup, AttributePolicy, SurvivorshipPolicy
from survivorship.rules import (
    MostFrequentRule,
    MostRecentRule,
    Rule,
    UnionRule,
    ValidFirstRule,
)

DEFAULT_DOMAINS: tuple[str, ...] = (
    "provider",
    "location",
    "cost_center",
    "supplier",
    "item",
    "payer",
    "employee",
)

# Per domain: attribute name -> whether it is multi-valued (the ``known`` of ``problems()``).
DOMAIN_ATTRIBUTES: Mapping[str, Mapping[str, bool]] = MappingProxyType(
    {
        "provider": {
            "npi": False,
            "first_name": False,
            "middle_name": False,
            "last_name": False,
            "name_suffix": False,
            "credentials": True,
            "taxonomy_codes": True,
            "specialty": False,
            "licenses": True,
            "dea_number": False,
            "phone": False,
            "email": False,
            "birth_date": False,
        },
        "location": {
            "name": False,
            "location_type": False,
            "address": False,
            "phone": False,
            "npi": False,
            "ccn": False,
            "gln": False,
            "parent_organization": False,
        },
        "cost_center": {
            "code": False,
            "name": False,
            "legal_entity": False,
            "department": False,
            "status": False,
        },
        "supplier": {
            "legal_name": False,
            "dba_name": False,
            "ein": False,
            "duns": False,
            "uei": False,
            "gln": False,
            "remit_to_addresses": True,
            "order_from_addresses": True,
            "phone": False,
            "email": False,
        },
        "item": {
            "description": False,
            "manufacturer": False,
            "manufacturer_part_number": False,
            "unit_of_measure": False,
            "packaging": False,
            "chargeable": False,
            "hcpcs": False,
            "gtin": False,
            "udi_di": False,
            "unspsc": False,
        },
        "payer": {
            "name": False,
            "payer_type": False,
            "address": False,
            "phone": False,
            "payer_id": False,
            "naic_code": False,
        },
        "employee": {
            "employee_number": False,
            "first_name": False,
            "middle_name": False,
            "last_name": False,
            "name_suffix": False,
            "birth_date": False,
            "job_title": False,
            "hire_date": False,
            "work_email": False,
            "home_address": False,
            "home_phone": False,
            "ssn": False,
        },
    }
)

_NAME_PARTS = ["first_name", "middle_name", "last_name", "name_suffix"]


def _identifier() -> AttributePolicy:
    return AttributePolicy(rules=[ValidFirstRule(), MostFrequentRule(), MostRecentRule()])


def _agreed_then_recent() -> AttributePolicy:
    return AttributePolicy(rules=[MostFrequentRule(), MostRecentRule()])


def _union() -> AttributePolicy:
    return AttributePolicy(rules=[UnionRule()])


def _recent() -> list[Rule]:
    return [MostRecentRule()]


def _person_name() -> AttributeGroup:
    return AttributeGroup(
        name="person_name",
        attributes=list(_NAME_PARTS),
        rules=[MostFrequentRule(), MostRecentRule()],
    )


def _policy(
    domain: str,
    description: str,
    attributes: dict[str, AttributePolicy],
    groups: list[AttributeGroup] | None = None,
) -> SurvivorshipPolicy:
    return SurvivorshipPolicy(
        domain=domain,
        version=f"{domain}-default-v1",
        description=description,
        default=_recent(),
        attributes=attributes,
        groups=groups or [],
    )


def _provider() -> SurvivorshipPolicy:
    return _policy(
        "provider",
        "Identifiers by validity and agreement; name parts from one record; credentials, "
        "taxonomies and licences united; the rest most recent.",
        {
            "npi": _identifier(),
            "dea_number": _identifier(),
            "birth_date": _agreed_then_recent(),
            "credentials": _union(),
            "taxonomy_codes": _union(),
            "licenses": _union(),
        },
        [_person_name()],
    )


def _location() -> SurvivorshipPolicy:
    return _policy(
        "location",
        "Identifiers by validity and agreement; the rest most recent.",
        {"npi": _identifier(), "ccn": _identifier(), "gln": _identifier()},
    )


def _cost_center() -> SurvivorshipPolicy:
    return _policy(
        "cost_center",
        "Code and legal entity from one record; the rest most recent.",
        {},
        [
            AttributeGroup(
                name="code_in_legal_entity",
                attributes=["code", "legal_entity"],
                rules=[MostFrequentRule(), MostRecentRule()],
            )
        ],
    )


def _supplier() -> SurvivorshipPolicy:
    return _policy(
        "supplier",
        "Tax and registry identifiers by validity and agreement; every remit-to and order-from "
        "address kept; the rest most recent.",
        {
            "ein": _identifier(),
            "duns": _identifier(),
            "uei": _identifier(),
            "gln": _identifier(),
            "remit_to_addresses": _union(),
            "order_from_addresses": _union(),
        },
    )


def _item() -> SurvivorshipPolicy:
    return _policy(
        "item",
        "Product identifiers and codes by validity and agreement; the rest most recent.",
        {
            "gtin": _identifier(),
            "udi_di": _identifier(),
            "manufacturer_part_number": _identifier(),
            "hcpcs": _identifier(),
            "unspsc": _identifier(),
        },
    )


def _payer() -> SurvivorshipPolicy:
    return _policy(
        "payer",
        "Payer ID and NAIC code by validity and agreement; the rest most recent.",
        {"payer_id": _identifier(), "naic_code": _identifier()},
    )


def _employee() -> SurvivorshipPolicy:
    return _policy(
        "employee",
        "Employee number and SSN by validity and agreement; name parts from one record; "
        "the rest most recent.",
        {
            "employee_number": _identifier(),
            "ssn": _identifier(),
            "birth_date": _agreed_then_recent(),
        },
        [_person_name()],
    )


_BUILDERS: Mapping[str, Callable[[], SurvivorshipPolicy]] = MappingProxyType(
    {
        "provider": _provider,
        "location": _location,
        "cost_center": _cost_center,
        "supplier": _supplier,
        "item": _item,
        "payer": _payer,
        "employee": _employee,
    }
)


def default_policy(domain: str) -> SurvivorshipPolicy:
    """The default policy of ``domain``; ``KeyError`` for a domain the hub does not have.

    >>> default_policy("provider").version
    'provider-default-v1'
    """
    try:
        builder = _BUILDERS[domain]
    except KeyError:
        raise KeyError(f"no default survivorship policy for domain {domain!r}") from None
    # A new policy each time: the models are frozen but their lists are not.
    return builder()
