"""The blocking index's stored form: hashes written by earlier versions must still be found."""

from __future__ import annotations

import hashlib

from mdm.match.repository import hash_key


def test_a_blocking_key_is_stored_as_blake2b_128_of_domain_and_key() -> None:
    # Pinned: every stored row of every hub holds this form; a change strands them all.
    assert hash_key("employee", "ssn:101317399") == "40e2bf36bc2095071dcdd5a764db8264"
    for domain, key in [("provider", "npi:1234567893"), ("item", "mpn:ÉTÉ|X"), ("payer", "")]:
        expected = hashlib.blake2b(f"{domain}|{key}".encode(), digest_size=16).hexdigest()
        assert hash_key(domain, key) == expected
