"""Standard Webhooks v1 signatures: what lets a subscriber prove a request came from the hub.

The scheme (https://www.standardwebhooks.com/) signs ``"{msg_id}.{timestamp}.{body}"`` with
HMAC-SHA256 under a per-endpoint secret. The id lets receivers de-duplicate retries, the
timestamp bounds replays, and the signature header may carry several signatures so an endpoint
can rotate its secret without a window in which valid requests fail verification.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as _secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"
# Standard Webhooks recommends 24..64 bytes of key: fewer is weak, more buys nothing for SHA-256.
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
SIGNATURE_VERSION = "v1"


class InvalidSecret(ValueError):
    """A webhook secret that is not ``whsec_`` + base64 of 24..64 bytes."""


def generate_secret(n_bytes: int = 32) -> str:
    """A new endpoint secret: ``whsec_`` + standard base64 of ``n_bytes`` random bytes."""
    _check_length(n_bytes, ValueError)
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(n_bytes)).decode("ascii")


def secret_bytes(secret: str) -> bytes:
    """The HMAC key inside ``secret``; raises :class:`InvalidSecret` saying what is wrong."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidSecret(f"webhook secret must start with {SECRET_PREFIX!r}")
    encoded = secret[len(SECRET_PREFIX) :]
    # Other publishers (Svix among them) hand out unpadded secrets; accept them as the official
    # verifier does, but nothing that is not base64 (validate=True refuses stray characters).
    encoded += "=" * (-len(encoded) % 4)
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidSecret("webhook secret is not valid base64") from exc
    _check_length(len(key), InvalidSecret)
    return key


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{msg_id}.{timestamp}.{body}">`` under ``secret``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def webhook_headers(
    *,
    msg_id: str,
    timestamp: int,
    body: bytes,
    secrets: Sequence[str],
    content_type: str,
) -> dict[str, str]:
    """The headers of one delivery attempt, signed with every secret in ``secrets``, in order.

    During a rotation pass the old and the new secret: a receiver holding either one verifies.
    """
    if not secrets:
        raise ValueError("at least one secret is needed to sign a webhook")
    _check_msg_id(msg_id)
    # bool is an int; a flag passed by mistake must not become timestamp 1.
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError(f"timestamp must be non-negative Unix seconds, got {timestamp!r}")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets),
        "content-type": content_type,
    }


def _check_length(n_bytes: int, error: type[ValueError]) -> None:
    if not MIN_SECRET_BYTES <= n_bytes <= MAX_SECRET_BYTES:
        raise error(
            f"webhook secret must be {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes, got {n_bytes}"
        )


def _check_msg_id(msg_id: str) -> None:
    # The id travels in a header and is the receivers' de-duplication key: whitespace or control
    # characters would either break the header or make two spellings of one id.
    if not msg_id or any(c.isspace() or not c.isprintable() for c in msg_id):
        raise ValueError(f"msg_id must be non-empty printable text without spaces: {msg_id!r}")
