"""Standardise and validate one incoming record against its domain's declaration.

Two outcomes are kept apart on purpose:

* **errors** make the row unusable (wrong type, unknown attribute, unparseable date, US state that
  does not exist, missing required attribute). The row goes to the rejects queue, whole.
* **quality issues** are kept with the record (an NPI that fails its check digit, a phone that is
  not a North American number): the record lands, the value is kept as sent, and it is flagged,
  so a mistyped identifier is never silently dropped and never trusted as an identifier either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from matching.standardise import (
    CHECKERS,
    check_email,
    check_phone,
    check_zip,
    clean_name_parts,
    collapse_whitespace,
    normalise_credential,
    normalise_state,
    normalise_suffix,
    parse_person_name,
    standardise_city,
    standardise_street,
    title_case_name,
)
from mdm.domains.spec import AttributeSpec, DomainSpec, Kind
from mdm.errors import FieldError

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d", "%m-%d-%Y")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_ADDRESS_FIELDS = ("line1", "line2", "city", "state", "zip", "country")


@dataclass(frozen=True, slots=True)
class QualityIssue:
    field: str
    code: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "reason": self.reason}


@dataclass(slots=True)
class StandardisedRecord:
    attributes: dict[str, Any] = field(default_factory=dict)
    issues: list[QualityIssue] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


class _Row:
    """Collects the outcome for one record while its attributes are standardised."""

    def __init__(self) -> None:
        self.out = StandardisedRecord()

    def error(self, path: str, reason: str, code: str = "invalid") -> None:
        self.out.errors.append(FieldError(path, reason, code))

    def issue(self, path: str, code: str, reason: str) -> None:
        self.out.issues.append(QualityIssue(path, code, reason))


def standardise_record(spec: DomainSpec, raw: dict[str, Any]) -> StandardisedRecord:
    """Standardise ``raw`` attributes of a ``spec`` record; never raises on bad input.

    >>> from mdm.domains import DOMAINS
    >>> raw = {"name": "SMITH, JOHN A MD", "npi": "1234567893"}
    >>> r = standardise_record(DOMAINS["provider"], raw)
    >>> r.attributes["last_name"], r.attributes["credentials"], r.errors
    ('Smith', ['MD'], [])
    """
    row = _Row()
    values = dict(raw)
    if spec.person_name:
        _expand_person_name(values, row)
    for name, value in values.items():
        _standardise_attribute(spec, name, value, row)
    for attr in spec.attributes:
        if attr.required and attr.name not in row.out.attributes and not _errored(row, attr.name):
            hint = (
                " (or a whole 'name')" if spec.person_name and attr.kind is Kind.NAME_PART else ""
            )
            row.error(f"attributes.{attr.name}", f"required attribute is missing{hint}", "required")
    return row.out


def standardise_attribute(spec: DomainSpec, name: str, value: Any) -> StandardisedRecord:
    """Standardise one attribute's value as ingestion would (a steward's pinned value).

    >>> from mdm.domains import DOMAINS
    >>> standardise_attribute(DOMAINS["provider"], "phone", "(512) 555-0100").attributes
    {'phone': '+15125550100'}
    """
    row = _Row()
    _standardise_attribute(spec, name, value, row)
    return row.out


def _standardise_attribute(spec: DomainSpec, name: str, value: Any, row: _Row) -> None:
    attr = spec.attribute(name)
    if attr is None:
        row.error(
            f"attributes.{name}", f"unknown attribute for domain {spec.name!r}", "unknown_attribute"
        )
        return
    if value is None or value == "" or value == []:
        return
    path = f"attributes.{name}"
    if attr.multi:
        items = _as_list(value, attr)
        cleaned: list[Any] = []
        for index, item in enumerate(items):
            result = _standardise_value(
                attr, item, f"{path}[{index}]" if len(items) > 1 else path, row
            )
            if result is not None and result not in cleaned:
                cleaned.append(result)
        if cleaned:
            row.out.attributes[name] = cleaned
    else:
        result = _standardise_value(attr, value, path, row)
        if result is not None:
            row.out.attributes[name] = result


def _errored(row: _Row, name: str) -> bool:
    prefix = f"attributes.{name}"
    return any(
        e.field == prefix or e.field.startswith(prefix + "[") or e.field.startswith(prefix + ".")
        for e in row.out.errors
    )


def _expand_person_name(values: dict[str, Any], row: _Row) -> None:
    """Turn a whole ``name`` into parts; parts sent explicitly win over parsed ones."""
    whole = values.pop("name", None)
    if whole is not None and not isinstance(whole, str):
        row.error(
            "attributes.name",
            "must be a string such as 'LAST, FIRST M' or 'First M. Last, MD'",
            "type",
        )
        whole = None
    parts: dict[str, Any] = {}
    credentials: list[str] = []
    if whole:
        parsed = parse_person_name(whole)
        parts = {
            "first_name": parsed.first,
            "middle_name": parsed.middle,
            "last_name": parsed.last,
            "name_suffix": parsed.suffix,
        }
        credentials = list(parsed.credentials)
    explicit = {k: values.get(k) for k in ("first_name", "middle_name", "last_name", "name_suffix")}
    if any(isinstance(v, str) and v.strip() for v in explicit.values()):
        for key, value in explicit.items():
            if value is not None and not isinstance(value, str):
                row.error(f"attributes.{key}", "must be a string", "type")
                explicit[key] = None
        cleaned = clean_name_parts(
            explicit["first_name"],
            explicit["middle_name"],
            explicit["last_name"],
            explicit["name_suffix"],
        )
        from_parts = {
            "first_name": cleaned.first,
            "middle_name": cleaned.middle,
            "last_name": cleaned.last,
            "name_suffix": cleaned.suffix,
        }
        parts = {k: from_parts[k] or parts.get(k) for k in from_parts}
        credentials.extend(cleaned.credentials)
    for key in ("first_name", "middle_name", "last_name", "name_suffix"):
        values.pop(key, None)
        if parts.get(key):
            values[key] = parts[key]
    if credentials and "credentials" in values:
        sent = values["credentials"]
        sent_list = sent if isinstance(sent, list) else [sent]
        values["credentials"] = [*sent_list, *credentials]
    elif credentials:
        values["credentials"] = credentials


def _as_list(value: Any, attr: AttributeSpec) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and attr.kind in (Kind.CREDENTIAL, Kind.CODE):
        # "MD, FACS" and "207Q00000X;208D00000X" are how flat files send lists.
        return [p for p in re.split(r"[,;|]", value) if p.strip()]
    return [value]


def _standardise_value(attr: AttributeSpec, value: Any, path: str, row: _Row) -> Any:
    kind = attr.kind
    if kind is Kind.ADDRESS:
        return _address(value, path, row)
    if kind is Kind.LICENSE:
        return _license(value, path, row)
    if kind is Kind.BOOL:
        return _boolean(value, path, row)
    if isinstance(value, bool) or not isinstance(value, str | int):
        row.error(path, f"must be a string, got {type(value).__name__}", "type")
        return None
    text = collapse_whitespace(str(value))
    if not text:
        return None
    if len(text) > attr.max_length:
        row.error(
            path, f"is {len(text)} characters long; at most {attr.max_length} allowed", "too_long"
        )
        return None
    if kind is Kind.TEXT:
        return text
    if kind is Kind.NAME_PART:
        return title_case_name(text)
    if kind is Kind.SUFFIX:
        suffix = normalise_suffix(text)
        if suffix is None:
            row.error(path, f"{text!r} is not a name suffix (JR, SR, II, III, IV, V)")
        return suffix
    if kind is Kind.CREDENTIAL:
        credential = normalise_credential(text)
        if credential is None:
            # An unfamiliar credential is kept as sent, upper-cased, and flagged for a steward.
            row.issue(path, "unknown_credential", f"{text!r} is not a known credential")
            return text.upper()
        return credential
    if kind is Kind.DATE:
        return _date(text, path, row)
    if kind is Kind.ENUM:
        return _enum(attr, text, path, row)
    if kind is Kind.PHONE:
        return _checked(check_phone(text), path, row)
    if kind is Kind.EMAIL:
        return _checked(check_email(text), path, row)
    if kind in (Kind.IDENTIFIER, Kind.CODE):
        assert attr.scheme is not None, f"{attr.name} declares no scheme"
        return _checked(CHECKERS[attr.scheme](text), path, row)
    raise AssertionError(f"unhandled attribute kind {kind}")


def _checked(check: Any, path: str, row: _Row) -> str:
    if not check.valid:
        row.issue(path, f"invalid_{check.scheme}", check.reason or f"not a valid {check.scheme}")
    return str(check.value)


def _parsed_date(text: str) -> date | None:
    if _ISO_DATE.fullmatch(text):
        # The usual form, without strptime's locale lookups (a tenth of a file's validation).
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None  # 2023-02-30: no other format reads four digits first either
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date(text: str, path: str, row: _Row) -> str | None:
    parsed = _parsed_date(text)
    if parsed is not None:
        if parsed > date.today():
            row.issue(path, "future_date", f"{parsed.isoformat()} is in the future")
        return parsed.isoformat()
    row.error(path, f"{text!r} is not a valid date (use YYYY-MM-DD or MM/DD/YYYY)", "invalid_date")
    return None


def _enum(attr: AttributeSpec, text: str, path: str, row: _Row) -> str | None:
    by_folded = {c.casefold(): c for c in attr.choices}
    folded = text.casefold().replace(" ", "_").replace("-", "_")
    if folded in by_folded:
        return by_folded[folded]
    row.error(path, f"{text!r} is not one of: {', '.join(attr.choices)}", "invalid_choice")
    return None


def _boolean(value: Any, path: str, row: _Row) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | str) and str(value).strip().casefold() in _TRUE | _FALSE:
        return str(value).strip().casefold() in _TRUE
    row.error(path, f"{value!r} is not a boolean (true/false, Y/N)", "type")
    return None


def _address(value: Any, path: str, row: _Row) -> dict[str, str] | None:
    if not isinstance(value, dict):
        row.error(path, "must be an object with line1, line2, city, state, zip", "type")
        return None
    unknown = sorted(set(value) - set(_ADDRESS_FIELDS))
    for key in unknown:
        row.error(f"{path}.{key}", "unknown address field", "unknown_attribute")
    out: dict[str, str] = {}
    # US states and ZIP codes are checked for US addresses only: an employee's home address
    # abroad keeps its own region and postcode as sent.
    country = str(value.get("country") or "US").strip().upper()
    domestic = country in ("US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA")
    for key in _ADDRESS_FIELDS:
        part = value.get(key)
        if part is None or part == "":
            continue
        if not isinstance(part, str | int) or isinstance(part, bool):
            row.error(f"{path}.{key}", "must be a string", "type")
            continue
        text = collapse_whitespace(str(part))
        if key in ("line1", "line2"):
            out[key] = standardise_street(text)
        elif key == "city":
            out[key] = standardise_city(text)
        elif key in ("state", "zip") and not domestic:
            out[key] = text.upper()
        elif key == "state":
            state = normalise_state(text)
            if state is None:
                row.error(
                    f"{path}.state", f"{text!r} is not a US state or territory", "invalid_state"
                )
                continue
            out[key] = state
        elif key == "zip":
            out[key] = _checked(check_zip(text), f"{path}.zip", row)
        else:
            out[key] = text.upper()
    if unknown:
        return None
    return out or None


def _license(value: Any, path: str, row: _Row) -> dict[str, str] | None:
    if not isinstance(value, dict) or not value.get("number"):
        row.error(path, "must be an object with state and number", "type")
        return None
    state = normalise_state(str(value.get("state", "")))
    if state is None:
        row.error(
            f"{path}.state",
            f"{value.get('state')!r} is not a US state or territory",
            "invalid_state",
        )
        return None
    number = re.sub(r"[\s.-]", "", str(value["number"])).upper()
    return {"state": state, "number": number}


def invalid_attributes(quality_issues: list[Any] | None) -> list[str]:
    """Attributes whose value failed its check (``invalid_*`` issues), e.g. an NPI's check digit.

    They are kept on the record but are no evidence of identity, and survivorship's
    ``valid_first`` prefers any other record's value that passed.

    >>> invalid_attributes([{"field": "attributes.npi", "code": "invalid_npi", "reason": "x"}])
    ['npi']
    """
    out = []
    for issue in quality_issues or []:
        where = str(issue.get("field", ""))
        if str(issue.get("code", "")).startswith("invalid_") and where.startswith("attributes."):
            out.append(where.split(".")[1].split("[")[0])
    return out
