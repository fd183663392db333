"""The anomalies page: an administrator acknowledges an incident with a note; other roles and
customers see and close nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oktra.admin.anomaly_models import ACKNOWLEDGED, OPEN, Anomaly
from oktra.admin.anomaly_state import StaffAnomaliesState
from oktra.admin.models import AuditEvent
from oktra.admin.roles import Action, Role, may_act
from oktra.admin.state import DENIED
from oktra.db import session_scope
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import staff_state, staff_token

EXCLUDED = [role for role in Role if not may_act(role, Action.MANAGE_ANOMALIES)]
PATH = "/staff/anomalies"
S = StaffAnomaliesState


def _one_incident() -> int:
    with session_scope() as session:
        incident = Anomaly(rule="signin_failures_account", subject="ab" * 32, events=12)
        session.add(incident)
        session.flush()
        return incident.id


def _status(anomaly_id: int) -> str:
    with session_scope() as session:
        return session.get(Anomaly, anomaly_id).status


def test_an_admin_acknowledges_an_incident_from_the_page(engine):
    anomaly_id = _one_incident()
    _staff_id, token = staff_token("admin")
    state = staff_state(S, cookie=f"oktra_staff={token}", path=PATH)
    run_handler(S.open_page, state)
    assert not state.denied
    (row,) = state.rows
    assert row["id"] == str(anomaly_id) and row["status"] == OPEN
    assert row["subject"] == "abababababab…" and row["events"] == "12"
    run_handler(S.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": "  "})
    assert "note" in state.error and _status(anomaly_id) == OPEN
    run_handler(S.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": "Checked."})
    assert state.error == "" and state.rows[0]["status"] == ACKNOWLEDGED
    run_handler(S.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": "Again."})
    assert "already acknowledged" in state.error
    run_handler(S.filter_by, state, OPEN)
    assert state.rows == []
    with session_scope() as session:
        assert len(session.exec(select(AuditEvent)).all()) == 1


@pytest.mark.parametrize("role", EXCLUDED)
def test_the_page_refuses_roles_the_matrix_excludes(engine, role):
    anomaly_id = _one_incident()
    _staff_id, token = staff_token(role.value)
    state = staff_state(S, cookie=f"oktra_staff={token}", path=PATH)
    run_handler(S.open_page, state)
    assert state.denied and state.rows == []
    run_handler(S.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": "Checked."})
    assert state.error == DENIED and _status(anomaly_id) == OPEN


def test_a_customer_session_sees_and_closes_nothing(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    anomaly_id = _one_incident()
    token = signed_in_token(create_account("karim@atlas.ma"))
    for cookie in (f"oktra_session={token}", f"oktra_staff={token}"):
        state = staff_state(S, cookie=cookie, path=PATH)
        assert run_handler(S.open_page, state) is not None
        assert state.rows == []
        run_handler(S.acknowledge, state, {"anomaly_id": str(anomaly_id), "note": "Checked."})
        assert state.error == DENIED
    assert _status(anomaly_id) == OPEN
    with session_scope() as session:
        assert session.exec(select(AuditEvent)).all() == []
