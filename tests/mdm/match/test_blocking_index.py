"""The blocking index's stored form: hashes written by earlier versions must still be found."""

from __future__ import annotations

import hashlib

from mdm.match.repository import hash_key


def test_a_blocking_key_is_stored_as_the_first_8_bytes_of_blake2b_128_of_domain_and_key() -> None:
    # Pinned: every stored row of every hub holds this form; a change strands them all.
    # 0x40e2bf36bc209507: the first half of the digest earlier versions stored as hex text.
    assert hash_key("employee", "ssn:101317399") == 0x40E2BF36BC209507
    for domain, key in [("provider", "npi:1234567893"), ("item", "mpn:ÉTÉ|X"), ("payer", "")]:
        digest = hashlib.blake2b(f"{domain}|{key}".encode(), digest_size=16).digest()
        assert hash_key(domain, key) == int.from_bytes(digest[:8], "big", signed=True)


def test_keys_with_the_top_bit_set_are_negative_and_fit_a_signed_64_bit_column() -> None:
    keys = [hash_key("employee", f"ssn:{n}") for n in range(2_000)]
    assert any(k < 0 for k in keys)
    assert any(k > 0 for k in keys)
    assert all(-(2**63) <= k < 2**63 for k in keys)
