"""Inactive accounts: warned once after 23 months, closed after 24 unless active again; a
sign-in or a used email link is activity."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from oktra.accounts import service, sessions, tokens
from oktra.accounts.models import AuthSession, User
from oktra.alerts.delivery import reachable_users
from oktra.alerts.models import SavedSearch
from oktra.alerts.unsubscribe import ALL, Unsubscribe, apply
from oktra.db import session_scope
from oktra.jobs import find_job
from oktra.notifications.models import EmailMessage
from oktra.privacy import inactivity
from oktra.scheduler import run_job
from tests.unit.billing.subscribe import subscribe

START = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
PASSWORD = "marchés publics 2027 Rabat"


def _at(days: int) -> datetime:
    return START + timedelta(days=days)


def _user(session, *, email: str = "dormant@atlas.ma", lang: str = "fr") -> User:
    user = User(
        email=email,
        full_name="Salma Dormante",
        language=lang,
        email_verified_at=START,
        created_at=START,
        updated_at=START,
        password_changed_at=START,
    )
    session.add(user)
    session.flush()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=f"t{user.id}",
            created_at=START,
            last_seen_at=START,
            expires_at=_at(3650),
        )
    )
    session.add(SavedSearch(user_id=user.id, name="BTP", criteria={}))
    session.commit()
    return user


def _run(session, days: int, **options) -> dict[str, int]:
    counts = inactivity.run_inactivity(session=session, now=_at(days), **options)
    session.commit()
    session.expire_all()
    return counts


def _warnings(session) -> list[EmailMessage]:
    return list(
        session.exec(select(EmailMessage).where(EmailMessage.kind == inactivity.WARNING_KIND)).all()
    )


def test_an_account_is_warned_once_after_23_months_without_activity(session):
    user = _user(session)
    assert _run(session, 699) == {"warned": 0, "closed": 0}
    assert _run(session, 701) == {"warned": 1, "closed": 0}
    assert _run(session, 702) == {"warned": 0, "closed": 0}
    (message,) = _warnings(session)
    assert message.to_address == user.email
    assert "/fr/signin" in message.text_body
    assert session.get(User, user.id).inactivity_warned_at == _at(701)


def test_a_warned_account_still_inactive_is_closed_after_24_months(session):
    user = _user(session)
    _run(session, 701)
    assert _run(session, 729) == {"warned": 0, "closed": 0}
    assert _run(session, 731) == {"warned": 0, "closed": 1}
    stored = session.get(User, user.id)
    assert stored.closed_at == _at(731)
    assert session.exec(select(AuthSession.revoked_at)).all() == [_at(731)]
    assert session.exec(select(SavedSearch.pause_reason)).all() == [inactivity.CLOSED_REASON]
    assert _run(session, 800) == {"warned": 0, "closed": 0}


def test_an_account_active_again_after_the_warning_is_not_closed_and_warned_again_later(session):
    user = _user(session)
    _run(session, 701)
    inactivity.record_activity(session=session, user_id=user.id, now=_at(710))
    assert _run(session, 731) == {"warned": 0, "closed": 0}
    assert session.get(User, user.id).closed_at is None
    assert _run(session, 710 + 699) == {"warned": 0, "closed": 0}
    assert _run(session, 710 + 701) == {"warned": 1, "closed": 0}
    assert len(_warnings(session)) == 2


def test_a_warning_always_comes_at_least_thirty_days_before_the_closure(session):
    user = _user(session)
    assert _run(session, 1200) == {"warned": 1, "closed": 0}
    assert _run(session, 1229) == {"warned": 0, "closed": 0}
    assert _run(session, 1231) == {"warned": 0, "closed": 1}
    assert session.get(User, user.id).closed_at == _at(1231)


def test_a_dry_run_warns_and_closes_nobody(session):
    user = _user(session)
    assert _run(session, 1200, dry_run=True) == {"warned": 1, "closed": 0}
    assert _warnings(session) == []
    assert session.get(User, user.id).inactivity_warned_at is None


def test_a_paid_period_keeps_the_account_open(session):
    user = _user(session)
    for _year in range(3):
        subscribe(session, user, now=START, plan="pro", period="yearly")
    session.commit()
    assert _run(session, 800) == {"warned": 0, "closed": 0}
    assert _run(session, 1200) == {"warned": 1, "closed": 0}


def test_the_nightly_job_warns_then_closes(engine):
    with session_scope() as session:
        user_id = _user(session).id
    job = find_job("retention")
    with time_machine.travel(_at(701), tick=False):
        assert run_job(job, trigger="manual").counts["accounts_warned"] == 1
    with time_machine.travel(_at(731), tick=False):
        counts = run_job(job, trigger="manual").counts
    assert counts["accounts_closed"] == 1
    with time_machine.travel(_at(762), tick=False):
        assert run_job(job, trigger="manual").counts["accounts_erased"] == 1
    with session_scope() as session:
        assert session.get(User, user_id).email.startswith("erased-")


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_warning_names_the_closing_date_in_the_users_language(session, lang):
    _user(session, lang=lang)
    _run(session, 701)
    (message,) = _warnings(session)
    assert message.language == lang
    assert "2029" in message.text_body
    assert message.subject


@pytest.fixture
def fast_bcrypt(monkeypatch):
    """bcrypt at its minimum cost keeps the test quick."""
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)


CLIENT = sessions.ClientInfo(ip="196.200.1.2", user_agent="pytest")


def _sign_up(name: str, email: str, phone: str) -> None:
    form = {
        "full_name": name,
        "email": email,
        "company_name": "Atlas",
        "phone": phone,
        "password": PASSWORD,
        "accept_terms": "on",
    }
    with time_machine.travel(_at(0), tick=False):
        asyncio.run(service.sign_up(form=form, lang="fr", client=CLIENT))


def _sign_in(email: str, days: int) -> service.SignedIn:
    with time_machine.travel(_at(days), tick=False):
        return asyncio.run(service.sign_in(email=email, password=PASSWORD, client=CLIENT))


def test_a_sign_in_and_a_used_email_link_are_activity(engine, fast_bcrypt):
    _sign_up("Omar Actif", "omar@atlas.ma", "0612345678")
    signed = _sign_in("omar@atlas.ma", 100)
    with session_scope() as session:
        user = session.get(User, signed.user_id)
        assert user.last_active_at == _at(100)
        token = tokens.verification_token(user)
    with session_scope() as session:
        service.verify_email(session=session, token=token, now=_at(101))
    with session_scope() as session:
        assert session.get(User, signed.user_id).last_active_at == _at(101)
        apply(session=session, request=Unsubscribe(user_id=signed.user_id, scope=ALL), now=_at(200))
    with session_scope() as session:
        assert session.get(User, signed.user_id).last_active_at == _at(200)


def test_activity_on_a_closed_account_is_not_recorded(session):
    user = _user(session)
    session.get(User, user.id).closed_at = _at(5)
    session.commit()
    inactivity.record_activity(session=session, user_id=user.id, now=_at(6))
    session.commit()
    session.expire_all()
    assert session.get(User, user.id).last_active_at is None


def test_signing_in_to_a_closed_account_before_its_erasure_reopens_it(engine, fast_bcrypt):
    _sign_up("Nadia Revenue", "nadia@atlas.ma", "0612345679")
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == "nadia@atlas.ma")).one()
        session.add(SavedSearch(user_id=user.id, name="Voirie", criteria={}))
        session.add(SavedSearch(user_id=user.id, name="Mine", criteria={}, paused_at=_at(1)))
        session.flush()
        inactivity.warn(session=session, user=user, now=_at(700))
        inactivity.close(session=session, user=user, now=_at(740))
    signed = _sign_in("nadia@atlas.ma", 750)
    with session_scope() as session:
        user = session.get(User, signed.user_id)
        assert (user.closed_at, user.inactivity_warned_at) == (None, None)
        assert user.last_active_at == _at(750)
        alerts = session.exec(select(SavedSearch).where(SavedSearch.user_id == user.id)).all()
        assert {a.name: a.paused_at is None for a in alerts} == {"Voirie": True, "Mine": False}


def test_a_closed_account_gets_no_alert_email(session):
    user, other = _user(session), _user(session, email="active@atlas.ma")
    assert set(reachable_users(session=session, user_ids={user.id, other.id})) == {
        user.id,
        other.id,
    }
    inactivity.close(session=session, user=session.get(User, user.id), now=_at(740))
    session.commit()
    assert set(reachable_users(session=session, user_ids={user.id, other.id})) == {other.id}
