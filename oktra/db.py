"""The database engine and session_scope(): the one place that opens database sessions."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlmodel import Session

from oktra.core.errors import ConfigError
from oktra.settings import get_settings


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _forget_pool_after_fork(engine: Engine) -> None:
    """A forked process (a server worker) opens its own connections: the pooled ones it
    inherited share their sockets with the parent, so two processes would talk on one
    PostgreSQL session (one advisory lock "held" by every worker). They are dropped without
    being closed, as closing them would end the parent's sessions too."""
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))


# A pooled PostgreSQL connection left unused this long is checked (a round trip) before it is
# handed out again; one in steady use is not (SQLAlchemy's pool_pre_ping checks every checkout,
# a round trip on every event of every tab under load). A connection that broke while in use
# fails its statement, and SQLAlchemy then drops the whole pool.
IDLE_CHECK_SECONDS = 10.0


def _note_checkin(_dbapi_connection: object, record: object) -> None:
    record.info["idle_since"] = time.monotonic()  # type: ignore[attr-defined]


def _check_if_idle(dbapi_connection: object, record: object, _proxy: object) -> None:
    """Raise DisconnectionError (the pool then opens a new connection) when a connection that
    sat idle no longer answers. The check's transaction is ended: the connection may be handed
    to a reading_scope, which switches it to autocommit."""
    idle_since = record.info.get("idle_since")  # type: ignore[attr-defined]
    if idle_since is None or time.monotonic() - idle_since < IDLE_CHECK_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()  # type: ignore[attr-defined]
    except psycopg.Error as exc:
        raise DisconnectionError(str(exc)) from exc


@functools.cache
def engine_for(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, connect_args={"connect_timeout": 5})
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", _check_if_idle)
    _forget_pool_after_fork(engine)
    return engine


def get_engine() -> Engine:
    """The engine of the configured database."""
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = Session(engine or get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Each engine's autocommit twin (reading_scope), and the way back.
_TRANSACTIONAL: dict[Engine, Engine] = {}


@functools.cache
def _autocommit(engine: Engine) -> Engine:
    twin = engine.execution_options(isolation_level="AUTOCOMMIT")
    _TRANSACTIONAL[twin] = engine
    return twin


def transactional_engine(engine: Engine) -> Engine | None:
    """The engine behind a reading_scope's engine (a streamed read needs a transaction); None
    for an engine that has its transactions already."""
    return _TRANSACTIONAL.get(engine)


@contextmanager
def reading_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session whose statements each commit on their own (autocommit): for reads, and at
    most one independent write. No BEGIN and COMMIT round trips around them: the hot paths
    (a tab's session check, a search, a tender page) are two round trips shorter per event."""
    with session_scope(_autocommit(engine or get_engine())) as session:
        yield session


def check_database(engine: Engine | None = None) -> None:
    """Connect once; raise ConfigError naming OKTRA_DATABASE_URL when that fails."""
    engine = engine or get_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unreachable"
        raise ConfigError("database_url", f"cannot connect to {where} ({reason})") from None
