"""Test databases: real SQLite by default, real PostgreSQL when MDM_TEST_DATABASE_URL names one.

The schema is always created by the Alembic migrations, never by ``create_all``. Each test runs in
a transaction that is rolled back; code under test that commits releases a SAVEPOINT instead.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

with warnings.catch_warnings():
    # Starlette announces a future move of its test client to httpx2; nothing to act on yet, and
    # conftest is imported before pytest's own warning filters apply.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session

from mdm.api.app import create_app
from mdm.api.deps import get_session
from mdm.config import Settings
from mdm.db import create_engine_for_url
from mdm.db.migrate import upgrade

TEST_DATABASE_URL = os.environ.get("MDM_TEST_DATABASE_URL", "")

# Property tests check properties, never time: Hypothesis's default 200 ms deadline per example
# failed an arrival-order test of survivorship now and then on a shared, loaded machine (CI
# runs beside benchmarks). Time is measured in benchmarks/, not here.
hypothesis_settings.register_profile("hub", deadline=None)
hypothesis_settings.load_profile("hub")


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def _admin_url(url: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql", database="postgres")
        .render_as_string(hide_password=False)
    )


def _create_database(tmp_dir: Path) -> tuple[str, object]:
    """A new, empty database; returns its URL and a token to drop it with."""
    if not TEST_DATABASE_URL or TEST_DATABASE_URL.startswith("sqlite"):
        path = tmp_dir / f"mdm-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", None
    import psycopg

    name = f"mdm_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(
            _admin_url(TEST_DATABASE_URL), autocommit=True, connect_timeout=5
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {TEST_DATABASE_URL} is unreachable: {exc}"
        if os.environ.get("CI") == "true":
            pytest.exit(message, returncode=3)
        pytest.skip(message)
    url = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    return url, name


def _drop_database(token: object) -> None:
    if token is None:
        return
    import psycopg

    with psycopg.connect(_admin_url(TEST_DATABASE_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{token}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, token = _create_database(tmp_path_factory.mktemp("db"))
    upgrade(url)
    yield url
    _drop_database(token)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine_for_url(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def dialect(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    # No dispatcher: these tests' sessions never commit (delivery tests build their own app).
    return Settings(
        database_url=database_url,
        max_batch_records=50,
        max_request_bytes=256 * 1024,
        delivery_mode="off",
    )


@pytest.fixture
def client(settings: Settings, engine: Engine, session: Session) -> Iterator[TestClient]:
    app = create_app(settings, engine=engine)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database of its own, for tests that must really commit."""
    url, token = _create_database(tmp_path)
    upgrade(url)
    yield url
    _drop_database(token)


@pytest.fixture
def database_factory(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes as many empty, migrated databases as a test needs (each dropped afterwards)."""
    tokens: list[object] = []

    def make() -> str:
        url, token = _create_database(tmp_path)
        tokens.append(token)
        upgrade(url)
        return url

    yield make
    for token in tokens:
        _drop_database(token)


def pytest_report_header() -> str:
    shown = (
        make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)
        if TEST_DATABASE_URL
        else ""
    )
    return f"mdm test database: {shown or 'SQLite (temporary file)'}"
