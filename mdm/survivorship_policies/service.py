"""Survivorship policy versions: store, preview in shadow, activate.

A policy is a :class:`survivorship.SurvivorshipPolicy` stored as JSON under a unique version.
A stored version never changes. Preview reports which golden records' attributes a version
would change, without changing them; activation makes it the domain's policy and rebuilds
every golden record of the domain with it, each change a new golden version naming the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.errors import Conflict, FieldError, NotFound, ValidationFailed
from mdm.golden import service as golden
from mdm.match import service as match
from mdm.models import RuleSetStatus, SurvivorshipPolicyVersion
from mdm.models.base import utcnow
from mdm.survivorship_policies import repository
from mdm.survivorship_policies.active import policy_for
from survivorship import SurvivorshipPolicy


def list_versions(session: Session, domain: str | None) -> Sequence[SurvivorshipPolicyVersion]:
    if domain:
        get_domain(domain)
    return repository.listing(session, domain)


def get(session: Session, version: str) -> SurvivorshipPolicyVersion:
    row = repository.get(session, version)
    if row is None:
        raise NotFound(
            f"survivorship policy {version!r} does not exist", code="unknown_survivorship_policy"
        )
    return row


def active(session: Session, domain: str) -> SurvivorshipPolicy:
    get_domain(domain)
    return policy_for(session, domain)


def create(
    session: Session, *, policy: SurvivorshipPolicy, actor: str, note: str = ""
) -> SurvivorshipPolicyVersion:
    """Store a draft, after checking it against the domain's attributes."""
    spec = get_domain(policy.domain)
    problems = policy.problems({a.name: a.multi for a in spec.attributes})
    if problems:
        raise ValidationFailed(
            f"the survivorship policy does not fit the {policy.domain} domain",
            [FieldError(f"policy.{path}", reason, "invalid") for path, reason in problems],
        )
    if repository.get(session, policy.version) is not None:
        raise Conflict(
            f"survivorship policy version {policy.version!r} already exists; versions are "
            "immutable",
            code="survivorship_policy_exists",
        )
    row = SurvivorshipPolicyVersion(
        domain=policy.domain,
        version=policy.version,
        status=RuleSetStatus.DRAFT,
        policy=policy.model_dump(mode="json"),
        note=note[:500],
        created_by=actor,
        created_at=utcnow(),
    )
    repository.add(session, row)
    audit.record(
        session,
        actor=actor,
        action="survivorship.policy_created",
        entity_type="survivorship_policy",
        entity_id=policy.version,
        detail={"domain": policy.domain, "note": note},
    )
    return row


def preview(
    session: Session, *, version: str
) -> tuple[SurvivorshipPolicyVersion, golden.PolicyPreview]:
    row = get(session, version)
    policy = SurvivorshipPolicy.model_validate(row.policy)
    return row, golden.preview_policy(session, domain=row.domain, policy=policy)


@dataclass(frozen=True, slots=True)
class Activation:
    domain: str
    version: str
    previous: str
    golden_records_changed: int


def activate(session: Session, *, version: str, actor: str) -> Activation:
    row = get(session, version)
    # Two activations in one domain at once would each retire the other's before it commits.
    repository.lock_domain(session, row.domain)
    previous = policy_for(session, row.domain).version
    repository.retire_active(session, row.domain)
    row.status = RuleSetStatus.ACTIVE
    row.activated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="survivorship.policy_activated",
        entity_type="survivorship_policy",
        entity_id=version,
        detail={"domain": row.domain, "previous": previous},
    )
    changed = golden.reresolve_domain(
        session,
        domain=row.domain,
        actor=actor,
        reason=f"survivorship policy {version} activated",
        match_version=match.active_settings(session, row.domain).version,
    )
    return Activation(row.domain, version, previous, changed)
