"""Keep refused rows, whole, with the reasons; list and read them; close them when a steward
re-submits a corrected row (see :mod:`mdm.quality.service`) or dismisses them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.domains.masking import mask_row
from mdm.errors import Conflict, FieldError, NotFound, ValidationFailed
from mdm.models import Reject, RejectStatus
from mdm.models.base import utcnow
from mdm.rejects import repository


def add(
    session: Session,
    *,
    source_code: str,
    domain: str,
    source_key: str | None,
    payload: Any,
    errors: Sequence[FieldError],
    actor: str,
    batch_id: str | None = None,
    row_index: int | None = None,
) -> Reject:
    """Queue a refused row, or count it again when the identical row is already queued."""
    payload_hash = _hash(payload)
    existing = repository.open_with_payload(
        session, source=source_code, domain=domain, payload_hash=payload_hash
    )
    now = utcnow()
    if existing is not None:
        existing.times_received += 1
        existing.last_received_at = now
        # The latest batch and row point the steward at the most recent sighting.
        existing.batch_id = batch_id
        existing.row_index = row_index
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="reject.received_again",
            entity_type="reject",
            entity_id=existing.id,
            detail={"source": source_code, "domain": domain, "source_key": source_key},
        )
        return existing
    reject = Reject(
        source_system_code=source_code,
        domain=domain,
        source_key=source_key,
        batch_id=batch_id,
        row_index=row_index,
        payload=payload,
        errors=[e.as_dict() for e in errors],
        status=RejectStatus.OPEN,
        payload_hash=payload_hash,
        times_received=1,
        created_at=now,
        last_received_at=now,
    )
    repository.add(session, reject)
    audit.record(
        session,
        actor=actor,
        action="reject.created",
        entity_type="reject",
        entity_id=reject.id,
        detail={
            "source": source_code,
            "domain": domain,
            "source_key": source_key,
            "errors": reject.errors,
        },
    )
    return reject


def get(session: Session, reject_id: int, *, for_update: bool = False) -> Reject:
    reject = repository.get(session, reject_id, for_update=for_update)
    if reject is None:
        raise NotFound(f"reject #{reject_id} does not exist", code="unknown_reject")
    return reject


def get_open(session: Session, reject_id: int) -> Reject:
    """An open reject, locked until the unit of work ends; 409 when already resolved."""
    reject = get(session, reject_id, for_update=True)
    if reject.status is not RejectStatus.OPEN:
        raise Conflict(
            f"reject #{reject_id} is already {reject.status.value} "
            f"(by {reject.resolved_by or 'unknown'}); only an open reject can be resolved",
            code="reject_not_open",
        )
    return reject


def mark_resubmitted(
    session: Session,
    *,
    reject: Reject,
    record_id: int,
    corrected_payload: dict[str, Any],
    note: str,
    actor: str,
    landed: dict[str, Any],
) -> Reject:
    """The corrected row landed as source record ``record_id``; ``payload`` stays as sent.

    ``landed`` says, for the audit log, what the row became (record, golden ID, outcome).
    """
    _resolve(reject, status=RejectStatus.RESUBMITTED, note=note, actor=actor, record_id=record_id)
    reject.corrected_payload = corrected_payload
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="reject.resubmitted",
        entity_type="reject",
        entity_id=reject.id,
        detail={
            "source": reject.source_system_code,
            "domain": reject.domain,
            "note": reject.resolution_note,
            **landed,
            "corrected_payload": masked_payload(reject.domain, corrected_payload),
        },
    )
    return reject


def dismiss(session: Session, *, reject_id: int, note: str, actor: str) -> Reject:
    """Close a reject without re-submitting it (a test row, a record the source has since fixed).

    The note is required: it is all that says why a row the source sent was not loaded.
    """
    if not note.strip():
        raise ValidationFailed(
            "a dismissal needs a note saying why",
            [FieldError("note", "is required and must not be blank", "required")],
        )
    reject = get_open(session, reject_id)
    _resolve(reject, status=RejectStatus.DISMISSED, note=note, actor=actor, record_id=None)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="reject.dismissed",
        entity_type="reject",
        entity_id=reject.id,
        detail={
            "source": reject.source_system_code,
            "domain": reject.domain,
            "source_key": reject.source_key,
            "note": reject.resolution_note,
        },
    )
    return reject


def masked_payload(domain: str, payload: Any) -> Any:
    """A refused or corrected row with its sensitive attributes masked, for responses and audit."""
    return mask_row(get_domain(domain), payload)


def _resolve(
    reject: Reject, *, status: RejectStatus, note: str, actor: str, record_id: int | None
) -> None:
    reject.status = status
    reject.resolved_by = actor
    reject.resolved_at = utcnow()
    reject.resolution_note = note.strip()
    reject.resolved_record_id = record_id


def page(
    session: Session,
    *,
    status: RejectStatus | None = RejectStatus.OPEN,
    domain: str | None = None,
    source: str | None = None,
    batch_id: str | None = None,
    source_key: str | None = None,
    code: str | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> Sequence[Reject]:
    return repository.page(
        session,
        status=status,
        domain=domain,
        source=source,
        batch_id=batch_id,
        source_key=source_key,
        code=code,
        after_id=after_id,
        limit=limit,
    )


def open_counts(session: Session) -> dict[str, int]:
    return repository.open_counts(session)


def open_counts_by_code(session: Session) -> dict[str, int]:
    return repository.open_counts_by_code(session)


def _hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
