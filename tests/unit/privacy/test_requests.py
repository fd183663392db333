"""Requests to the DPO from the public form: due dates, the email link, the requester's view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from oktra.accounts import limits
from oktra.accounts.limits import LimitExceededError
from oktra.accounts.validation import ValidationFailedError
from oktra.core.clock import as_utc, utc_now
from oktra.db import session_scope
from oktra.notifications.models import EmailMessage
from oktra.privacy import requests
from oktra.privacy.request_state import DpoRequestState, DpoVerifyState
from oktra.privacy.rights_models import DpoRequest, DpoRequestEvent
from oktra.settings import get_settings
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token, state_for

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test starts with no request counted."""
    limits.get_limiter().reset()
    yield
    limits.get_limiter().reset()


def form(**overrides: object) -> dict[str, object]:
    """A visitor's request, as the browser sends the form."""
    return {
        "right": "access",
        "full_name": "Salma Bennani",
        "email": "salma@atlas.ma",
        "message": "",
        **overrides,
    }


def submit(session, *, user=None, now=NOW, ip="ip-1", **overrides):
    return requests.submit_request(
        session=session, form=form(**overrides), lang="ar", user=user, ip_hash=ip, now=now
    )


def emails(session, kind: str | None = None) -> list[EmailMessage]:
    query = select(EmailMessage).order_by(EmailMessage.id)
    if kind:
        query = query.where(EmailMessage.kind == kind)
    return list(session.exec(query).all())


def token_in(message: EmailMessage) -> str:
    return message.text_body.split("token=", 1)[1].split()[0]


def test_a_visitors_request_is_unverified_until_the_email_link_is_opened(session):
    request = submit(session)
    assert request.status == "unverified"
    assert request.reference == f"DPO-2026-{request.id:06d}"
    assert as_utc(request.received_at) == NOW
    assert request.due_at is None
    (sent,) = emails(session)
    assert sent.kind == "dpo_verify" and sent.to_address == "salma@atlas.ma"
    assert sent.language == "ar" and request.reference in sent.text_body


@pytest.mark.parametrize(("right", "days"), [("access", 30), ("rectification", 10)])
def test_the_answer_is_due_30_days_after_receipt_and_10_for_a_rectification(session, right, days):
    request = submit(session, right=right, message="My phone number is wrong.")
    requests.verify_request(
        session=session, token=requests.verification_token(request), now=NOW + timedelta(days=3)
    )
    assert request.status == "received"
    assert as_utc(request.due_at) == NOW + timedelta(days=days)


def test_the_due_dates_come_from_the_settings(session, monkeypatch):
    monkeypatch.setenv("OKTRA_DPO_DUE_DAYS", "20")
    monkeypatch.setenv("OKTRA_DPO_RECTIFICATION_DUE_DAYS", "5")
    get_settings.cache_clear()
    assert requests.due_at_for(right="portability", received_at=NOW) == NOW + timedelta(days=20)
    assert requests.due_at_for(right="rectification", received_at=NOW) == NOW + timedelta(days=5)


def test_a_valid_link_confirms_the_request_and_acknowledges_it_once(session):
    request = submit(session)
    token = token_in(emails(session, "dpo_verify")[0])
    for _ in range(2):
        confirmed = requests.verify_request(session=session, token=token, now=NOW)
        assert confirmed is not None and confirmed.id == request.id
    assert request.status == "received" and as_utc(request.verified_at) == NOW
    (ack,) = emails(session, "dpo_received")
    assert request.reference in ack.subject and request.reference in ack.text_body
    assert "www.cndp.ma" in ack.text_body


def test_an_expired_link_confirms_nothing(session):
    request = submit(session)
    token = requests.verification_token(request)
    hours = get_settings().verification_link_hours
    later = utc_now() + timedelta(hours=hours, minutes=1)
    with time_machine.travel(later, tick=False):
        assert requests.verify_request(session=session, token=token, now=later) is None
    assert request.status == "unverified"
    assert emails(session, "dpo_received") == []


@pytest.mark.parametrize("change", ["signature", "payload", "empty"])
def test_a_tampered_link_confirms_nothing(session, change):
    request = submit(session)
    token = requests.verification_token(request)
    payload, _, signature = token.rpartition(".")
    tampered = {
        "signature": f"{payload}.{signature[:-2]}xx",
        "payload": f"x{token}",
        "empty": "",
    }[change]
    assert requests.verify_request(session=session, token=tampered, now=NOW) is None
    assert request.status == "unverified"


def test_a_link_opens_only_its_own_request(session):
    mine = submit(session)
    other = submit(session, email="karim@example.ma", full_name="Karim Alaoui", ip="ip-2")
    found = requests.request_for_token(session=session, token=requests.verification_token(mine))
    assert found.id == mine.id
    # Only the server signs links; one naming another request with this address opens nothing.
    forged = requests._serializer().dumps({"rid": other.id, "email": "salma@atlas.ma"})
    assert requests.request_for_token(session=session, token=forged) is None
    assert requests.verify_request(session=session, token=forged, now=NOW) is None
    assert other.status == "unverified"


def test_a_user_sees_only_their_own_requests(session, make_user):
    salma, karim = make_user(email="salma@atlas.ma"), make_user(email="karim@example.ma")
    submit(session, user=salma)
    submit(session, user=karim, ip="ip-2")
    submit(session, email="visitor@example.ma", ip="ip-3")
    assert [r.user_id for r in requests.requests_of_user(session=session, user_id=salma.id)] == [
        salma.id
    ]


def test_a_signed_in_user_with_a_confirmed_address_is_received_at_once(session, make_user):
    user = make_user(email="salma@atlas.ma", full_name="Salma Bennani")
    request = submit(session, user=user, email="someone-else@example.ma")
    assert request.user_id == user.id
    assert request.requester_email == "salma@atlas.ma"
    assert request.status == "received" and request.due_at is not None
    assert [m.kind for m in emails(session)] == ["dpo_received"]


def test_a_confirmed_visitor_request_is_linked_to_the_account_of_its_address(session, make_user):
    user = make_user(email="salma@atlas.ma")
    request = submit(session)
    assert request.user_id is None
    requests.verify_request(session=session, token=requests.verification_token(request), now=NOW)
    assert request.user_id == user.id


@pytest.mark.parametrize("right", ["rectification", "objection", "question"])
def test_a_request_that_needs_words_is_refused_without_a_message(session, right):
    with pytest.raises(ValidationFailedError) as failure:
        submit(session, right=right, message="  ")
    assert set(failure.value.errors) == {"message"}


def test_an_unknown_right_and_a_bad_address_are_refused(session):
    with pytest.raises(ValidationFailedError) as failure:
        submit(session, right="everything", email="not-an-address")
    assert set(failure.value.errors) == {"right", "email"}
    assert session.exec(select(DpoRequest)).all() == []


def test_the_public_form_is_rate_limited(session):
    for number in range(5):
        submit(session, email=f"visitor{number}@example.ma")
    with pytest.raises(LimitExceededError):
        submit(session, email="visitor9@example.ma")
    assert len(session.exec(select(DpoRequest)).all()) == 5


def test_one_address_cannot_be_flooded_with_confirmation_links(session):
    for number in range(3):
        submit(session, ip=f"ip-{number}")
    with pytest.raises(LimitExceededError):
        submit(session, ip="ip-9")


def test_every_step_is_recorded(session):
    request = submit(session)
    requests.verify_request(session=session, token=requests.verification_token(request), now=NOW)
    steps = session.exec(
        select(DpoRequestEvent).where(DpoRequestEvent.request_id == request.id)
    ).all()
    assert [step.status for step in steps] == ["unverified", "received"]


def test_unconfirmed_requests_are_deleted_after_30_days(session):
    stale = submit(session, email="old@example.ma")
    confirmed = submit(session, ip="ip-2")
    requests.verify_request(session=session, token=requests.verification_token(confirmed), now=NOW)
    stale_id = stale.id
    result = requests.purge_unverified_requests(session=session, now=NOW + timedelta(days=31))
    assert result == {"deleted": 1}
    assert session.get(DpoRequest, stale_id) is None
    assert session.get(DpoRequest, confirmed.id) is not None


def test_the_form_page_asks_a_visitor_to_confirm_and_the_link_page_shows_only_that_request(
    engine,
):
    state = state_for(DpoRequestState, token=None, path="/en/requests")
    run_handler(DpoRequestState.open_page, state)
    assert state.email == "" and state.mine == []
    run_handler(DpoRequestState.submit, state, form(right="question", message="Who reads it?"))
    assert state.errors == {} and "salma@atlas.ma" in state.outcome
    with session_scope() as session:
        (request,) = session.exec(select(DpoRequest)).all()
        token = requests.verification_token(request)
    page = state_for(DpoVerifyState, token=None, path="/en/requests/verify", query=f"token={token}")
    run_handler(DpoVerifyState.verify, page)
    assert page.request["reference"] == request.reference and page.request["status"] == "Received"
    forged = state_for(DpoVerifyState, token=None, path="/en/requests/verify", query="token=x.y.z")
    run_handler(DpoVerifyState.verify, forged)
    assert forged.request == {} and forged.problem


def test_the_form_page_prefills_a_signed_in_user_and_lists_their_requests(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    token = signed_in_token(create_account("karim@atlas.ma"))
    state = state_for(DpoRequestState, token=token, path="/fr/requests")
    run_handler(DpoRequestState.open_page, state)
    assert state.email == "karim@atlas.ma" and state.full_name == "Salma Bennani"
    run_handler(DpoRequestState.submit, state, form(email="other@example.ma"))
    (mine,) = state.mine
    assert mine["reference"].startswith("DPO-")
    with session_scope() as session:
        (request,) = session.exec(select(DpoRequest)).all()
        assert request.requester_email == "karim@atlas.ma" and request.user_id is not None
