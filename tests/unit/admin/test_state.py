"""Staff page states re-check the staff session and the role on the server, every time: the
users page (search, reason, read, suspend) and the audit trail page (filters, CSV)."""

from __future__ import annotations

import base64
import csv
import io

from sqlmodel import select

from oktra.accounts.models import User
from oktra.admin.audit_state import StaffAuditState
from oktra.admin.models import AuditEvent
from oktra.admin.state import DENIED
from oktra.admin.users_state import StaffUsersState
from oktra.db import session_scope
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import add_user, staff_state, staff_token

U = StaffUsersState
REASON = {"reason": "support ticket 88"}


def _customer() -> int:
    with session_scope() as session:
        return add_user(session).id


def _audit_events() -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def _users_page(role: str):
    _staff_id, token = staff_token(role)
    state = staff_state(U, cookie=f"oktra_staff={token}")
    run_handler(U.open_page, state)
    return state


def test_a_customer_session_opens_nothing_in_the_back_office(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    token = signed_in_token(create_account("karim@atlas.ma"))
    for cookie in (f"oktra_session={token}", f"oktra_staff={token}"):
        state = staff_state(U, cookie=cookie)
        assert run_handler(U.open_page, state) is not None
        assert state.statistics == {} and state.staff_links == []
        run_handler(U.search, state, {"query": "karim@atlas.ma"})
        assert state.error == DENIED and state.hits == []
    assert _audit_events() == []


def test_support_searches_gives_a_reason_then_reads_the_user(engine):
    user_id = _customer()
    state = _users_page("support")
    assert not state.denied and state.can_search and state.can_suspend
    assert "/staff/users" in [link["href"] for link in state.staff_links]
    assert "/staff/audit" not in [link["href"] for link in state.staff_links]
    run_handler(U.search, state, {"query": "atlas"})
    assert state.hits == [{"id": str(user_id), "email": "sa•••@atlas.ma", "status": "unverified"}]
    assert _audit_events() == []
    run_handler(U.choose, state, str(user_id))
    assert state.chosen_id == user_id and state.sections == []
    run_handler(U.open_user, state, {"reason": "  "})
    assert "Say why" in state.error and state.sections == []
    run_handler(U.open_user, state, REASON)
    assert state.user_id == user_id and state.user_status == "unverified"
    assert [section["category"] for section in state.sections] == ["account", "alert", "support"]
    assert "salma@atlas.ma" in state.sections[0]["text"]
    events = _audit_events()
    assert {(e.action, e.user_id, e.reason) for e in events} == {
        ("read_user", user_id, "support ticket 88")
    }


def test_support_suspends_the_opened_user_then_lifts_it(engine):
    user_id = _customer()
    state = _users_page("support")
    run_handler(U.choose, state, str(user_id))
    run_handler(U.open_user, state, REASON)
    run_handler(U.suspend, state, {"reason": ""})
    assert "Say why" in state.error
    run_handler(U.suspend, state, {"reason": "fraud reported"})
    assert state.user_status == "suspended" and "suspended" in state.message
    with session_scope() as session:
        assert session.get(User, user_id).disabled_at is not None
    run_handler(U.lift, state, {"reason": "cleared"})
    assert state.user_status == "unverified"
    assert [e.action for e in _audit_events()][-2:] == ["disable_user", "enable_user"]


def test_the_technical_role_reads_by_id_but_neither_searches_nor_suspends(engine):
    user_id = _customer()
    state = _users_page("technical")
    assert not state.denied and not state.can_search and not state.can_suspend
    run_handler(U.search, state, {"query": "atlas"})
    assert state.error == DENIED and state.hits == []
    run_handler(U.choose, state, str(user_id))
    run_handler(U.open_user, state, REASON)
    assert [section["category"] for section in state.sections] == ["browsing", "security"]
    run_handler(U.suspend, state, {"reason": "no"})
    assert state.error == DENIED and state.sections == []
    with session_scope() as session:
        assert session.get(User, user_id).disabled_at is None


def test_the_audit_page_filters_and_downloads_the_csv(engine):
    user_id = _customer()
    support = _users_page("support")
    run_handler(U.choose, support, str(user_id))
    run_handler(U.open_user, support, REASON)
    _admin_id, token = staff_token("admin")
    state = staff_state(StaffAuditState, cookie=f"oktra_staff={token}", path="/staff/audit")
    run_handler(StaffAuditState.open_page, state)
    assert "read_user" in state.actions
    run_handler(StaffAuditState.apply, state, {"user": "salma@atlas.ma", "since": "2026-13-01"})
    assert state.error == "Dates are written YYYY-MM-DD."
    run_handler(StaffAuditState.apply, state, {"user": "salma@atlas.ma", "action": "read_user"})
    assert state.error == "" and len(state.rows) == 3
    assert {row["reason"] for row in state.rows} == {"support ticket 88"}
    assert {row["staff"] for row in state.rows} == {"support@oktra.ma (support)"}
    filename, text = _downloaded(run_handler(StaffAuditState.export_csv, state))
    assert filename.startswith("oktra-audit-") and filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(row["action"], row["reason"]) for row in rows} == {("read_user", "support ticket 88")}
    assert len(rows) == 3
    assert [e.action for e in _audit_events()][-1] == "export_audit_trail"


def _downloaded(event) -> tuple[str, str]:
    """The file name and text a download event hands to the browser."""
    args = {name._js_expr: value._var_value for name, value in event.args}
    header, _, payload = args["url"].partition(",")
    assert header == "data:text/csv;base64"
    return args["filename"], base64.b64decode(payload).decode("utf-8")
