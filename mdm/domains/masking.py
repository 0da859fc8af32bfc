"""Masking of sensitive attributes for API responses and the audit log."""

from __future__ import annotations

import json
import re
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
    sensitive attributes masked. A refused row may be any JSON, or the text of a file's line
    that is not JSON at all: lists are masked element by element, and in text every sensitive
    attribute written as ``"ssn": "..."`` (or a bare value) is masked where it stands.

    >>> from mdm.domains import DOMAINS
    >>> mask_row(DOMAINS["employee"], '{"source_key": "A2", "attributes": {"ssn": "123-45-6789",}')
    '{"source_key": "A2", "attributes": {"ssn": "***-**-6789",}'
    """
    if isinstance(row, Mapping) and isinstance(row.get("attributes"), Mapping):
        return {**row, "attributes": mask_attributes(spec, row["attributes"])}
    if isinstance(row, list):
        return [mask_row(spec, item) for item in row]
    if isinstance(row, str):
        return _mask_text(spec, row)
    return row


def _mask_text(spec: DomainSpec, text: str) -> str:
    for attr in spec.attributes:
        if not attr.sensitive:
            continue
        pattern = re.compile(
            # The value: a JSON string (perhaps never closed), or a bare token up to , } ] or space.
            rf'("{re.escape(attr.name)}"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}}\]\s]+)'
        )

        def masked(found: re.Match[str], scheme: str | None = attr.scheme) -> str:
            value = found.group(2)
            bare = value[1:-1] if value.endswith('"') and len(value) > 1 else value.lstrip('"')
            return found.group(1) + json.dumps(mask_value(scheme, bare))

        text = pattern.sub(masked, text)
    return text


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
