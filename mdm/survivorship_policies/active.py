"""The survivorship policy in force for a domain: the active stored version, else the default.

Kept apart from :mod:`mdm.survivorship_policies.service` because golden records read it on
every rebuild, and the service (which re-resolves golden records on activation) reads golden
records: this module depends on nothing but the repository.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mdm.survivorship_policies import repository
from survivorship import SurvivorshipPolicy, default_policy

_cache: dict[str, SurvivorshipPolicy] = {}


def policy_for(session: Session, domain: str) -> SurvivorshipPolicy:
    row = repository.active(session, domain)
    if row is None:
        return default_policy(domain)
    # Versions are immutable once stored, so a parsed policy can be reused across requests.
    cached = _cache.get(row.version)
    if cached is None:
        cached = SurvivorshipPolicy.model_validate(row.policy)
        _cache[row.version] = cached
    return cached
