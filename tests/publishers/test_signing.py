"""Standard Webhooks v1: what the hub sends must verify with the official verifier."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from publishers.signing import (
    SECRET_PREFIX,
    InvalidSecret,
    generate_secret,
    secret_bytes,
    signature,
    webhook_headers,
)

BODY = b'{"specversion":"1.0","id":"evt_1","data":{"name":"Zo\xc3\xab Clinic"}}'
CONTENT_TYPE = "application/cloudevents+json"


def _headers(
    secrets: list[str], *, timestamp: int | None = None, body: bytes = BODY
) -> dict[str, str]:
    return webhook_headers(
        msg_id="evt_1",
        timestamp=int(time.time()) if timestamp is None else timestamp,
        body=body,
        secrets=secrets,
        content_type=CONTENT_TYPE,
    )


def test_generated_secret_is_prefixed_base64_of_the_requested_length() -> None:
    for n_bytes in (24, 32, 64):
        secret = generate_secret(n_bytes)
        assert secret.startswith(SECRET_PREFIX)
        assert len(base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)) == n_bytes
        assert len(secret_bytes(secret)) == n_bytes
    assert generate_secret() != generate_secret()
    assert len(secret_bytes(generate_secret())) == 32


@pytest.mark.parametrize("n_bytes", [0, 16, 23, 65, 128])
def test_generate_secret_refuses_lengths_outside_24_to_64(n_bytes: int) -> None:
    with pytest.raises(ValueError, match="24..64"):
        generate_secret(n_bytes)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_"),
        ("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_"),
        ("whsec_not*base64!at/all", "base64"),
        ("whsec_" + base64.b64encode(b"x" * 16).decode(), "24..64"),
        ("whsec_" + base64.b64encode(b"x" * 65).decode(), "24..64"),
        ("whsec_", "24..64"),
    ],
)
def test_secret_bytes_names_what_is_wrong(secret: str, reason: str) -> None:
    with pytest.raises(InvalidSecret, match=reason):
        secret_bytes(secret)


def test_secret_bytes_accepts_unpadded_base64_as_other_publishers_issue_it() -> None:
    key = b"k" * 25  # base64 of 25 bytes needs padding
    unpadded = SECRET_PREFIX + base64.b64encode(key).decode().rstrip("=")
    assert secret_bytes(unpadded) == key


def test_signature_matches_the_standard_webhooks_test_vector() -> None:
    # The example in the Standard Webhooks specification.
    assert (
        signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_headers_carry_id_timestamp_signature_and_content_type() -> None:
    secret = generate_secret()
    headers = _headers([secret], timestamp=1_700_000_000)
    assert headers == {
        "webhook-id": "evt_1",
        "webhook-timestamp": "1700000000",
        "webhook-signature": signature(secret, "evt_1", 1_700_000_000, BODY),
        "content-type": CONTENT_TYPE,
    }


def test_official_verifier_accepts_what_the_hub_sends() -> None:
    secret = generate_secret()
    payload = Webhook(secret).verify(BODY, _headers([secret]))
    assert payload["data"] == {"name": "Zoë Clinic"}


def test_rotation_header_verifies_with_each_secret_alone() -> None:
    old, new = generate_secret(), generate_secret(48)
    headers = _headers([old, new])
    first, second = headers["webhook-signature"].split(" ")
    timestamp = int(headers["webhook-timestamp"])
    assert first == signature(old, "evt_1", timestamp, BODY)
    assert second == signature(new, "evt_1", timestamp, BODY)
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(generate_secret()).verify(BODY, headers)


def test_tampered_body_fails_verification() -> None:
    secret = generate_secret()
    headers = _headers([secret])
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(BODY.replace(b"evt_1", b"evt_2"), headers)


def test_old_timestamp_fails_verification() -> None:
    secret = generate_secret()
    headers = _headers([secret], timestamp=int(time.time()) - 3600)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, headers)


def test_signature_binds_the_timestamp() -> None:
    # Replaying an old request under a fresh timestamp must not verify.
    secret = generate_secret()
    stale = _headers([secret], timestamp=int(time.time()) - 3600)
    replay = {**stale, "webhook-timestamp": str(int(time.time()))}
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(BODY, replay)


def test_headers_need_a_secret_and_refuse_invalid_ones() -> None:
    with pytest.raises(ValueError, match="at least one secret"):
        _headers([])
    with pytest.raises(InvalidSecret):
        _headers([generate_secret(), "whsec_short"])


@pytest.mark.parametrize("msg_id", ["", "evt 1", "evt\n1", "evt\t1"])
def test_headers_refuse_ids_that_break_a_header(msg_id: str) -> None:
    with pytest.raises(ValueError, match="msg_id"):
        webhook_headers(
            msg_id=msg_id, timestamp=1, body=b"", secrets=[generate_secret()], content_type="x"
        )


@pytest.mark.parametrize("timestamp", [-1, True])
def test_headers_refuse_timestamps_that_are_not_unix_seconds(timestamp: int) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        webhook_headers(
            msg_id="evt_1",
            timestamp=timestamp,
            body=b"",
            secrets=[generate_secret()],
            content_type="x",
        )
