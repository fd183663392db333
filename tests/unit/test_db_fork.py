"""Forked server workers (Granian forks them from the process that checked the database) never
share the parent's pooled PostgreSQL connection."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from oktra.db import get_engine
from oktra.settings import get_settings

pytestmark = pytest.mark.postgres


def _backend_pid() -> int:
    with get_engine().connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar())


def test_a_forked_worker_opens_its_own_postgresql_session(postgres_admin, monkeypatch):
    url = postgres_admin.url.render_as_string(hide_password=False)
    monkeypatch.setenv("OKTRA_DATABASE_URL", url)
    get_settings.cache_clear()
    parent_session = _backend_pid()
    assert _backend_pid() == parent_session, "the pool reuses its connection in one process"
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        code = 0
        try:
            os.write(writing, str(_backend_pid()).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(writing)
    child_session = int(os.read(reading, 32).decode() or 0)
    os.close(reading)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert child_session not in (0, parent_session)
    assert _backend_pid() == parent_session, "the parent's session survives the child"
