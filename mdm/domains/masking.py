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
