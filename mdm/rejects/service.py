"""Keep refused rows, whole, with the reasons; list and read them."""

from __future__ import annotations

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
    reject = Reject(
        source_system_code=source_code,
        domain=domain,
        source_key=source_key,
        batch_id=batch_id,
        row_index=row_index,
        payload=payload,
        errors=[e.as_dict() for e in errors],
        status=RejectStatus.OPEN,
        created_at=utcnow(),
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
