"""The ``mdm`` command as an operator uses it, against a real database of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from mdm.cli import app
from mdm.config import get_settings


@pytest.fixture
def runner(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("MDM_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_source_add_then_list(runner: CliRunner) -> None:
    added = runner.invoke(
        app,
        [
            "source",
            "add",
            "erp",
            "--name",
            "Enterprise ERP",
            "--sends",
            "supplier,item",
            "--receives",
            "provider",
        ],
    )
    listed = runner.invoke(app, ["source", "list"])

    assert added.exit_code == 0, added.output
    assert "erp" in listed.output
    assert "sends: item,supplier" in listed.output


def test_source_add_refuses_unknown_domain_by_name(runner: CliRunner) -> None:
    result = runner.invoke(app, ["source", "add", "pm", "--name", "PM", "--sends", "widgets"])

    assert result.exit_code == 2
    assert "sends" in result.output
    assert "widgets" in result.output


def test_source_add_twice_fails_clearly(runner: CliRunner) -> None:
    runner.invoke(app, ["source", "add", "erp", "--name", "ERP"])

    again = runner.invoke(app, ["source", "add", "erp", "--name", "ERP"])

    assert again.exit_code == 1
    assert "already exists" in again.output


def test_db_upgrade_and_check(runner: CliRunner) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    checked = runner.invoke(app, ["db", "check"])

    assert checked.exit_code == 0, checked.output
