from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from matching.defaults import provider
from survivorship import default_policy
from tests.helpers import NPI_A, make_system, send


def test_every_golden_version_says_what_changed_why_by_whom_and_by_which_rules(
    client: TestClient,
) -> None:
    make_system(client, "clinic_a")
    row: dict[str, Any] = {"source_key": "A1", "attributes": {"last_name": "Ng", "npi": NPI_A}}
    golden_id = send(client, "clinic_a", "provider", row)["results"][0]["golden_id"]
    client.post(
        "/api/v1/sources/clinic_a/domains/provider/records",
        json={"records": [{**row, "attributes": {**row["attributes"], "first_name": "Amy"}}]},
        headers={"X-MDM-Actor": "interface-engine"},
    )

    history = client.get(f"/api/v1/golden/provider/{golden_id}/history").json()

    assert [(v["version"], v["reason"], v["actor"]) for v in history] == [
        (1, "created", "api"),
        (2, "source record updated", "interface-engine"),
    ]
    assert history[1]["changed_attributes"] == ["first_name"]
    # The match rule set that placed the records, then the survivorship policy.
    expected = provider().version + "+" + default_policy("provider").version
    assert all(v["rule_set_version"] == expected for v in history)
    assert history[0]["attributes"] == {"last_name": "Ng", "npi": NPI_A}


def test_every_write_is_in_the_audit_log(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "A1", "attributes": {"last_name": "Ng"}},
        {"source_key": "A2", "attributes": {"birth_date": "never"}},
    )
    client.delete("/api/v1/sources/clinic_a/domains/provider/records/A1")

    actions = [e["action"] for e in client.get("/api/v1/audit").json()["entries"]]

    assert actions == [
        "source_system.created",
        # A batch refuses its bad rows first, then matches its good ones together; matching
        # places a record (founding its golden record) as it is stored.
        "reject.created",
        "golden.created",
        "source_record.created",
        "ingest.batch",
        "source_record.deleted",
        "golden.updated",
    ]


def test_audit_log_is_append_only_in_the_database(session: Session, client: TestClient) -> None:
    make_system(client, "clinic_a")

    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM audit_log"))


def test_audit_pages_with_a_cursor(client: TestClient) -> None:
    for code in ("a", "b", "c"):
        make_system(client, code)

    first = client.get("/api/v1/audit", params={"limit": 2}).json()
    rest = client.get(
        "/api/v1/audit", params={"limit": 2, "after_id": first["next_after_id"]}
    ).json()

    assert [e["entity_id"] for e in first["entries"] + rest["entries"]] == ["a", "b", "c"]
