"""Alembic environment: OKTRA's metadata, the configured engine, batch mode on SQLite."""

from __future__ import annotations

from alembic import context
from oktra.db import engine_for, get_engine
from oktra.migrations import outside_models
from oktra.models import METADATA

config = context.config


def _engine():
    url = config.attributes.get("database_url")
    return engine_for(url) if url else get_engine()


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(
        url=_engine().url.render_as_string(hide_password=False),
        target_metadata=METADATA,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through a live connection."""
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=METADATA,
            render_as_batch=engine.dialect.name == "sqlite",
            compare_type=True,
            include_object=outside_models,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
