"""Publishing canonical changes to subscribers: a pure library, with no database or web framework.

- :mod:`publishers.envelope`: the CloudEvents 1.0 structured-JSON envelope (with the sequence
  extension) and its 64 KiB limit.
- :mod:`publishers.signing`: Standard Webhooks v1 secrets, signatures and headers, including
  signing with two secrets during a rotation.
- :mod:`publishers.retry`: the retry schedule (ten attempts over about three days, with jitter)
  and Retry-After parsing.
- :mod:`publishers.address_guard`: SSRF protection for webhook URLs and their DNS answers.
- :mod:`publishers.transport`: one HTTP POST, pinned to the address the guard checked, with no
  redirects followed, turned into a :class:`DeliveryOutcome`.

The hub (``mdm``) owns the delivery rows, ordering and scheduling and calls into this package;
this package never imports ``mdm``, SQLAlchemy or FastAPI (an import-linter contract says so).
"""

from publishers.address_guard import AddressGuard, UnsafeUrl
from publishers.envelope import (
    CONTENT_TYPE,
    MAX_EVENT_BYTES,
    CloudEvent,
    EventTooLarge,
    event_type,
    parse,
)
from publishers.retry import DEFAULT_SCHEDULE, RetryPolicy, parse_retry_after
from publishers.signing import (
    SECRET_PREFIX,
    InvalidSecret,
    generate_secret,
    secret_bytes,
    signature,
    webhook_headers,
)
from publishers.transport import DeliveryOutcome, WebhookTransport, classify

__all__ = [
    "CONTENT_TYPE",
    "DEFAULT_SCHEDULE",
    "MAX_EVENT_BYTES",
    "SECRET_PREFIX",
    "AddressGuard",
    "CloudEvent",
    "DeliveryOutcome",
    "EventTooLarge",
    "InvalidSecret",
    "RetryPolicy",
    "UnsafeUrl",
    "WebhookTransport",
    "classify",
    "event_type",
    "generate_secret",
    "parse",
    "parse_retry_after",
    "secret_bytes",
    "signature",
    "webhook_headers",
]
