"""The canonical model: the seven domains and how their records are standardised."""

from mdm.domains.catalog import DOMAINS
from mdm.domains.spec import AttributeSpec, DomainSpec, Kind, ReferenceSpec

__all__ = ["DOMAINS", "AttributeSpec", "DomainSpec", "Kind", "ReferenceSpec", "get_domain"]


def get_domain(name: str) -> DomainSpec:
    """The domain called ``name``; raises :class:`mdm.errors.NotFound` naming the known ones."""
    from mdm.errors import NotFound

    try:
        return DOMAINS[name]
    except KeyError:
        known = ", ".join(DOMAINS)
        raise NotFound(
            f"unknown domain {name!r}; known domains: {known}", code="unknown_domain"
        ) from None
