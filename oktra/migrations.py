"""Alembic driven from Python: upgrade, and the drift check between models and migrations."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from alembic import command
from oktra.models import METADATA

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str | None = None) -> Config:
    """The project's alembic configuration, optionally aimed at another database."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Migrate the database up to a revision."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    """Migrate the database down to a revision."""
    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    """The newest migration's revision id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


SEARCH_INDEX_OBJECTS = ("tender_fts", "ix_tender_search_")


def outside_models(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Whether autogenerate compares an object: the full-text index (a migration's own
    dialect-specific DDL, docs/search.md) is not described by the models."""
    return not (reflected and name and name.startswith(SEARCH_INDEX_OBJECTS))


def drift(engine: Engine) -> list:
    """Differences between the models and a migrated database (empty when in step)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": outside_models}
        )
        return compare_metadata(context, METADATA)
