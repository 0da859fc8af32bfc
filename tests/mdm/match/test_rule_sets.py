"""Rule-set versions over REST and the CLI: store, preview in shadow, train, activate."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from matching.defaults import employee, provider
from mdm.cli import app
from mdm.config import Settings, get_settings
from mdm.demo.loader import load_demo
from tests.helpers import NPI_A, make_system, send


def _stricter() -> dict[str, Any]:
    data = provider().model_dump(mode="json")
    data["version"] = "provider-strict-2"
    # Nothing but an identical NPI joins records any more.
    data["thresholds"] = {"auto_match": 1000, "review": 999}
    return data


def _pair(client: TestClient) -> None:
    make_system(client, "erp")
    make_system(client, "clinic_a")
    send(
        client,
        "erp",
        "provider",
        {
            "source_key": "P1",
            "attributes": {"name": "HARTLEY, WILLIAM", "birth_date": "1968-04-12", "npi": NPI_A},
        },
    )
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "7", "attributes": {"name": "Bill Hartley", "birth_date": "1968-04-12"}},
    )


def test_the_active_settings_are_the_shipped_defaults_until_a_rule_set_is_activated(
    client: TestClient,
) -> None:
    body = client.get("/api/v1/match/settings/provider").json()

    assert body["version"] == "provider-default-1"
    assert body["cannot_link"] == ["npi"]


def test_invalid_settings_are_refused_naming_the_field(client: TestClient) -> None:
    data = _stricter()
    data["thresholds"] = {"auto_match": 1, "review": 5}
    del data["comparisons"][0]["levels"][0]["m"]

    response = client.post("/api/v1/match/rule-sets", json={"settings": data})

    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert "settings.comparisons.0.levels.0.m" in fields


def test_a_version_is_immutable(client: TestClient) -> None:
    first = client.post("/api/v1/match/rule-sets", json={"settings": _stricter()})
    again = client.post("/api/v1/match/rule-sets", json={"settings": _stricter()})

    assert first.status_code == 201
    assert first.json()["status"] == "draft"
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "rule_set_exists"


def test_preview_reports_the_splits_a_draft_would_make_and_changes_nothing(
    client: TestClient,
) -> None:
    _pair(client)
    together = client.get("/api/v1/sources/erp/domains/provider/records/P1").json()["golden_id"]
    client.post("/api/v1/match/rule-sets", json={"settings": _stricter()})

    report = client.get("/api/v1/match/rule-sets/provider-strict-2/preview").json()

    assert report["active_version"] == "provider-default-1"
    assert report["merges"] == []
    assert [golden_id for golden_id, _ in report["splits"]] == [together]
    assert (
        client.get("/api/v1/sources/clinic_a/domains/provider/records/7").json()["golden_id"]
        == together
    )


def test_activating_a_rule_set_rematches_the_domain_under_its_version(client: TestClient) -> None:
    _pair(client)
    client.post("/api/v1/match/rule-sets", json={"settings": _stricter()})

    result = client.post("/api/v1/match/rule-sets/provider-strict-2/activate").json()

    assert result["moved"] == 1
    assert result["founded"] == 1
    assert client.get("/api/v1/match/settings/provider").json()["version"] == "provider-strict-2"
    erp = client.get("/api/v1/sources/erp/domains/provider/records/P1").json()["golden_id"]
    clinic = client.get("/api/v1/sources/clinic_a/domains/provider/records/7").json()["golden_id"]
    assert erp != clinic
    last = [
        client.get(f"/api/v1/match/decisions/{path}").json()[-1]
        for path in ("erp/provider/P1", "clinic_a/provider/7")
    ]
    # One of the two moved out, with a decision naming the activation.
    (moved,) = [d for d in last if d["rule_set_version"] == "provider-strict-2"]
    assert moved["trigger"] == "rule set provider-strict-2 activated"
    assert moved["outcome"] == "moved"
    history = client.get(f"/api/v1/golden/provider/{moved['golden_id']}/history").json()
    assert history[-1]["rule_set_version"] == "provider-strict-2+provider-default-v1"


def test_cli_trains_previews_and_activates(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(Settings(database_url=fresh_database_url))
    monkeypatch.setenv("MDM_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        trained = runner.invoke(
            app, ["match", "train", "--domain", "provider", "--version", "p-t1"]
        )
        preview = runner.invoke(
            app, ["match", "preview", "--domain", "provider", "--version", "p-t1"]
        )
        activated = runner.invoke(app, ["match", "activate", "p-t1"])
        listed = runner.invoke(app, ["match", "list", "--domain", "provider"])
        unknown = runner.invoke(app, ["match", "train", "--domain", "providers"])
    finally:
        get_settings.cache_clear()

    assert trained.exit_code == 0, trained.output
    assert "stored p-t1 (draft): 144 records" in trained.output
    assert preview.exit_code == 0, preview.output
    assert "p-t1 (active: provider-default-1) over 144 records" in preview.output
    assert activated.exit_code == 0, activated.output
    assert "activated p-t1: re-matched 144 records" in activated.output
    assert "p-t1" in listed.output
    assert "active" in listed.output
    assert unknown.exit_code == 1
    assert "providers" in unknown.output


def test_cli_rematch_rebuilds_an_index_an_older_default_built(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from mdm.api.app import create_app
    from mdm.db.engine import create_engine_for_url

    amber = {
        "first_name": "Amber",
        "last_name": "Pamplin",
        "birth_date": "1937-04-07",
        "home_address": {"line1": "58 Andrea Pl", "city": "Seven Hills", "zip": "50450"},
    }
    app_settings = Settings(database_url=fresh_database_url, delivery_mode="off")

    def golden_of(client: TestClient, system: str, key: str) -> str:
        response = client.get(f"/api/v1/sources/{system}/domains/employee/records/{key}")
        assert response.status_code == 200, response.text
        golden: str = response.json()["golden_id"]
        return golden

    with TestClient(create_app(app_settings)) as client:
        make_system(client, "hr", sends=["employee"])
        make_system(client, "payroll", sends=["employee"])
        send(client, "hr", "employee", {"source_key": "E1", "attributes": amber})
    # The hub upgraded: its index was built with rules the shipped default no longer has.
    engine = create_engine_for_url(fresh_database_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM blocking_key WHERE domain = 'employee'"))
    with TestClient(create_app(app_settings)) as client:
        send(client, "payroll", "employee", {"source_key": "77", "attributes": amber})
        assert golden_of(client, "hr", "E1") != golden_of(client, "payroll", "77")

    monkeypatch.setenv("MDM_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    try:
        rematched = CliRunner().invoke(app, ["match", "rematch", "--domain", "employee"])
        unknown = CliRunner().invoke(app, ["match", "rematch", "--domain", "employees"])
    finally:
        get_settings.cache_clear()

    assert rematched.exit_code == 0, rematched.output
    assert "employee: re-matched 2 records" in rematched.output
    assert unknown.exit_code == 1
    assert "employees" in unknown.output
    with engine.connect() as connection:
        indexed = connection.execute(
            text("SELECT count(DISTINCT source_record_id) FROM blocking_key")
        ).scalar_one()
    engine.dispose()
    assert indexed == 2
    with TestClient(create_app(app_settings)) as client:
        assert golden_of(client, "hr", "E1") == golden_of(client, "payroll", "77")


def test_rematching_under_summed_contrary_evidence_splits_a_parent_and_child_the_old_rules_merged(
    client: TestClient,
) -> None:
    # employee-default-2 and the rule sets trained from it merged a parent and child with one
    # name at one address; re-matched under "summed", they part and a steward is asked.
    single = employee().model_dump(mode="json")
    single.update(version="employee-single-1", strong_pair_guard="single")
    summed = {**employee().model_dump(mode="json"), "version": "employee-summed-1"}
    for settings in (single, summed):
        stored = client.post("/api/v1/match/rule-sets", json={"settings": settings})
        assert stored.status_code == 201, stored.text
    client.post("/api/v1/match/rule-sets/employee-single-1/activate")
    make_system(client, "hr", sends=["employee"])
    home = {"line1": "58 Andrea Pl", "city": "Evanston", "state": "IL", "zip": "60201"}
    person = {"first_name": "Amber", "last_name": "Pamplin", "home_address": home}
    for key, born, ssn in (("E1", "1937-04-07", "101824555"), ("E2", "1966-09-21", "105390217")):
        attributes = {**person, "birth_date": born, "ssn": ssn}
        send(client, "hr", "employee", {"source_key": key, "attributes": attributes})

    def golden_of(key: str) -> str:
        record = client.get(f"/api/v1/sources/hr/domains/employee/records/{key}").json()
        return str(record["golden_id"])

    assert golden_of("E1") == golden_of("E2")

    result = client.post("/api/v1/match/rule-sets/employee-summed-1/activate").json()

    assert result["moved"] == 1
    assert golden_of("E1") != golden_of("E2")
    (candidate,) = client.get("/api/v1/match/candidates").json()["candidates"]
    assert candidate["reason"] == "contrary_evidence"
    assert candidate["rule_set_version"] == "employee-summed-1"
