"""The data steward's data-quality queue, so that nothing a source sent is lost.

Two kinds of work, both fixed through the very ingestion path a source's rows take (standardise,
validate, match), acting as the source system, with the steward as the actor:

* **refused rows** (the rejects queue): re-submitted corrected, or dismissed with a note;
* **records that landed with quality issues** (an NPI failing its check digit, a phone that is
  not a North American number...): corrected in the hub.

A steward's correction is not an overlay on top of the source: it replaces the record's payload
until the source sends the record again, and then what the source sends wins, wrong value
included (survivorship works on what sources send). The fix belongs in the source too. Each
correction is kept with the payload it replaced (``GET .../corrections``), marked no longer in
effect once the source has overwritten it, so a steward can see it happen. A value a steward
means to hold against every source is a pin on the golden record, not a correction.

A still-invalid correction is refused (422, every field named) and changes nothing: it is not
queued as a reject, since it is not a row any source sent.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.domains import get_domain
from mdm.domains.masking import mask_attributes, mask_row, restore_masked
from mdm.domains.standardise import QualityIssue
from mdm.errors import Conflict, FieldError, ValidationFailed
from mdm.golden import service as golden
from mdm.ingest import service as ingest
from mdm.models import RecordCorrection, Reject, SourceRecord, SourceRecordStatus
from mdm.models.base import utcnow
from mdm.quality import repository
from mdm.rejects import service as rejects
from mdm.source_systems import service as source_systems


@dataclass(frozen=True, slots=True)
class Resubmitted:
    reject: Reject
    result: ingest.RowResult


@dataclass(frozen=True, slots=True)
class RecordWithIssues:
    """A source record for the queue: golden ID resolved through merges, values masked."""

    record: SourceRecord
    source: str
    golden_id: str
    attributes: dict[str, Any]
    issues: list[QualityIssue]


@dataclass(frozen=True, slots=True)
class CorrectionView:
    correction: RecordCorrection
    source: str
    domain: str
    source_key: str
    before: dict[str, Any]
    after: dict[str, Any]
    # False once the source has sent the record again (or a later correction replaced it).
    in_effect: bool


@dataclass(frozen=True, slots=True)
class Corrected:
    correction: CorrectionView
    result: ingest.RowResult


@dataclass(frozen=True, slots=True)
class Counts:
    by_domain: dict[str, int]
    by_code: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_domain.values())


@dataclass(frozen=True, slots=True)
class Summary:
    open_rejects: Counts
    records_with_issues: Counts


def resubmit_reject(
    session: Session, *, reject_id: int, payload: dict[str, Any], note: str, actor: str
) -> Resubmitted:
    """Run a steward's correction of a refused row through ingestion as the row's source.

    The reject closes as re-submitted only if the row lands; a row still invalid raises
    :class:`ValidationFailed` and the reject stays open, counted no more than before.
    """
    reject = rejects.get_open(session, reject_id)
    row = _resubmitted_row(reject, payload)
    key = row.get("source_key")
    if isinstance(key, str | int) and not isinstance(key, bool) and str(key).strip():
        _refuse_if_source_sent_since(session, reject, str(key).strip())
    result = ingest.ingest_as_steward(
        session,
        source_code=reject.source_system_code,
        domain=reject.domain,
        row=row,
        actor=actor,
    )
    assert result.source_key is not None, "a row that landed has a key"
    record = ingest.get_record(
        session,
        source_code=reject.source_system_code,
        domain=reject.domain,
        source_key=result.source_key,
    )
    rejects.mark_resubmitted(
        session,
        reject=reject,
        record_id=record.id,
        corrected_payload=row,
        note=note,
        actor=actor,
        landed={
            "source_record": _ref(reject.source_system_code, reject.domain, record.source_key),
            "outcome": result.outcome,
            "golden_id": result.golden_id,
        },
    )
    return Resubmitted(reject, result)


def _resubmitted_row(reject: Reject, payload: dict[str, Any]) -> dict[str, Any]:
    """The corrected row, keyed as the refused one unless its key was what was refused."""
    row = dict(payload)
    key_refused = any(isinstance(e, dict) and e.get("field") == "source_key" for e in reject.errors)
    sent_key = row.get("source_key")
    if sent_key is None and reject.source_key is not None:
        row["source_key"] = reject.source_key
    elif (
        reject.source_key is not None
        and not key_refused
        and str(sent_key).strip() != reject.source_key.strip()
    ):
        # Another key would load the row as another record, and leave this one unloaded.
        raise ValidationFailed(
            f"reject #{reject.id} is the row keyed {reject.source_key!r}",
            [
                FieldError(
                    "source_key",
                    f"is {sent_key!r} but the refused row's key is {reject.source_key!r}; "
                    "only a key that was itself refused can change",
                    "key_mismatch",
                )
            ],
        )
    original = reject.payload.get("attributes") if isinstance(reject.payload, dict) else None
    if isinstance(row.get("attributes"), dict):
        row["attributes"] = restore_masked(get_domain(reject.domain), row["attributes"], original)
    return row


def _refuse_if_source_sent_since(session: Session, reject: Reject, key: str) -> None:
    record = ingest.find_record(
        session, source_code=reject.source_system_code, domain=reject.domain, source_key=key
    )
    if record is not None and record.updated_at > reject.last_received_at:
        raise Conflict(
            f"{_ref(reject.source_system_code, reject.domain, key)} has changed since this row "
            f"was refused (at {record.updated_at.isoformat()}); re-submitting would overwrite "
            "it with older data. Correct the record or dismiss the reject.",
            code="record_changed_since_reject",
        )


def records_with_issues(
    session: Session,
    *,
    domain: str | None = None,
    source: str | None = None,
    code: str | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> list[RecordWithIssues]:
    """Records that landed but carry quality issues, deleted ones left out."""
    if domain:
        get_domain(domain)
    system_id = source_systems.get(session, code=source).id if source else None
    records = repository.records_with_issues(
        session, domain=domain, system_id=system_id, code=code, after_id=after_id, limit=limit
    )
    return [
        RecordWithIssues(
            record=r,
            source=r.source_system.code,
            golden_id=golden.resolve(session, r.golden_id).id,
            attributes=mask_attributes(get_domain(r.domain), r.attributes),
            issues=[QualityIssue(**i) for i in r.quality_issues],
        )
        for r in records
    ]


def correct_record(
    session: Session,
    *,
    source_code: str,
    domain: str,
    source_key: str,
    payload: dict[str, Any],
    reason: str,
    actor: str,
) -> Corrected:
    """A steward's correction of a source record, ingested as if its source had sent it.

    ``payload`` is the record as the source would send it; ``attributes`` replaces the whole
    attribute set, and ``references`` or ``status`` left out keep what the source sent. Until
    the source sends the record again: see the module docstring.
    """
    if not reason.strip():
        raise ValidationFailed(
            "a correction needs a reason",
            [FieldError("reason", "is required and must not be blank", "required")],
        )
    spec = get_domain(domain)
    record = ingest.get_record(
        session, source_code=source_code, domain=spec.name, source_key=source_key
    )
    ref = _ref(source_code, spec.name, record.source_key)
    if record.status is SourceRecordStatus.DELETED:
        raise Conflict(
            f"{ref} was deleted by its source; there is nothing to correct",
            code="source_record_deleted",
        )
    sent_key = payload.get("source_key")
    if sent_key is not None and str(sent_key).strip() != record.source_key:
        raise ValidationFailed(
            f"the correction is for {ref}",
            [
                FieldError(
                    "source_key",
                    f"body says {sent_key!r} but the URL says {record.source_key!r}",
                    "key_mismatch",
                )
            ],
        )
    before = copy.deepcopy(record.raw)
    row: dict[str, Any] = {**before, **payload, "source_key": record.source_key}
    if isinstance(row.get("attributes"), dict):
        row["attributes"] = restore_masked(spec, row["attributes"], before.get("attributes"))
    result = ingest.ingest_as_steward(
        session, source_code=source_code, domain=spec.name, row=row, actor=actor
    )
    if result.outcome == "unchanged":
        raise ValidationFailed(
            f"the correction is {ref} as it stands; nothing changed",
            [FieldError("payload", "is the record as it stands", "unchanged")],
        )
    correction = RecordCorrection(
        source_record_id=record.id,
        before=before,
        after=copy.deepcopy(record.raw),
        actor=actor,
        reason=reason.strip(),
        created_at=utcnow(),
    )
    repository.add_correction(session, correction)
    view = _view(spec.name, record, correction, source=source_code, latest=True)
    audit.record(
        session,
        actor=actor,
        action="source_record.corrected",
        entity_type="source_record",
        entity_id=ref,
        detail={
            "correction_id": correction.id,
            "version": record.version,
            "reason": correction.reason,
            "before": view.before,
            "after": view.after,
            "remaining_issues": [i.as_dict() for i in result.issues],
        },
    )
    return Corrected(view, result)


def corrections(
    session: Session, *, source_code: str, domain: str, source_key: str
) -> list[CorrectionView]:
    """Every steward correction of a record, oldest first, values masked."""
    spec = get_domain(domain)
    record = ingest.get_record(
        session, source_code=source_code, domain=spec.name, source_key=source_key
    )
    rows = repository.corrections_of(session, record.id)
    return [
        _view(spec.name, record, c, source=source_code, latest=i == len(rows) - 1)
        for i, c in enumerate(rows)
    ]


def summary(session: Session) -> Summary:
    return Summary(
        open_rejects=Counts(rejects.open_counts(session), rejects.open_counts_by_code(session)),
        records_with_issues=Counts(
            repository.counts_by_domain(session), repository.counts_by_code(session)
        ),
    )


def _view(
    domain: str, record: SourceRecord, correction: RecordCorrection, *, source: str, latest: bool
) -> CorrectionView:
    spec = get_domain(domain)
    return CorrectionView(
        correction=correction,
        source=source,
        domain=domain,
        source_key=record.source_key,
        before=mask_row(spec, correction.before),
        after=mask_row(spec, correction.after),
        # The source sending the record again replaces the payload the correction set.
        in_effect=latest
        and record.status is not SourceRecordStatus.DELETED
        and record.raw == correction.after,
    )


def _ref(source: str, domain: str, key: str) -> str:
    return f"{source}/{domain}/{key}"
