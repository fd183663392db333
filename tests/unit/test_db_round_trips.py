"""A pooled PostgreSQL connection that died while idle is replaced before it is handed out; one
in steady use is handed out without a check round trip; reads need no transaction (oktra/db.py)."""

from __future__ import annotations

import psycopg
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


def test_a_reading_scope_opens_no_transaction_where_a_session_scope_does(engine_on_postgres):
    with db.reading_scope() as session:
        session.execute(text("SELECT 1"))
        status = session.connection().connection.dbapi_connection.info.transaction_status
        assert status == psycopg.pq.TransactionStatus.IDLE
    with db.session_scope() as session:
        session.execute(text("SELECT 1"))
        status = session.connection().connection.dbapi_connection.info.transaction_status
        assert status == psycopg.pq.TransactionStatus.INTRANS


def test_a_connection_checked_after_idling_can_serve_a_reading_scope(
    engine_on_postgres, monkeypatch
):
    _backend_pid()
    monkeypatch.setattr(db, "IDLE_CHECK_SECONDS", 0.0)
    with db.reading_scope() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
