"""A pooled PostgreSQL connection that died while idle is replaced before it is handed out; one
in steady use is handed out without a check round trip (oktra/db.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from oktra import db
from oktra.db import get_engine
from oktra.settings import get_settings

pytestmark = pytest.mark.postgres


def _backend_pid() -> int:
    with get_engine().connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar())


@pytest.fixture
def engine_on_postgres(postgres_admin, monkeypatch):
    monkeypatch.setenv(
        "OKTRA_DATABASE_URL", postgres_admin.url.render_as_string(hide_password=False)
    )
    get_settings.cache_clear()
    return get_engine()


def test_a_connection_killed_while_idle_is_replaced_and_the_query_succeeds(
    engine_on_postgres, postgres_admin, monkeypatch
):
    first = _backend_pid()
    with postgres_admin.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.commit()
    monkeypatch.setattr(db, "IDLE_CHECK_SECONDS", 0.0)
    second = _backend_pid()
    assert second != first


def test_a_connection_in_steady_use_is_handed_out_unchecked_and_one_failure_renews_the_pool(
    engine_on_postgres, postgres_admin
):
    first = _backend_pid()
    with postgres_admin.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.commit()
    with pytest.raises(OperationalError):
        _backend_pid()
    assert _backend_pid() != first
