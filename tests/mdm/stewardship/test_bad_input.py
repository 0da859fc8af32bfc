"""bad input on the new endpoints answers 4xx naming the field, never 500; golden
versions name the match rule set and the survivorship policy."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import golden_of, make_system, send
from tests.mdm.stewardship.helpers import GRACE


def _one_golden(client: TestClient) -> str:
    make_system(client, "erp")
    send(client, "erp", "provider", {"source_key": "P1", "attributes": GRACE})
    return golden_of(client, "erp", "provider", "P1")


def test_pinning_a_blank_value_is_refused_naming_the_field(client: TestClient) -> None:
    golden_id = _one_golden(client)

    response = client.put(
        f"/api/v1/golden/provider/{golden_id}/pins/phone", json={"value": "   ", "reason": "x"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "value"


def test_out_of_range_ids_are_not_server_errors(client: TestClient) -> None:
    huge = 10**20
    assert client.get(f"/api/v1/stewardship/candidates/{huge}").status_code in (404, 422)
    assert client.get("/api/v1/quality/records", params={"after_id": huge}).status_code in (
        200,
        422,
    )
    bulk = client.post(
        "/api/v1/stewardship/candidates/decisions",
        json={"decisions": [{"candidate_id": huge, "action": "defer"}]},
    )
    assert bulk.status_code in (200, 422)


def test_a_policy_version_too_long_to_store_is_refused(client: TestClient) -> None:
    # survivorship_policy.version is VARCHAR(100): PostgreSQL answers 500; SQLite stores it and
    # every golden version then names a rule set longer than golden_version allows (64).
    policy = {"domain": "provider", "version": "p" * 150, "default": [{"kind": "most_recent"}]}

    response = client.post("/api/v1/survivorship/policies", json={"policy": policy})

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "policy.version"


def test_golden_versions_written_by_pins_and_activation_name_the_match_rule_set(
    client: TestClient,
) -> None:
    golden_id = _one_golden(client)
    client.put(
        f"/api/v1/golden/provider/{golden_id}/pins/specialty",
        json={"value": "Cardiology", "reason": "credentialing file"},
    )
    policy = {
        "domain": "provider",
        "version": "provider-erp-v2",
        "default": [{"kind": "source_priority", "sources": ["erp"]}, {"kind": "most_recent"}],
    }
    assert client.post("/api/v1/survivorship/policies", json={"policy": policy}).status_code == 201
    assert client.post("/api/v1/survivorship/policies/provider-erp-v2/activate").status_code == 200
    client.delete(f"/api/v1/golden/provider/{golden_id}/pins/specialty", params={"reason": "x"})

    history = client.get(f"/api/v1/golden/provider/{golden_id}/history").json()

    # docs/survivorship.md: every golden version records "<match rule set>+<policy>". the
    # pin, unpin and activation versions record the policy alone ("provider-default-v1").
    assert [h["rule_set_version"].split("+")[0] for h in history] == ["provider-default-1"] * len(
        history
    )
