"""/staff/policy: publishing and announcements, guarded on the server by the role matrix."""

from __future__ import annotations

import copy

from sqlmodel import select

from oktra.admin.models import AuditEvent
from oktra.admin.policy_state import StaffPolicyState
from oktra.admin.state import DENIED
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.privacy import policy, versions
from oktra.privacy.models import Announcement, PolicyVersion
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import add_user, staff_state, staff_token

SUMMARY = {
    "en": "Invoices kept ten years.",
    "fr": "Factures : dix ans.",
    "ar": "الفواتير: عشر سنوات.",
}
PUBLISH = {
    "document": "privacy",
    "substantial": True,
    **{f"summary_{k}": v for k, v in SUMMARY.items()},
}
UPDATE = {
    "kind": "service_update",
    **{f"subject_{lang}": "Maintenance" for lang in SUMMARY},
    **{f"body_{lang}": "Sunday 02:00-04:00." for lang in SUMMARY},
}


def _ship_new_privacy_version(monkeypatch) -> None:
    with session_scope() as session:
        versions.ensure_initial_versions(session=session, now=utc_now())
    shipped = {name: policy.load_source(name) for name in policy.DOCUMENTS}
    shipped["privacy"] = copy.deepcopy(shipped["privacy"])
    shipped["privacy"]["meta"]["version"] = "2027-01-01"
    monkeypatch.setattr(policy, "load_source", lambda name: shipped[name])


def _rows(model) -> list:
    with session_scope() as session:
        return list(session.exec(select(model)).all())


def _state(token: str) -> StaffPolicyState:
    state = staff_state(StaffPolicyState, cookie=f"oktra_staff={token}", path="/staff/policy")
    run_handler(StaffPolicyState.open_page, state)
    return state


def test_a_customer_session_can_neither_publish_nor_announce(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    token = signed_in_token(create_account("karim@atlas.ma"))
    for cookie in (f"oktra_session={token}", f"oktra_staff={token}"):
        state = staff_state(StaffPolicyState, cookie=cookie, path="/staff/policy")
        assert run_handler(StaffPolicyState.open_page, state) is not None
        run_handler(StaffPolicyState.publish, state, PUBLISH)
        assert state.error == DENIED
        run_handler(StaffPolicyState.prepare, state, UPDATE)
        assert state.error == DENIED and not state.awaiting
    assert _rows(Announcement) == [] and _rows(AuditEvent) == []
    assert all(not row.substantial for row in _rows(PolicyVersion))


def test_roles_the_matrix_excludes_are_refused(engine, monkeypatch):
    _ship_new_privacy_version(monkeypatch)
    for role in ("support", "technical", "development"):
        _id, token = staff_token(role, f"{role}@oktra.ma")
        state = _state(token)
        assert state.denied
        run_handler(StaffPolicyState.publish, state, PUBLISH)
        assert state.error == DENIED
        run_handler(StaffPolicyState.prepare, state, UPDATE)
        assert state.error == DENIED
    _id, token = staff_token("dpo")
    state = _state(token)
    assert not state.denied and state.can_publish and not state.can_news
    run_handler(StaffPolicyState.prepare, state, {**UPDATE, "kind": "product_news"})
    assert state.error == DENIED
    assert _rows(Announcement) == [] and _rows(AuditEvent) == []


def test_the_dpo_publishes_a_substantial_version_and_it_is_audited(engine, monkeypatch):
    _ship_new_privacy_version(monkeypatch)
    staff_id, token = staff_token("dpo")
    state = _state(token)
    assert {row["document"]: row["publishable"] for row in state.texts} == {
        "privacy": "yes",
        "terms": "",
    }
    run_handler(StaffPolicyState.publish, state, PUBLISH)
    assert state.error == "" and "2027-01-01" in state.message
    run_handler(StaffPolicyState.publish, state, PUBLISH)
    assert "already published" in state.error
    announcement = _rows(Announcement)[0]
    assert announcement.kind == "policy_change"
    events = _rows(AuditEvent)
    assert [(e.staff_id, e.action) for e in events] == [(staff_id, "publish_policy")]


def test_an_announcement_shows_its_recipients_before_it_is_sent(engine):
    with session_scope() as session:
        add_user(session)
    _id, token = staff_token("admin")
    state = _state(token)
    run_handler(StaffPolicyState.prepare, state, {**UPDATE, "body_ar": " "})
    assert "body" in state.error and not state.awaiting
    run_handler(StaffPolicyState.prepare, state, UPDATE)
    assert state.awaiting and "to 0 user(s)" in state.confirm_text
    assert _rows(Announcement) == []
    run_handler(StaffPolicyState.confirm, state)
    assert [row.kind for row in _rows(Announcement)] == ["service_update"]
    assert [e.action for e in _rows(AuditEvent)] == ["send_service_update"]
    assert state.history[0]["kind"] == "service_update"
