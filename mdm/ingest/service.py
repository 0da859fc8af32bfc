"""Upsert, deactivate and delete source records, and keep their golden records right.

Every row either lands (created, updated or unchanged) or is refused with the field and the reason
and kept in the rejects queue: a bad row never takes its batch down and is never dropped.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.db import bulk
from mdm.domains import DomainSpec, get_domain
from mdm.domains.identity import IdentifierKey, identifier_keys
from mdm.domains.masking import mask_attributes
from mdm.domains.standardise import QualityIssue, StandardisedRecord, standardise_record
from mdm.errors import FieldError, NotFound, PayloadTooLarge, ValidationFailed
from mdm.golden import service as golden
from mdm.ingest import repository
from mdm.match import service as match
from mdm.models import (
    RecordIdentifier,
    SourceRecord,
    SourceRecordReference,
    SourceRecordStatus,
    SourceSystem,
)
from mdm.models.base import utcnow
from mdm.rejects import service as rejects
from mdm.source_systems import service as source_systems

Outcome = Literal["created", "updated", "unchanged", "deleted", "rejected"]
_ROW_FIELDS = {"source_key", "attributes", "references", "status"}
_MAX_KEY = 200


@dataclass(slots=True)
class RowResult:
    index: int
    source_key: str | None
    outcome: Outcome
    golden_id: str | None = None
    record_version: int | None = None
    errors: list[FieldError] = field(default_factory=list)
    issues: list[QualityIssue] = field(default_factory=list)
    reject_id: int | None = None
    # How matching placed the record: decision, weight, explanation summary, rule-set version.
    match: dict[str, Any] | None = None


@dataclass(slots=True)
class BatchResult:
    batch_id: str
    source: str
    domain: str
    results: list[RowResult]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


@dataclass(frozen=True, slots=True)
class UnreadableRow:
    """A row the hub cannot read: a line of a file that is not JSON, or a row nested deeper than
    :data:`MAX_NESTING`. Refused with the reason, kept as the text it was."""

    text: str
    reason: str
    code: str = "malformed_json"


# A record is a few levels deep (its attributes, an address, a list of identifiers). A row
# deeper than this is refused before anything walks it: the recursive code that checks, hashes
# and stores rows, and Python's own comparisons, fail at about a thousand levels with an
# error instead of a refusal.
MAX_NESTING = 32
TOO_DEEP = f"is nested more than {MAX_NESTING} levels deep"


def readable(row: Any) -> Any:
    """``row``, or an :class:`UnreadableRow` holding its JSON text if it is nested too deep."""
    if isinstance(row, dict | list) and _deeper_than(row, MAX_NESTING):
        return UnreadableRow(_json_text(row), TOO_DEEP, "too_deep")
    return row


def _deeper_than(value: dict[Any, Any] | list[Any], limit: int) -> bool:
    """Whether containers nest more than ``limit`` deep, without recursion."""
    level = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def _json_text(value: Any) -> str:
    """``value`` as JSON text, without recursion (the encoders recurse, and fail on what
    :func:`readable` refuses). Scalars as the standard library writes them."""
    out: list[str] = []
    stack: list[tuple[bool, Any]] = [(False, value)]  # (is it text already, item)
    while stack:
        is_text, item = stack.pop()
        if is_text:
            out.append(item)
        elif isinstance(item, dict):
            parts: list[tuple[bool, Any]] = [(True, "{")]
            for i, (key, child) in enumerate(item.items()):
                parts += [(True, ("," if i else "") + json.dumps(str(key)) + ":"), (False, child)]
            stack += reversed([*parts, (True, "}")])
        elif isinstance(item, list):
            parts = [(True, "[")]
            for i, child in enumerate(item):
                parts += [(True, ","), (False, child)] if i else [(False, child)]
            stack += reversed([*parts, (True, "]")])
        else:
            out.append(json.dumps(item, default=str))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _ParsedRow:
    source_key: str
    attributes: dict[str, Any]
    references: dict[str, list[tuple[str, str]]]  # name -> [(system code, key)]
    status: SourceRecordStatus
    raw: dict[str, Any]


def ingest_batch(
    session: Session,
    *,
    source_code: str,
    domain: str,
    rows: Sequence[Any],
    actor: str,
    max_rows: int,
    row_indices: Sequence[int] | None = None,
) -> BatchResult:
    """Upsert every row of a batch; bad rows are refused one by one, good rows land.

    Rows are numbered by their position, or by ``row_indices`` (a file numbers its lines).
    """
    indices = list(range(len(rows))) if row_indices is None else list(row_indices)
    if len(indices) != len(rows) or len(set(indices)) != len(indices):
        raise ValueError("row_indices must number each row once")
    rows = [readable(row) for row in rows]
    spec = get_domain(domain)
    system = source_systems.get(session, code=source_code)
    source_systems.require_sends(system, domain)
    if len(rows) > max_rows:
        raise PayloadTooLarge(
            f"batch has {len(rows)} records; at most {max_rows} are accepted per request"
        )
    batch_id = uuid.uuid4().hex
    known_systems = _referenced_systems(session, rows, system)
    # Compared as they will be stored (stripped): " P1" and "P1" are one record.
    sent_keys = [
        str(row.get("source_key")).strip()
        for row in rows
        if isinstance(row, dict) and "source_key" in row
    ]
    if len(set(sent_keys)) == len(sent_keys):
        # Distinct keys: no savepoint per row, so the batch's audit entries, versions, events,
        # decisions and pairs can be written in bulk.
        with bulk.work(session):
            results = _ingest_together(
                session,
                spec=spec,
                system=system,
                rows=rows,
                actor=actor,
                batch_id=batch_id,
                known_systems=known_systems,
                indices=indices,
            )
    else:
        # The same key twice in one batch: the later row updates the earlier one, in order.
        results = [
            _ingest_row(
                session,
                spec=spec,
                system=system,
                row=row,
                index=i,
                actor=actor,
                batch_id=batch_id,
                known_systems=known_systems,
            )
            for i, row in zip(indices, rows, strict=True)
        ]
    audit.record(
        session,
        actor=actor,
        action="ingest.batch",
        entity_type="batch",
        entity_id=batch_id,
        detail={
            "source": source_code,
            "domain": domain,
            "rows": len(rows),
            "rejected": sum(1 for r in results if r.outcome == "rejected"),
        },
    )
    return BatchResult(batch_id, source_code, domain, results)


def ingest_one(
    session: Session, *, source_code: str, domain: str, source_key: str, body: Any, actor: str
) -> RowResult:
    """Upsert one record; the key comes from the URL and must agree with the body if it has one."""
    spec = get_domain(domain)
    system = source_systems.get(session, code=source_code)
    source_systems.require_sends(system, domain)
    body = readable(body)
    row: Any = body
    if isinstance(body, dict):
        if "source_key" in body and body["source_key"] != source_key:
            row = {**body, "source_key": body["source_key"]}
            return _reject(
                session,
                system=system,
                spec=spec,
                row=row,
                index=0,
                actor=actor,
                batch_id=None,
                source_key=source_key,
                errors=[
                    FieldError(
                        "source_key",
                        f"body says {body['source_key']!r} but the URL says {source_key!r}",
                        "key_mismatch",
                    )
                ],
            )
        row = {**body, "source_key": source_key}
    return _ingest_row(
        session,
        spec=spec,
        system=system,
        row=row,
        index=0,
        actor=actor,
        batch_id=None,
        known_systems=_referenced_systems(session, [row], system),
    )


def ingest_as_steward(
    session: Session, *, source_code: str, domain: str, row: dict[str, Any], actor: str
) -> RowResult:
    """Upsert a row a steward corrected, through the very path a source's row takes, as that source.

    ``row`` is shaped as in a batch (``source_key``, ``attributes``, ``references``, ``status``);
    it is standardised, validated and matched like any other. A row that is still invalid raises
    :class:`ValidationFailed` with every field error and leaves nothing behind: the steward's
    attempt is not queued as a reject, nor counted against an open one.
    """
    spec = get_domain(domain)
    system = source_systems.get(session, code=source_code)
    source_systems.require_sends(system, domain)
    attempt = session.begin_nested()
    try:
        result = _ingest_row(
            session,
            spec=spec,
            system=system,
            row=readable(row),
            index=0,
            actor=actor,
            batch_id=None,
            known_systems=_referenced_systems(session, [row], system),
        )
    except BaseException:
        attempt.rollback()
        raise
    if result.outcome == "rejected":
        # Refusing the row queued (or counted) a reject; that is for rows sources send.
        attempt.rollback()
        raise ValidationFailed(f"the corrected {spec.name} record is still invalid", result.errors)
    attempt.commit()
    return result


def find_record(
    session: Session, *, source_code: str, domain: str, source_key: str
) -> SourceRecord | None:
    """The source record a system keeps under ``source_key``, if the hub has one."""
    spec = get_domain(domain)
    system = source_systems.get(session, code=source_code)
    return repository.by_key(session, system_id=system.id, domain=spec.name, key=source_key)


def get_record(session: Session, *, source_code: str, domain: str, source_key: str) -> SourceRecord:
    record = find_record(session, source_code=source_code, domain=domain, source_key=source_key)
    if record is None:
        raise NotFound(
            f"{source_code} has no {domain} record with key {source_key!r}",
            code="unknown_source_record",
        )
    return record


def delete_record(
    session: Session, *, source_code: str, domain: str, source_key: str, actor: str
) -> RowResult:
    """The source deleted the record: it leaves survivorship but stays for history and crosswalk."""
    spec = get_domain(domain)
    record = get_record(session, source_code=source_code, domain=domain, source_key=source_key)
    if record.status is SourceRecordStatus.DELETED:
        return RowResult(
            0, source_key, "unchanged", golden.resolve(session, record.golden_id).id, record.version
        )
    record.status = SourceRecordStatus.DELETED
    # A re-send of the same payload must bring the record back, so forget the payload hash.
    record.payload_hash = ""
    record.version += 1
    record.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="source_record.deleted",
        entity_type="source_record",
        entity_id=_record_ref(source_code, domain, source_key),
        detail={"version": record.version},
    )
    golden.refresh(
        session,
        golden_id=record.golden_id,
        reason="source record deleted",
        actor=actor,
        detail=_record_ref(source_code, domain, source_key),
        membership_changed=True,
    )
    # It stays in its golden record (the crosswalk keeps answering for its key) but leaves
    # matching; if it was what tied the others together, they are re-clustered.
    match.forget(
        session,
        spec=spec,
        record=record,
        actor=actor,
        trigger=_record_ref(source_code, domain, source_key) + " deleted",
    )
    return RowResult(0, source_key, "deleted", record.golden_id, record.version)


@dataclass(frozen=True, slots=True)
class RecordView:
    """A source record for reading: sensitive values masked, golden ID resolved through merges."""

    record: SourceRecord
    golden_id: str
    attributes: dict[str, Any]
    raw: dict[str, Any]
    references: list[tuple[str, str, str, str]]  # name, target domain, target system, key


def record_view(session: Session, *, source_code: str, domain: str, source_key: str) -> RecordView:
    spec = get_domain(domain)
    record = get_record(session, source_code=source_code, domain=domain, source_key=source_key)
    raw = dict(record.raw)
    if isinstance(raw.get("attributes"), dict):
        raw["attributes"] = mask_attributes(spec, raw["attributes"])
    references = repository.references_of(session, record.id)
    codes = {
        r.target_system_id: source_systems.get_by_id(session, r.target_system_id).code
        for r in references
    }
    return RecordView(
        record=record,
        golden_id=golden.resolve(session, record.golden_id).id,
        attributes=mask_attributes(spec, record.attributes),
        raw=raw,
        references=[
            (r.name, r.target_domain, codes[r.target_system_id], r.target_key) for r in references
        ],
    )


def _record_ref(source: str, domain: str, key: str) -> str:
    return f"{source}/{domain}/{key}"


def _referenced_systems(session: Session, rows: Sequence[Any], own: SourceSystem) -> dict[str, int]:
    """Codes of systems named in references across the batch, resolved in one query."""
    codes: set[str] = set()
    for row in rows:
        refs = row.get("references") if isinstance(row, dict) else None
        if not isinstance(refs, dict):
            continue
        for value in refs.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and isinstance(item.get("source"), str):
                    codes.add(item["source"])
    found = {code: s.id for code, s in source_systems.known(session, sorted(codes)).items()}
    found[own.code] = own.id
    return found


def _parse_row(
    spec: DomainSpec, system: SourceSystem, row: Any, known_systems: dict[str, int]
) -> tuple[_ParsedRow | None, list[FieldError]]:
    if isinstance(row, UnreadableRow):
        reason = f"is not JSON: {row.reason}" if row.code == "malformed_json" else row.reason
        return None, [FieldError("", reason, row.code)]
    if not isinstance(row, dict):
        return None, [
            FieldError("", f"each record must be an object, got {type(row).__name__}", "type")
        ]
    errors = _unstorable(row, "")
    for name in sorted(set(row) - _ROW_FIELDS):
        errors.append(
            FieldError(
                name,
                "unknown field; a record has source_key, attributes, references and status",
                "unknown_field",
            )
        )
    key = row.get("source_key")
    if isinstance(key, int) and not isinstance(key, bool):
        key = str(key)
    if not isinstance(key, str) or not key.strip():
        errors.append(
            FieldError("source_key", "is required and must be a non-empty string", "required")
        )
        key = None
    elif len(key) > _MAX_KEY:
        errors.append(FieldError("source_key", f"is longer than {_MAX_KEY} characters", "too_long"))
    attributes = row.get("attributes", {})
    if not isinstance(attributes, dict):
        errors.append(
            FieldError("attributes", "must be an object of attribute name to value", "type")
        )
        attributes = {}
    status_text = row.get("status", "active")
    try:
        status = SourceRecordStatus(status_text)
        if status is SourceRecordStatus.DELETED:
            raise ValueError
    except (ValueError, TypeError):
        errors.append(
            FieldError(
                "status",
                f"{status_text!r} is not one of: active, inactive (use DELETE to delete)",
                "invalid_choice",
            )
        )
        status = SourceRecordStatus.ACTIVE
    references = _parse_references(spec, system, row.get("references", {}), known_systems, errors)
    if errors or key is None:
        return None, errors
    raw = {
        "attributes": attributes,
        "references": row.get("references", {}),
        "status": status.value,
    }
    return _ParsedRow(key.strip(), attributes, references, status, raw), errors


def _unstorable(value: Any, path: str) -> list[FieldError]:
    """Values no database column can hold as sent: a NUL character (PostgreSQL stores no U+0000
    in text or JSONB) and NaN or Infinity (which the JSON parser accepts, but JSON has not)."""
    if isinstance(value, str):
        if "\x00" in value:
            return [FieldError(path or "record", _NUL, "nul")]
        return []
    if isinstance(value, float) and not math.isfinite(value):
        return [FieldError(path or "record", f"is {value!r}, not a finite number", "not_finite")]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                found.append(FieldError(child, _NUL, "nul"))
            else:
                found += _unstorable(item, child)
        return found
    if isinstance(value, list):
        return [e for i, item in enumerate(value) for e in _unstorable(item, f"{path}[{i}]")]
    return []


_NUL = "contains a NUL character (U+0000), which cannot be stored"


def _storable(value: Any) -> Any:
    """``value`` with every NUL character written out as the six characters ``\\u0000`` and NaN
    or Infinity as their names: a refused row is kept as sent, as far as a database holds it."""
    if isinstance(value, str):
        return value.replace("\x00", "\\u0000")
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def _parse_references(
    spec: DomainSpec,
    system: SourceSystem,
    value: Any,
    known_systems: dict[str, int],
    errors: list[FieldError],
) -> dict[str, list[tuple[str, str]]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(
            FieldError("references", "must be an object of reference name to key(s)", "type")
        )
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for name, target in value.items():
        path = f"references.{name}"
        ref = spec.reference(name)
        if ref is None:
            names = ", ".join(r.name for r in spec.references) or "none"
            errors.append(
                FieldError(
                    path, f"unknown reference for {spec.name} (known: {names})", "unknown_reference"
                )
            )
            continue
        if target is None or target == []:
            continue
        items = target if isinstance(target, list) else [target]
        if isinstance(target, list) and not ref.multi:
            errors.append(FieldError(path, "takes one key, not a list", "type"))
            continue
        parsed: list[tuple[str, str]] = []
        for i, item in enumerate(items):
            item_path = f"{path}[{i}]" if isinstance(target, list) else path
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item).strip():
                parsed.append((system.code, str(item).strip()))
            elif isinstance(item, dict) and isinstance(item.get("key"), str | int):
                code = item.get("source", system.code)
                if code not in known_systems:
                    errors.append(
                        FieldError(
                            f"{item_path}.source",
                            f"source system {code!r} is not registered",
                            "unknown_source_system",
                        )
                    )
                    continue
                parsed.append((str(code), str(item["key"]).strip()))
            else:
                errors.append(
                    FieldError(
                        item_path, 'must be a key string or {"source": ..., "key": ...}', "type"
                    )
                )
        if parsed:
            out[name] = list(dict.fromkeys(parsed))
    return out


def _payload_hash(raw: dict[str, Any]) -> str:
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _reject(
    session: Session,
    *,
    system: SourceSystem,
    spec: DomainSpec,
    row: Any,
    index: int,
    actor: str,
    batch_id: str | None,
    source_key: str | None,
    errors: list[FieldError],
) -> RowResult:
    reject = rejects.add(
        session,
        source_code=system.code,
        domain=spec.name,
        source_key=_storable(source_key),
        payload=_storable(row.text if isinstance(row, UnreadableRow) else row),
        errors=[FieldError(_storable(e.field), _storable(e.reason), e.code) for e in errors],
        actor=actor,
        batch_id=batch_id,
        row_index=index,
    )
    return RowResult(index, source_key, "rejected", errors=errors, reject_id=reject.id)


def _validated(
    session: Session,
    *,
    spec: DomainSpec,
    system: SourceSystem,
    row: Any,
    index: int,
    actor: str,
    batch_id: str | None,
    known_systems: dict[str, int],
) -> tuple[_ParsedRow, StandardisedRecord] | RowResult:
    """A row parsed and standardised, or refused (kept in the rejects queue) with every reason."""
    parsed, errors = _parse_row(spec, system, row, known_systems)
    key_hint = row.get("source_key") if isinstance(row, dict) else None
    key_hint = str(key_hint) if isinstance(key_hint, str | int) else None
    attributes = row.get("attributes") if isinstance(row, dict) else None
    # Standardise even a row already refused, so the refusal lists every bad field at once.
    standardised = standardise_record(spec, attributes) if isinstance(attributes, dict) else None
    if standardised is not None:
        errors = errors + standardised.errors
    if parsed is None or standardised is None or errors:
        return _reject(
            session,
            system=system,
            spec=spec,
            row=row,
            index=index,
            actor=actor,
            batch_id=batch_id,
            source_key=key_hint,
            errors=errors,
        )
    return parsed, standardised


def _ingest_together(
    session: Session,
    *,
    spec: DomainSpec,
    system: SourceSystem,
    rows: Sequence[Any],
    actor: str,
    batch_id: str,
    known_systems: dict[str, int],
    indices: Sequence[int],
) -> list[RowResult]:
    """A batch with distinct keys: refused rows one by one, then every new or changed record
    matched together (one pass over the blocking index instead of one per record)."""
    results: dict[int, RowResult] = {}
    ready: list[tuple[int, _ParsedRow, StandardisedRecord]] = []
    for i, row in zip(indices, rows, strict=True):
        validated = _validated(
            session,
            spec=spec,
            system=system,
            row=row,
            index=i,
            actor=actor,
            batch_id=batch_id,
            known_systems=known_systems,
        )
        if isinstance(validated, RowResult):
            results[i] = validated
        else:
            ready.append((i, *validated))
    existing = repository.by_keys(
        session,
        system_id=system.id,
        domain=spec.name,
        keys=[parsed.source_key for _, parsed, _ in ready],
    )
    pending: list[_Pending] = []
    for i, parsed, standardised in ready:
        prepared = _prepare(
            session,
            spec=spec,
            system=system,
            parsed=parsed,
            issues=standardised.issues,
            attributes=standardised.attributes,
            index=i,
            record=existing.get(parsed.source_key),
        )
        if isinstance(prepared, RowResult):
            results[i] = prepared
        else:
            pending.append(prepared)
    if pending:
        previous = [p.record.golden_id for p in pending]
        placed = match.match_many(
            session,
            spec=spec,
            records=[p.record for p in pending],
            actor=actor,
            trigger=f"batch {batch_id} from {system.code}",
        )
        for item, before, outcome in zip(pending, previous, placed, strict=True):
            results[item.index] = _finish(
                session,
                spec=spec,
                pending=item,
                previous_golden=before,
                placed=outcome,
                actor=actor,
                known_systems=known_systems,
            )
    return [results[i] for i in indices]


def _ingest_row(
    session: Session,
    *,
    spec: DomainSpec,
    system: SourceSystem,
    row: Any,
    index: int,
    actor: str,
    batch_id: str | None,
    known_systems: dict[str, int],
) -> RowResult:
    validated = _validated(
        session,
        spec=spec,
        system=system,
        row=row,
        index=index,
        actor=actor,
        batch_id=batch_id,
        known_systems=known_systems,
    )
    if isinstance(validated, RowResult):
        return validated
    parsed, standardised = validated
    # A savepoint per row: a database error on one row (however unlikely) must not lose the rest.
    with session.begin_nested():
        return _upsert(
            session,
            spec=spec,
            system=system,
            parsed=parsed,
            issues=standardised.issues,
            attributes=standardised.attributes,
            index=index,
            actor=actor,
            known_systems=known_systems,
        )


@dataclass(slots=True)
class _Pending:
    """A new or changed record, ready to be matched with the others of its batch."""

    index: int
    parsed: _ParsedRow
    issues: list[QualityIssue]
    keys: list[IdentifierKey]
    record: SourceRecord
    ref: str
    is_new: bool
    reactivated: bool = False


def _prepare(
    session: Session,
    *,
    spec: DomainSpec,
    system: SourceSystem,
    parsed: _ParsedRow,
    issues: list[QualityIssue],
    attributes: dict[str, Any],
    index: int,
    record: SourceRecord | None,
) -> _Pending | RowResult:
    payload_hash = _payload_hash(parsed.raw)
    if record is not None and record.payload_hash == payload_hash:
        return RowResult(
            index,
            parsed.source_key,
            "unchanged",
            golden.resolve(session, record.golden_id).id,
            record.version,
            issues=[QualityIssue(**i) for i in record.quality_issues],
        )
    keys = identifier_keys(
        spec, attributes, [i.field for i in issues if i.code.startswith("invalid_")]
    )
    ref = _record_ref(system.code, spec.name, parsed.source_key)
    now = utcnow()
    if record is None:
        # Not added to the session yet: matching adds it once its golden record is known, so a
        # record that joins an existing golden record never founds one of its own first.
        record = SourceRecord.build(
            source_system_id=system.id,
            source_system=system,
            domain=spec.name,
            source_key=parsed.source_key,
            status=parsed.status,
            raw=parsed.raw,
            attributes=attributes,
            quality_issues=[i.as_dict() for i in issues],
            payload_hash=payload_hash,
            version=1,
            created_at=now,
            updated_at=now,
        )
        return _Pending(index, parsed, issues, keys, record, ref, is_new=True)
    reactivated = record.status is not parsed.status
    record.raw = parsed.raw
    record.attributes = attributes
    record.quality_issues = [i.as_dict() for i in issues]
    record.payload_hash = payload_hash
    record.status = parsed.status
    record.version += 1
    record.updated_at = now
    return _Pending(index, parsed, issues, keys, record, ref, is_new=False, reactivated=reactivated)


def _finish(
    session: Session,
    *,
    spec: DomainSpec,
    pending: _Pending,
    previous_golden: str | None,
    placed: match.MatchOutcome,
    actor: str,
    known_systems: dict[str, int],
) -> RowResult:
    record = pending.record
    _store_index(
        session, spec, record, pending.keys, pending.parsed, known_systems, is_new=pending.is_new
    )
    detail: dict[str, Any] = {
        "match": _match_detail(placed),
        "payload": _masked_raw(spec, pending.parsed.raw),
    }
    if pending.is_new:
        detail = {"golden_id": placed.golden_id, **detail}
    else:
        detail = {"version": record.version, **detail}
    audit.record(
        session,
        actor=actor,
        action="source_record.created" if pending.is_new else "source_record.updated",
        entity_type="source_record",
        entity_id=pending.ref,
        detail=detail,
    )
    if not pending.is_new and placed.golden_id == previous_golden:
        # Still in the same golden record: its attributes may change all the same.
        golden.refresh(
            session,
            golden_id=placed.golden_id,
            reason="source record updated",
            actor=actor,
            detail=pending.ref,
            membership_changed=pending.reactivated,
            match_version=placed.rule_set_version,
        )
    return RowResult(
        pending.index,
        pending.parsed.source_key,
        "created" if pending.is_new else "updated",
        placed.golden_id,
        record.version,
        issues=pending.issues,
        match=_match_detail(placed),
    )


def _upsert(
    session: Session,
    *,
    spec: DomainSpec,
    system: SourceSystem,
    parsed: _ParsedRow,
    issues: list[QualityIssue],
    attributes: dict[str, Any],
    index: int,
    actor: str,
    known_systems: dict[str, int],
) -> RowResult:
    existing = repository.by_key(
        session, system_id=system.id, domain=spec.name, key=parsed.source_key
    )
    prepared = _prepare(
        session,
        spec=spec,
        system=system,
        parsed=parsed,
        issues=issues,
        attributes=attributes,
        index=index,
        record=existing,
    )
    if isinstance(prepared, RowResult):
        return prepared
    previous = prepared.record.golden_id
    placed = match.match(
        session, spec=spec, record=prepared.record, actor=actor, trigger=prepared.ref
    )
    return _finish(
        session,
        spec=spec,
        pending=prepared,
        previous_golden=previous,
        placed=placed,
        actor=actor,
        known_systems=known_systems,
    )


def _match_detail(placed: match.MatchOutcome) -> dict[str, Any]:
    return {
        "decision": placed.outcome.value,
        "weight": None if placed.weight is None else round(placed.weight, 3),
        "summary": placed.summary,
        "rule_set_version": placed.rule_set_version,
        "candidate_ids": placed.candidates,
    }


def _masked_raw(spec: DomainSpec, raw: dict[str, Any]) -> dict[str, Any]:
    return {**raw, "attributes": mask_attributes(spec, raw.get("attributes", {}))}


def _store_index(
    session: Session,
    spec: DomainSpec,
    record: SourceRecord,
    keys: Sequence[IdentifierKey],
    parsed: _ParsedRow,
    known_systems: dict[str, int],
    *,
    is_new: bool = False,
) -> None:
    repository.replace_identifiers(
        session,
        record.id,
        [
            RecordIdentifier(
                source_record_id=record.id,
                domain=spec.name,
                scheme=k.scheme,
                value=k.value,
                valid=k.valid,
            )
            for k in keys
        ],
        is_new=is_new,
    )
    references = []
    for name, targets in parsed.references.items():
        ref = spec.reference(name)
        assert ref is not None
        for position, (code, key) in enumerate(targets):
            references.append(
                SourceRecordReference(
                    source_record_id=record.id,
                    name=name,
                    target_domain=ref.target,
                    target_system_id=known_systems[code],
                    target_key=key,
                    position=position,
                )
            )
    repository.replace_references(session, record.id, references, is_new=is_new)


def counts(session: Session) -> dict[str, int]:
    """Source records per domain."""
    return repository.counts_by_domain(session)
