"""Rule-set versions: store, train, preview in shadow, activate.

A rule set is a :class:`matching.settings.MatchSettings` stored as JSON under a unique version.
Drafts do nothing until activated; activation re-matches the whole domain with the new settings.
Preview runs a draft over the hub's records without changing anything and reports which golden
records would merge or split.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from matching.clustering import Verdict, verdict
from matching.features import unknown_transforms
from matching.linking import link
from matching.settings import MatchSettings
from matching.training import LabelledPair, train
from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.errors import Conflict, FieldError, NotFound, ValidationFailed
from mdm.match import repository
from mdm.match import service as matcher
from mdm.models import LinkKind, MatchRuleSet, RuleSetStatus
from mdm.models.base import utcnow


def list_versions(session: Session, domain: str | None) -> Sequence[MatchRuleSet]:
    if domain:
        get_domain(domain)
    return repository.rule_sets(session, domain)


def get(session: Session, version: str) -> MatchRuleSet:
    row = repository.rule_set(session, version)
    if row is None:
        raise NotFound(f"rule set {version!r} does not exist", code="unknown_rule_set")
    return row


def create(
    session: Session, *, settings: MatchSettings, actor: str, note: str = ""
) -> MatchRuleSet:
    """Store a draft. Versions are immutable: a version already stored is a conflict."""
    get_domain(settings.domain)
    unknown = unknown_transforms(settings.features)
    if unknown:
        raise ValidationFailed(
            "match settings name unknown feature transforms",
            fields=[
                FieldError("features.transform", f"unknown transform {t!r}", "unknown")
                for t in unknown
            ],
        )
    if repository.rule_set(session, settings.version) is not None:
        raise Conflict(
            f"rule set version {settings.version!r} already exists; versions are immutable",
            code="rule_set_exists",
        )
    row = MatchRuleSet(
        domain=settings.domain,
        version=settings.version,
        status=RuleSetStatus.DRAFT,
        settings=settings.model_dump(mode="json"),
        note=note[:500],
        created_by=actor,
        created_at=utcnow(),
    )
    repository.add_rule_set(session, row)
    audit.record(
        session,
        actor=actor,
        action="match.rule_set_created",
        entity_type="match_rule_set",
        entity_id=settings.version,
        detail={"domain": settings.domain, "note": note},
    )
    return row


def activate(session: Session, *, version: str, actor: str) -> matcher.DomainRematch:
    """Make a rule set the domain's active one and re-match the domain with it."""
    row = get(session, version)
    repository.retire_active_rule_sets(session, row.domain)
    row.status = RuleSetStatus.ACTIVE
    row.activated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="match.rule_set_activated",
        entity_type="match_rule_set",
        entity_id=version,
        detail={"domain": row.domain},
    )
    return matcher.rematch_domain(
        session, domain=row.domain, actor=actor, trigger=f"rule set {version} activated"
    )


def rematch(session: Session, *, domain: str, actor: str) -> matcher.DomainRematch:
    """Re-match a whole domain with the settings in force (its active rule set, or the shipped
    default), rebuilding its blocking index: after an upgrade changed the shipped default, the
    index of records already stored was built with the old one."""
    get_domain(domain)
    version = matcher.settings_for(session, domain).version
    audit.record(
        session,
        actor=actor,
        action="match.domain_rematched",
        entity_type="domain",
        entity_id=domain,
        detail={"version": version},
    )
    return matcher.rematch_domain(
        session, domain=domain, actor=actor, trigger=f"domain re-matched with {version}"
    )


def train_version(
    session: Session,
    *,
    domain: str,
    actor: str,
    version: str | None = None,
    seed: int = 0,
    random_pairs: int = 20_000,
) -> MatchRuleSet:
    """Estimate m, u, prior and term frequencies from the hub's records; store a draft.

    Stewards' decisions (must-link and cannot-link pairs) enter as labelled pairs.
    """
    get_domain(domain)
    current = matcher.settings_for(session, domain)
    records = repository.matchable_records_of_domain(session, domain)
    inputs = {r.id: matcher.to_match_record(current, r) for r in records}
    labelled = [
        LabelledPair(
            inputs[link_row.record_a_id],
            inputs[link_row.record_b_id],
            link_row.kind is LinkKind.MUST_LINK,
        )
        for link_row in repository.steward_links_of_domain(session, domain)
        if link_row.record_a_id in inputs and link_row.record_b_id in inputs
    ]
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    trained = train(
        current,
        list(inputs.values()),
        version=version or f"{domain}-trained-{stamp}",
        labelled=labelled,
        seed=seed,
        random_pairs=random_pairs,
    )
    return create(
        session,
        settings=trained,
        actor=actor,
        note=f"trained from {len(inputs)} records and {len(labelled)} steward decisions",
    )


@dataclass(slots=True)
class Preview:
    domain: str
    version: str
    active_version: str
    records: int
    compared_pairs: int
    golden_records_now: int
    clusters_after: int
    # Each: the golden IDs that would become one.
    merges: list[list[str]] = field(default_factory=list)
    # Each: a golden ID and the groups of its source record IDs it would split into.
    splits: list[tuple[str, list[list[int]]]] = field(default_factory=list)
    review_pairs: int = 0
    candidates: int = 0


def preview(session: Session, *, domain: str, version: str | None = None) -> Preview:
    """Run a rule set in shadow over the domain and report the merges and splits it would make."""
    get_domain(domain)
    settings = (
        MatchSettings.model_validate(get(session, version).settings)
        if version
        else matcher.settings_for(session, domain)
    )
    if settings.domain != domain:
        raise ValidationFailed(
            f"rule set {settings.version!r} is for {settings.domain}, not {domain}",
            fields=[FieldError("version", "belongs to another domain", "domain_mismatch")],
        )
    records = list(repository.matchable_records_of_domain(session, domain))
    by_key = {matcher.record_key(r): r for r in records}
    key_of_id = {r.id: matcher.record_key(r) for r in records}
    constraints = matcher.steward_constraints(session, records, key_of_id)
    result = link(settings, [matcher.to_match_record(settings, r) for r in records], constraints)
    report = Preview(
        domain=domain,
        version=settings.version,
        active_version=matcher.settings_for(session, domain).version,
        records=len(records),
        compared_pairs=result.compared_pairs,
        golden_records_now=len({r.golden_id for r in records}),
        clusters_after=len(result.clustering.clusters),
        review_pairs=sum(
            1 for s in result.scores.values() if verdict(settings, s) is Verdict.REVIEW
        ),
        candidates=len(result.clustering.candidates),
    )
    parts: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for index, members in enumerate(result.clustering.clusters):
        goldens = sorted({by_key[k].golden_id for k in members})
        if len(goldens) > 1:
            report.merges.append(goldens)
        for k in members:
            parts[by_key[k].golden_id].setdefault(index, []).append(by_key[k].id)
    for golden_id, groups in sorted(parts.items()):
        if len(groups) > 1:
            report.splits.append((golden_id, sorted(sorted(g) for g in groups.values())))
    return report
