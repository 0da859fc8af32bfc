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


def test_migration_0005_converts_stored_hex_keys_into_the_integers_matching_looks_up(
    fresh_database_url: str,
) -> None:
    """A hub upgraded with its blocking index filled keeps finding every block: each stored
    key becomes what hash_key now gives for the same blocking key, sign included."""
    import hashlib

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from mdm.match.repository import hash_key
    from mdm.models import GoldenRecord, SourceRecord, SourceSystem

    config = alembic_config(fresh_database_url)
    command.downgrade(config, "0004")
    keys = ["ssn:101317399", "name:SMITH|J", "npi:1234567893", "mpn:ÉTÉ|X", ""]
    digests = {
        key: hashlib.blake2b(f"employee|{key}".encode(), digest_size=16).hexdigest() for key in keys
    }
    # Both signs: a digest starting with a digit 8-f has the integer's top bit set.
    assert {d[0] in "89abcdef" for d in digests.values()} == {True, False}
    engine = create_engine_for_url(fresh_database_url)
    # Tables 0005 leaves as they were, written through today's models.
    with Session(engine) as session:
        system = SourceSystem(code="hr", name="HR", sends_domains=["employee"])
        golden = GoldenRecord(id="EMP-1", domain="employee")
        session.add_all([system, golden])
        session.flush()
        record = SourceRecord(
            source_system_id=system.id,
            domain="employee",
            source_key="e-7",
            golden_id=golden.id,
            raw={},
            attributes={},
            payload_hash="x",
        )
        session.add(record)
        session.commit()
        record_id = record.id
    with engine.begin() as connection:
        for digest in digests.values():
            connection.execute(
                text(
                    "INSERT INTO blocking_key (domain, key_hash, source_record_id) "
                    "VALUES ('employee', :h, :r)"
                ),
                {"h": digest, "r": record_id},
            )
    upgrade(fresh_database_url)
    with engine.connect() as connection:
        stored = set(connection.execute(text("SELECT key_hash FROM blocking_key")).scalars())
        if engine.dialect.name == "sqlite":  # PostgreSQL plans by statistics, not shown here
            plan = connection.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT source_record_id FROM blocking_key "
                    "WHERE domain = 'employee' AND key_hash = 1"
                )
            ).all()
            assert "USING INDEX ix_blocking_key_lookup" in str(plan)
    engine.dispose()
    assert stored == {hash_key("employee", key) for key in keys}
    assert all(isinstance(value, int) for value in stored)
