"""Pin and unpin golden attribute values.

A pinned value is standardised and validated as ingestion would standardise it, so a pin
cannot put a malformed phone or an NPI failing its check digit into a golden record. Pinning
and unpinning each write a golden version (the lineage names the steward) and an audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.domains.masking import mask_value
from mdm.domains.standardise import standardise_attribute
from mdm.errors import FieldError, NotFound, ValidationFailed
from mdm.golden import service as golden
from mdm.match import service as match
from mdm.models import GoldenPin, GoldenRecord, GoldenStatus
from mdm.models.base import utcnow
from mdm.pins import repository


def _target(session: Session, domain: str, golden_id: str) -> GoldenRecord:
    record = golden.resolve_for_update(session, golden_id)
    if record.domain != domain:
        raise NotFound(
            f"golden record {golden_id!r} is a {record.domain}, not a {domain}",
            code="unknown_golden_record",
        )
    return record


def pin(
    session: Session,
    *,
    domain: str,
    golden_id: str,
    attribute: str,
    value: Any,
    reason: str,
    actor: str,
) -> tuple[GoldenRecord, GoldenPin]:
    spec = get_domain(domain)
    record = _target(session, domain, golden_id)
    spec_attr = spec.attribute(attribute)
    if spec_attr is None:
        raise NotFound(f"{domain} has no attribute {attribute!r}", code="unknown_attribute")
    errors = []
    if not reason.strip():
        errors.append(FieldError("reason", "a pin needs a reason", "required"))
    if value is None or value == "" or value == []:
        errors.append(FieldError("value", "a pinned value must not be empty", "required"))
    standardised = standardise_attribute(spec, attribute, value)
    errors += [FieldError(_value_path(e.field), e.reason, e.code) for e in standardised.errors]
    # Unlike a source's value, a steward's is never kept when it fails its check: a pin beats
    # every source, so it must be right.
    errors += [
        FieldError(_value_path(i.field), i.reason, i.code)
        for i in standardised.issues
        if i.code.startswith("invalid_")
    ]
    if not errors and attribute not in standardised.attributes:
        errors.append(FieldError("value", "a pinned value must not be empty", "required"))
    if errors:
        raise ValidationFailed(f"cannot pin {attribute}", errors)
    if record.status is GoldenStatus.MERGED:
        raise AssertionError("resolve() returned a merged golden record")
    pinned_value = standardised.attributes[attribute]
    existing = repository.pin(session, record.id, attribute)
    previous = existing.value if existing is not None else None
    if existing is not None:
        existing.value = pinned_value
        existing.actor = actor
        existing.reason = reason[:500]
        existing.carried_by_merge_id = None
        existing.origin_golden_id = None
        existing.created_at = utcnow()
        row = existing
    else:
        row = GoldenPin(
            golden_id=record.id,
            attribute=attribute,
            value=pinned_value,
            actor=actor,
            reason=reason[:500],
            created_at=utcnow(),
        )
        repository.add(session, row)
    # The steward's own pin now takes precedence over any carried for the attribute.
    golden.carry_pins(session, roots={record.id})
    shown = mask_value(spec_attr.scheme, pinned_value) if spec_attr.sensitive else pinned_value
    audit.record(
        session,
        actor=actor,
        action="steward.pin",
        entity_type="golden_record",
        entity_id=record.id,
        detail={
            "attribute": attribute,
            "value": shown,
            "replaced": previous is not None,
            "reason": reason,
        },
    )
    golden.refresh(
        session,
        golden_id=record.id,
        reason="attribute pinned",
        actor=actor,
        detail=f"{attribute} pinned: {reason}",
        match_version=match.active_settings(session, domain).version,
    )
    return record, row


def unpin(
    session: Session, *, domain: str, golden_id: str, attribute: str, reason: str, actor: str
) -> GoldenRecord:
    get_domain(domain)
    record = _target(session, domain, golden_id)
    if not reason.strip():
        raise ValidationFailed(
            "an unpin needs a reason", [FieldError("reason", "must not be empty", "required")]
        )
    existing = repository.pin(session, record.id, attribute)
    if existing is None:
        raise NotFound(f"{record.id} has no pinned {attribute!r}", code="unknown_pin")
    # "The sources decide again": the attribute is unpinned in the whole merge tree, on the
    # golden records this one absorbed too, or their pins would be carried back to it.
    removed = repository.delete_attribute_pins(
        session, golden.merge_tree_ids(session, record.id), attribute
    )
    golden.carry_pins(session, roots={record.id})
    audit.record(
        session,
        actor=actor,
        action="steward.unpin",
        entity_type="golden_record",
        entity_id=record.id,
        detail={"attribute": attribute, "reason": reason, "pins_removed": removed},
    )
    golden.refresh(
        session,
        golden_id=record.id,
        reason="attribute unpinned",
        actor=actor,
        detail=f"{attribute} unpinned: {reason}",
        match_version=match.active_settings(session, domain).version,
    )
    return record


def pins(
    session: Session, *, domain: str, golden_id: str
) -> tuple[GoldenRecord, Sequence[GoldenPin]]:
    get_domain(domain)
    record = _target(session, domain, golden_id)
    return record, repository.pins_of(session, record.id)


def masked(domain: str, pin_row: GoldenPin) -> Any:
    attr = get_domain(domain).attribute(pin_row.attribute)
    if attr is not None and attr.sensitive:
        return mask_value(attr.scheme, pin_row.value)
    return pin_row.value


def _value_path(field: str) -> str:
    # "attributes.phone" -> "value"; "attributes.licenses[1].state" -> "value[1].state"
    rest = field.split(".", 2)[2:] if field.count(".") >= 2 else []
    head = field.split(".")[1] if "." in field else field
    index = head[head.index("[") :] if "[" in head else ""
    return "value" + index + ("." + rest[0] if rest else "")
