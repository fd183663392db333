"""The DPO queue: due and overdue requests, registering mail and post, every step emailed, and
the handlers refused to customers and to the roles the matrix excludes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from oktra.accounts.validation import ValidationFailedError
from oktra.admin import dpo
from oktra.admin.dpo_state import StaffDpoState
from oktra.admin.models import AuditEvent
from oktra.admin.roles import Action, PermissionDeniedError, Role, may_act
from oktra.admin.state import DENIED
from oktra.core.clock import as_utc, utc_now
from oktra.db import session_scope
from oktra.notifications.models import EmailMessage
from oktra.privacy import requests
from oktra.privacy.rights_models import DpoRequest, DpoRequestEvent
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import add_staff, staff_state, staff_token

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXCLUDED = [role for role in Role if not may_act(role, Action.MANAGE_DPO_REQUESTS)]
POSTED = {
    "channel": "post",
    "right": "rectification",
    "language": "fr",
    "received_on": "2026-02-20",
    "full_name": "Karim Alaoui",
    "email": "karim@example.ma",
    "message": "Mon adresse a changé.",
}


def visitor_request(session, *, verified: bool, now=NOW, email="salma@atlas.ma"):
    """A request sent with the public form, its email link opened or not."""
    request = requests.submit_request(
        session=session,
        form={"right": "access", "full_name": "Salma Bennani", "email": email, "message": ""},
        lang="fr",
        user=None,
        ip_hash=email,
        now=now,
    )
    if verified:
        requests.verify_request(
            session=session, token=requests.verification_token(request), now=now
        )
    return request


def sent(session, kind: str) -> list[EmailMessage]:
    return list(session.exec(select(EmailMessage).where(EmailMessage.kind == kind)).all())


def test_unverified_requests_are_not_in_the_queue_as_due(session):
    dpo_member = add_staff(session, "dpo")
    waiting = visitor_request(session, verified=False, now=NOW - timedelta(days=40))
    confirmed = visitor_request(session, verified=True, email="karim@example.ma")
    rows = dpo.queue(session=session, staff=dpo_member, now=NOW)
    assert [row.request_id for row in rows] == [confirmed.id]
    (unverified,) = dpo.queue(session=session, staff=dpo_member, now=NOW, status="unverified")
    assert unverified.request_id == waiting.id
    assert unverified.due_at is None and not unverified.overdue


def test_a_request_past_its_due_date_and_not_answered_is_overdue(session):
    dpo_member = add_staff(session, "dpo")
    request = visitor_request(session, verified=True)
    due = as_utc(request.due_at)
    assert due == NOW + timedelta(days=30)
    (before,) = dpo.queue(session=session, staff=dpo_member, now=due - timedelta(minutes=1))
    (after,) = dpo.queue(session=session, staff=dpo_member, now=due + timedelta(minutes=1))
    assert not before.overdue and after.overdue
    dpo.change_status(
        session=session,
        staff=dpo_member,
        request_id=request.id,
        status="answered",
        answer="Voici vos données.",
        now=due + timedelta(hours=1),
    )
    (answered,) = dpo.queue(session=session, staff=dpo_member, now=due + timedelta(days=1))
    assert not answered.overdue


def test_staff_register_a_posted_request_due_from_its_date_of_receipt(session):
    dpo_member = add_staff(session, "dpo")
    request = dpo.register_request(session=session, staff=dpo_member, form=POSTED, now=NOW)
    assert request.channel == "post" and request.status == "received"
    assert request.registered_by == dpo_member.id and request.verified_at is not None
    assert request.reference == f"DPO-2026-{request.id:06d}"
    received = as_utc(request.received_at)
    assert received.date().isoformat() == "2026-02-20"
    assert as_utc(request.due_at) == received + timedelta(days=10)
    (ack,) = sent(session, "dpo_received")
    assert ack.to_address == "karim@example.ma" and ack.language == "fr"
    assert request.reference in ack.text_body


@pytest.mark.parametrize(
    ("field", "value"),
    [("channel", "form"), ("received_on", "2026-03-03"), ("received_on", ""), ("email", "x")],
)
def test_a_registration_with_a_bad_field_is_refused(session, field, value):
    dpo_member = add_staff(session, "dpo")
    with pytest.raises(ValidationFailedError) as failure:
        dpo.register_request(
            session=session, staff=dpo_member, form={**POSTED, field: value}, now=NOW
        )
    assert field in failure.value.errors
    assert session.exec(select(DpoRequest)).all() == []


def test_each_step_emails_the_requester_once_and_notes_stay_internal(session):
    dpo_member = add_staff(session, "dpo")
    request = visitor_request(session, verified=True)
    dpo.add_note(
        session=session, staff=dpo_member, request_id=request.id, note="Called IT.", now=NOW
    )
    for status, answer in (("in_progress", ""), ("answered", "Voici vos données."), ("closed", "")):
        dpo.change_status(
            session=session,
            staff=dpo_member,
            request_id=request.id,
            status=status,
            answer=answer,
            now=NOW,
        )
    kinds = [m.kind for m in session.exec(select(EmailMessage).order_by(EmailMessage.id)).all()]
    assert kinds == ["dpo_verify", "dpo_received", "dpo_status", "dpo_answer", "dpo_status"]
    assert all(
        m.to_address == "salma@atlas.ma" and m.language == "fr"
        for m in session.exec(select(EmailMessage)).all()
    )
    (answer,) = sent(session, "dpo_answer")
    assert "Voici vos données." in answer.text_body and "www.cndp.ma" in answer.text_body
    steps = session.exec(
        select(DpoRequestEvent)
        .where(DpoRequestEvent.request_id == request.id)
        .order_by(DpoRequestEvent.id)
    ).all()
    assert [s.status for s in steps] == [
        "unverified",
        "received",
        "received",
        "in_progress",
        "answered",
        "closed",
    ]
    assert request.closed_at is not None and request.answer == "Voici vos données."


def test_answering_needs_an_answer_and_a_closed_request_stays_closed(session):
    dpo_member = add_staff(session, "dpo")
    request = visitor_request(session, verified=True)
    with pytest.raises(dpo.DpoRequestError):
        dpo.change_status(
            session=session, staff=dpo_member, request_id=request.id, status="refused", now=NOW
        )
    dpo.change_status(
        session=session, staff=dpo_member, request_id=request.id, status="closed", now=NOW
    )
    with pytest.raises(dpo.DpoRequestError):
        dpo.change_status(
            session=session,
            staff=dpo_member,
            request_id=request.id,
            status="in_progress",
            now=NOW,
        )
    unverified = visitor_request(session, verified=False, email="karim@example.ma")
    with pytest.raises(dpo.DpoRequestError):
        dpo.change_status(
            session=session,
            staff=dpo_member,
            request_id=unverified.id,
            status="in_progress",
            now=NOW,
        )


def test_opening_a_request_is_an_audited_read(session):
    dpo_member = add_staff(session, "dpo")
    request = visitor_request(session, verified=True)
    opened = dpo.open_request(session=session, staff=dpo_member, request_id=request.id, now=NOW)
    assert opened.request.requester_email == "salma@atlas.ma"
    (event,) = session.exec(select(AuditEvent)).all()
    assert event.action == "manage_dpo_requests" and event.category == "support"
    assert event.subject_hash and request.reference in event.reason


@pytest.mark.parametrize("role", EXCLUDED)
def test_roles_the_matrix_excludes_are_refused_every_step(session, role):
    member = add_staff(session, role.value)
    request = visitor_request(session, verified=True)
    calls = (
        lambda: dpo.queue(session=session, staff=member, now=NOW),
        lambda: dpo.open_request(session=session, staff=member, request_id=request.id, now=NOW),
        lambda: dpo.register_request(session=session, staff=member, form=POSTED, now=NOW),
        lambda: dpo.add_note(
            session=session, staff=member, request_id=request.id, note="x", now=NOW
        ),
        lambda: dpo.change_status(
            session=session, staff=member, request_id=request.id, status="closed", now=NOW
        ),
    )
    for call in calls:
        with pytest.raises(PermissionDeniedError):
            call()
    assert request.status == "received"
    assert session.exec(select(AuditEvent)).all() == []


def _one_request() -> int:
    with session_scope() as session:
        return visitor_request(session, verified=True, now=utc_now()).id


def test_the_dpo_works_the_queue_from_the_page(engine):
    request_id = _one_request()
    _staff_id, token = staff_token("dpo")
    state = staff_state(StaffDpoState, cookie=f"oktra_staff={token}", path="/staff/requests")
    run_handler(StaffDpoState.open_page, state)
    assert not state.denied and [row["id"] for row in state.rows] == [str(request_id)]
    run_handler(StaffDpoState.open_request, state, str(request_id))
    assert state.detail["email"] == "salma@atlas.ma"
    run_handler(StaffDpoState.change_status, state, {"status": "refused", "answer": ""})
    assert state.error and state.detail["status"] == "received"
    run_handler(StaffDpoState.change_status, state, {"status": "refused", "answer": "Pas ici."})
    assert state.error == "" and state.detail["status"] == "refused"
    run_handler(StaffDpoState.filter_by, state, "refused")
    assert [row["id"] for row in state.rows] == [str(request_id)]
    with session_scope() as session:
        assert len(sent(session, "dpo_answer")) == 1


@pytest.mark.parametrize("role", EXCLUDED)
def test_the_page_refuses_roles_the_matrix_excludes(engine, role):
    request_id = _one_request()
    _staff_id, token = staff_token(role.value)
    state = staff_state(StaffDpoState, cookie=f"oktra_staff={token}", path="/staff/requests")
    run_handler(StaffDpoState.open_page, state)
    assert state.denied and state.rows == []
    run_handler(StaffDpoState.open_request, state, str(request_id))
    assert state.error == DENIED and state.detail == {}
    with session_scope() as session:
        assert session.exec(select(AuditEvent)).all() == []


def test_a_customer_session_opens_nothing_in_the_queue(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    request_id = _one_request()
    token = signed_in_token(create_account("karim@atlas.ma"))
    for cookie in (f"oktra_session={token}", f"oktra_staff={token}"):
        state = staff_state(StaffDpoState, cookie=cookie, path="/staff/requests")
        assert run_handler(StaffDpoState.open_page, state) is not None
        assert state.rows == []
        run_handler(StaffDpoState.open_request, state, str(request_id))
        assert state.error == DENIED and state.detail == {}
        run_handler(StaffDpoState.register, state, POSTED)
        assert state.error == DENIED
    with session_scope() as session:
        assert session.exec(select(AuditEvent)).all() == []
        assert len(session.exec(select(DpoRequest)).all()) == 1
