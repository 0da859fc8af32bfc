"""Keep refused rows, whole, with the reasons; list and read them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.errors import FieldError, NotFound
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


def get(session: Session, reject_id: int) -> Reject:
    reject = repository.get(session, reject_id)
    if reject is None:
        raise NotFound(f"reject #{reject_id} does not exist", code="unknown_reject")
    return reject


def page(
    session: Session,
    *,
    status: RejectStatus | None = RejectStatus.OPEN,
    domain: str | None = None,
    source: str | None = None,
    batch_id: str | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> Sequence[Reject]:
    return repository.page(
        session,
        status=status,
        domain=domain,
        source=source,
        batch_id=batch_id,
        after_id=after_id,
        limit=limit,
    )


def open_counts(session: Session) -> dict[str, int]:
    return repository.open_counts(session)


def _hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
