from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from mdm.db import create_engine_for_url
from mdm.db.migrate import alembic_config, check, upgrade


def test_models_and_migrations_agree(database_url: str) -> None:
    check(database_url)  # raises when autogenerate would find a difference


def test_downgrade_to_base_and_upgrade_again(fresh_database_url: str) -> None:
    config = alembic_config(fresh_database_url)

    command.downgrade(config, "base")
    engine = create_engine_for_url(fresh_database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(fresh_database_url)
    assert {"golden_record", "source_record", "audit_log"} <= set(inspect(engine).get_table_names())
    engine.dispose()
