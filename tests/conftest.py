"""Fixtures shared by the whole suite: clean settings, and databases on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from oktra import migrations
from oktra.db import engine_for, session_scope
from oktra.settings import get_settings

IN_CI = os.environ.get("CI") == "true"
POSTGRES_URL = os.environ.get(
    "OKTRA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
RUN_ID = uuid.uuid4().hex[:8]
REDIS_URL = os.environ.get("OKTRA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


E2E_DIR = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/e2e are end-to-end; they run last, so a fast failure shows first."""
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.timeout(180))
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(autouse=True)
def clean_settings(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path_factory
) -> Iterator[None]:
    """Each test starts from the defaults: no OKTRA_* variable, no .env, test environment.

    End-to-end tests share one running app in this process: they keep its settings.
    """
    if request.node.get_closest_marker("e2e"):
        yield
        return
    for key in list(os.environ):
        if key.startswith("OKTRA_") and not key.startswith("OKTRA_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.setenv("OKTRA_ENV", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis test server's URL; fails under CI when it is unreachable."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        reason = f"Redis unreachable at OKTRA_TEST_REDIS_URL ({exc})"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """A connection to the PostgreSQL test server; fails under CI when it is unreachable."""
    engine = create_engine(
        make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = f"PostgreSQL test server unreachable at OKTRA_TEST_POSTGRES_URL ({exc.orig})"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    yield engine
    with engine.connect() as connection:
        leftovers = connection.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
            {"prefix": f"oktra_test_{RUN_ID}_%"},
        ).scalars()
        for name in list(leftovers):
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _new_postgres_database(admin: Engine) -> str:
    name = f"oktra_test_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return (
        make_url(POSTGRES_URL)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def _drop_postgres_database(admin: Engine, url: str) -> None:
    engine_for(url).dispose()
    name = make_url(url).database
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[str]:
    """An empty database of each kind, made for this test and dropped after it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'oktra.db'}"
        monkeypatch.setenv("OKTRA_DATABASE_URL", url)
        get_settings.cache_clear()
        yield url
        engine_for(url).dispose()
        return
    admin = request.getfixturevalue("postgres_admin")
    url = _new_postgres_database(admin)
    monkeypatch.setenv("OKTRA_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        yield url
    finally:
        _drop_postgres_database(admin, url)


@pytest.fixture
def engine(database_url: str) -> Engine:
    """A migrated database of each kind."""
    migrations.upgrade(database_url)
    return engine_for(database_url)


@pytest.fixture
def session(engine: Engine):
    """A session on the migrated database, committed at the end of the test."""
    with session_scope(engine) as db_session:
        yield db_session
