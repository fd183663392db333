"""Consistent snapshots of the database, and putting one back (docs/backups.md).

SQLite: the online backup API, both ways (a snapshot is a SQLite file; restoring copies it into
the live file page by page in one transaction). PostgreSQL: `pg_dump --format=custom` (one
transaction, a consistent snapshot) and `pg_restore` into a new database that then takes the
live one's name. Connection details go to the tools through PG* variables, never the command
line.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from oktra.db import engine_for, sqlite_path
from oktra.ops.backup_format import BackupError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
MAINTENANCE_DATABASE = "postgres"
TOOL_TIMEOUT_SECONDS = 6 * 3600


def database_kind(url: str) -> str:
    """`sqlite` or `postgresql`."""
    return SQLITE if make_url(url).get_backend_name() == SQLITE else POSTGRESQL


def schema_revision(url: str) -> str | None:
    """The alembic revision a database is at (None when it has no alembic_version table)."""
    engine = engine_for(url)
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _live_sqlite(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database into another with the online backup API (one transaction)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def dump(url: str, target: Path) -> None:
    """Write a consistent snapshot of the database to `target` (a new file)."""
    if database_kind(url) == SQLITE:
        live = _live_sqlite(url)
        if not live.is_file():
            raise BackupError(f"no database file at {live}")
        sqlite_copy(live, target)
        return
    _run_tool(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], url)


def _tool_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[variable] = str(value)
    return env


def _run_tool(command: list[str], url: str) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} is not installed (the PostgreSQL client tools)")
    done = subprocess.run(  # noqa: S603 - fixed program, arguments built here
        [program, *command[1:]],
        env=_tool_env(make_url(url)),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{command[0]} failed: {reason}")


def staging_url(url: str, workdir: Path) -> str:
    """A new, empty database of the same kind to restore into before the swap."""
    if database_kind(url) == SQLITE:
        return f"sqlite:///{workdir / 'restored.db'}"
    parsed = make_url(url)
    name = f"{parsed.database}_restore_{secrets.token_hex(4)}"
    with _maintenance(parsed) as connection:
        connection.execute(text(f"CREATE DATABASE {_quoted(name)}"))
    return parsed.set(database=name).render_as_string(hide_password=False)


def load(snapshot: Path, staging: str) -> None:
    """Fill the staging database from a snapshot."""
    if database_kind(staging) == SQLITE:
        sqlite_copy(snapshot, _live_sqlite(staging))
        return
    database = make_url(staging).database or ""
    _run_tool(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", database, str(snapshot)],
        staging,
    )


def swap(staging: str, live: str) -> None:
    """Make the staging database the live one; the old content is gone afterwards."""
    engine_for(staging).dispose()
    engine_for(live).dispose()
    if database_kind(live) == SQLITE:
        path = _live_sqlite(live)
        path.parent.mkdir(parents=True, exist_ok=True)
        sqlite_copy(_live_sqlite(staging), path)
        return
    target, source = make_url(live), make_url(staging)
    old = f"{target.database}_replaced_{secrets.token_hex(4)}"
    with _maintenance(target) as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if exists:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": target.database},
            )
            connection.execute(
                text(f"ALTER DATABASE {_quoted(target.database)} RENAME TO {_quoted(old)}")
            )
        connection.execute(
            text(f"ALTER DATABASE {_quoted(source.database)} RENAME TO {_quoted(target.database)}")
        )
        if exists:
            connection.execute(text(f"DROP DATABASE {_quoted(old)} WITH (FORCE)"))


def discard(staging: str) -> None:
    """Remove a staging database left by a failed restore."""
    engine_for(staging).dispose()
    if database_kind(staging) == SQLITE:
        return
    parsed = make_url(staging)
    with _maintenance(parsed) as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(parsed.database)} WITH (FORCE)"))


def _quoted(name: str | None) -> str:
    if not name or '"' in name or "\x00" in name:
        raise BackupError(f"unusable database name {name!r}")
    return f'"{name}"'


@contextmanager
def _maintenance(url: URL) -> Iterator[Connection]:
    """An autocommit connection to the server's maintenance database."""
    engine = create_engine(url.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
