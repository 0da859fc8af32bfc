"""Masking of sensitive attributes for API responses and the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matching.standardise import mask_ssn
from mdm.domains.spec import DomainSpec


def mask_value(scheme: str | None, value: Any) -> Any:
    if value is None:
        return None
    if scheme == "ssn":
        return mask_ssn(str(value))
    return "***"


def mask_attributes(spec: DomainSpec, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``attributes`` with every sensitive value masked (SSN keeps its last four)."""
    out = dict(attributes)
    for attr in spec.attributes:
        if attr.sensitive and attr.name in out:
            out[attr.name] = mask_value(attr.scheme, out[attr.name])
    return out


def mask_row(spec: DomainSpec, row: Any) -> Any:
    """A copy of a record shaped as a source sends it (``{"attributes": {...}, ...}``) with its
    sensitive attributes masked; anything else (a refused row may be any JSON) as it is."""
    if isinstance(row, Mapping) and isinstance(row.get("attributes"), Mapping):
        return {**row, "attributes": mask_attributes(spec, row["attributes"])}
    return row


def restore_masked(
    spec: DomainSpec, attributes: Mapping[str, Any], original: Any
) -> dict[str, Any]:
    """``attributes`` with every sensitive value that is the masked form of the ``original``
    one replaced by the original.

    A steward edits what the API showed, masked; sending the mask back means "keep the value",
    not "store ***-**-6789".

    >>> from mdm.domains import DOMAINS
    >>> restore_masked(DOMAINS["employee"], {"ssn": "***-**-6789"}, {"ssn": "123-45-6789"})
    {'ssn': '123-45-6789'}
    """
    out = dict(attributes)
    if not isinstance(original, Mapping):
        return out
    for attr in spec.attributes:
        if not attr.sensitive or attr.name not in out or original.get(attr.name) is None:
            continue
        if out[attr.name] == mask_value(attr.scheme, original[attr.name]):
            out[attr.name] = original[attr.name]
    return out
