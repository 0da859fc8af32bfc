"""How the embedded database's connections are set up (SQLite only)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from mdm.db.engine import create_engine_for_url


def test_sqlite_connections_keep_foreign_keys_wal_and_a_large_page_cache(tmp_path: Path) -> None:
    engine = create_engine_for_url(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        with engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.execute(text(f"PRAGMA {name}")).scalar()

            assert pragma("foreign_keys") == 1
            assert pragma("journal_mode") == "wal"
            # Negative: KiB rather than pages. A file's blocking keys go into an index in hash
            # order; SQLite's default 2 MiB made each insert re-read pages.
            assert pragma("cache_size") == -16 * 1024
    finally:
        engine.dispose()
