"""Survivorship policies over REST: store a version, preview it, activate it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import golden, golden_of, make_system, send

GRACE = {"name": "Okafor, Grace", "birth_date": "1975-02-14", "email": "go@erp.example"}


def _policy(**extra: Any) -> dict[str, Any]:
    return {
        "domain": "provider",
        "version": "provider-billing-phone-v2",
        "default": [{"kind": "most_recent"}],
        "attributes": {
            "phone": {
                "rules": [
                    {"kind": "source_priority", "sources": ["billing", "erp"]},
                    {"kind": "most_recent"},
                ]
            }
        },
        **extra,
    }


def _grace_in_two_systems(client: TestClient) -> str:
    make_system(client, "erp")
    make_system(client, "billing")
    send(
        client,
        "billing",
        "provider",
        {"source_key": "B1", "attributes": {**GRACE, "phone": "(512) 555-0100"}},
    )
    # The ERP sends later, so "most recent" picks the ERP's phone.
    send(
        client,
        "erp",
        "provider",
        {"source_key": "P1", "attributes": {**GRACE, "phone": "(512) 555-0199"}},
    )
    gid = golden_of(client, "erp", "provider", "P1")
    assert golden_of(client, "billing", "provider", "B1") == gid
    return gid


def test_store_preview_and_activate_a_policy(client: TestClient) -> None:
    gid = _grace_in_two_systems(client)
    assert golden(client, "provider", gid)["attributes"]["phone"] == "+15125550199"

    stored = client.post(
        "/api/v1/survivorship/policies", json={"policy": _policy(), "note": "billing verifies"}
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["status"] == "draft"
    # A draft changes nothing.
    assert golden(client, "provider", gid)["attributes"]["phone"] == "+15125550199"

    preview = client.get("/api/v1/survivorship/policies/provider-billing-phone-v2/preview").json()
    assert preview["changed"] == 1
    assert preview["by_attribute"] == {"phone": 1}
    assert preview["examples"] == [
        {"golden_id": gid, "attribute": "phone", "now": "+15125550199", "after": "+15125550100"}
    ]
    assert preview["active_version"] == "provider-default-v1"

    activated = client.post("/api/v1/survivorship/policies/provider-billing-phone-v2/activate")
    assert activated.status_code == 200, activated.text
    assert activated.json()["golden_records_changed"] == 1
    record = golden(client, "provider", gid)
    assert record["attributes"]["phone"] == "+15125550100"
    assert record["lineage"]["phone"]["rule"] == "source_priority"
    assert record["lineage"]["phone"]["source_system"] == "billing"
    last = client.get(f"/api/v1/golden/provider/{gid}/history").json()[-1]
    assert last["reason"] == "survivorship policy provider-billing-phone-v2 activated"
    assert last["rule_set_version"] == "provider-default-1+provider-billing-phone-v2"
    active = client.get("/api/v1/survivorship/policies/active/provider").json()
    assert active["version"] == "provider-billing-phone-v2"

    # New records are resolved by the active policy too.
    send(
        client,
        "erp",
        "provider",
        {"source_key": "P1", "attributes": {**GRACE, "phone": "(512) 555-0177"}},
    )
    after = golden(client, "provider", gid)
    assert after["attributes"]["phone"] == "+15125550100"
    assert after["attributes"]["email"] == "go@erp.example"


def test_a_policy_that_does_not_fit_the_domain_is_refused_with_the_field(
    client: TestClient,
) -> None:
    unknown = client.post(
        "/api/v1/survivorship/policies",
        json={"policy": _policy(attributes={"fax": {"rules": [{"kind": "most_recent"}]}})},
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"].startswith("policy.attributes.fax")

    union_single = client.post(
        "/api/v1/survivorship/policies",
        json={"policy": _policy(attributes={"phone": {"rules": [{"kind": "union"}]}})},
    )
    assert union_single.status_code == 422
    assert "phone" in union_single.json()["error"]["fields"][0]["field"]

    bad_kind = client.post(
        "/api/v1/survivorship/policies",
        json={"policy": _policy(attributes={"phone": {"rules": [{"kind": "loudest"}]}})},
    )
    assert bad_kind.status_code == 422
    assert bad_kind.json()["error"]["fields"][0]["field"].startswith("policy.attributes.phone")

    assert (
        client.post("/api/v1/survivorship/policies", json={"policy": _policy()}).status_code == 201
    )
    again = client.post("/api/v1/survivorship/policies", json={"policy": _policy()})
    assert again.status_code == 409
    assert client.get("/api/v1/survivorship/policies/nope/preview").status_code == 404


def test_preview_counts_a_change_of_rule_behind_the_same_value(client: TestClient) -> None:
    gid = _grace_in_two_systems(client)
    # The ERP's phone wins today as the most recent; ranked first, it wins by priority.
    policy = _policy(
        version="provider-erp-phone-v2",
        attributes={"phone": {"rules": [{"kind": "source_priority", "sources": ["erp"]}]}},
    )
    assert client.post("/api/v1/survivorship/policies", json={"policy": policy}).status_code == 201

    preview = client.get("/api/v1/survivorship/policies/provider-erp-phone-v2/preview").json()
    activated = client.post("/api/v1/survivorship/policies/provider-erp-phone-v2/activate").json()

    assert (preview["changed"], preview["lineage_only"]) == (0, 1)
    assert activated["golden_records_changed"] == 1
    assert golden(client, "provider", gid)["lineage"]["phone"]["rule"] == "source_priority"
