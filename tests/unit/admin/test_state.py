"""Staff page states re-check the staff session and the role on the server, every time."""

from __future__ import annotations

from sqlmodel import select

from oktra.accounts.models import User
from oktra.admin.models import AuditEvent
from oktra.admin.state import DENIED, StaffUsersState
from oktra.db import session_scope
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import add_user, staff_state, staff_token

LOOK_UP = {"query": "salma@atlas.ma", "reason": "support ticket 88"}


def _customer(engine) -> int:
    with session_scope() as session:
        return add_user(session).id


def _audit_events() -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(AuditEvent)).all())


def test_a_customer_session_opens_nothing_in_the_back_office(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    signed = create_account("karim@atlas.ma")
    token = signed_in_token(signed)
    for cookie in (f"oktra_session={token}", f"oktra_staff={token}"):
        state = staff_state(StaffUsersState, cookie=cookie)
        redirect = run_handler(StaffUsersState.open_page, state)
        assert redirect is not None
        assert state.statistics == {}
        state = staff_state(StaffUsersState, cookie=cookie)
        run_handler(StaffUsersState.look_up, state, {"query": "karim@atlas.ma", "reason": "x"})
        assert state.error == DENIED
        assert state.sections == []
    assert _audit_events() == []
    with session_scope() as session:
        assert session.exec(select(User)).one().email == "karim@atlas.ma"


def test_a_staff_session_of_the_wrong_role_is_refused(engine):
    _customer(engine)
    _staff_id, token = staff_token("development")
    state = staff_state(StaffUsersState, cookie=f"oktra_staff={token}")
    run_handler(StaffUsersState.open_page, state)
    assert state.denied
    assert state.statistics["users"] == 1
    run_handler(StaffUsersState.look_up, state, LOOK_UP)
    assert state.error == DENIED
    assert state.sections == []
    assert _audit_events() == []


def test_support_sees_the_user_after_giving_a_reason(engine):
    user_id = _customer(engine)
    staff_id, token = staff_token("support")
    state = staff_state(StaffUsersState, cookie=f"oktra_staff={token}")
    run_handler(StaffUsersState.open_page, state)
    assert not state.denied
    run_handler(StaffUsersState.look_up, state, {**LOOK_UP, "reason": " "})
    assert state.sections == []
    run_handler(StaffUsersState.look_up, state, LOOK_UP)
    assert state.user_id == user_id
    assert [section["category"] for section in state.sections] == ["account", "alert", "support"]
    assert "salma@atlas.ma" in state.sections[0]["text"]
    events = _audit_events()
    assert {(e.staff_id, e.user_id, e.reason) for e in events} == {
        (staff_id, user_id, "support ticket 88")
    }
    assert len(events) == 3
