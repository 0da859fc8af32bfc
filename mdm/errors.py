"""Domain errors. Each carries its HTTP status; one handler in :mod:`mdm.api` renders them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldError:
    """One reason a field was refused: ``field`` is a dotted path such as ``address.state``."""

    field: str
    reason: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "reason": self.reason}


@dataclass
class MDMError(Exception):
    """Base of every expected failure. Never return ``None`` to mean "error": raise one of these."""

    message: str
    status_code: int = 400
    code: str = "bad_request"
    fields: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class NotFound(MDMError):
    def __init__(self, message: str, *, code: str = "not_found") -> None:
        super().__init__(message, 404, code)


class Conflict(MDMError):
    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message, 409, code)


class ValidationFailed(MDMError):
    def __init__(self, message: str, fields: list[FieldError]) -> None:
        super().__init__(message, 422, "validation_failed", fields)


class PayloadTooLarge(MDMError):
    def __init__(self, message: str) -> None:
        super().__init__(message, 413, "payload_too_large")
