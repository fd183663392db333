"""Customer accounts in the back office: a search that shows no one before a reason, and a
suspension that ends sessions, refuses sign-in and stops emails until it is lifted."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from oktra.accounts import service as accounts
from oktra.accounts.models import AuthSession, User
from oktra.accounts.validation import ValidationFailedError
from oktra.admin import users
from oktra.admin.audit import ReasonRequiredError
from oktra.admin.models import AuditEvent
from oktra.admin.roles import PermissionDeniedError
from oktra.alerts.delivery import reachable_users
from oktra.core.clock import utc_now
from oktra.core.errors import NotFoundError
from oktra.db import session_scope
from tests.unit.accounts.conftest import CLIENT, PASSWORD, create_account
from tests.unit.admin.conftest import add_staff, add_user

REASON = "ticket #5120: card fraud reported by the bank"


def test_search_finds_by_part_of_email_or_company_and_masks_the_address(session):
    salma = add_user(session)
    karim = add_user(session, "karim@souss-agri.ma")
    karim.company_name = "Souss Agri"
    support = add_staff(session, "support")
    by_domain = users.search_users(session=session, staff=support, query="atlas")
    assert [(hit.user_id, hit.masked_email) for hit in by_domain] == [(salma.id, "sa•••@atlas.ma")]
    by_company = users.search_users(session=session, staff=support, query="SOUSS agri")
    assert [hit.user_id for hit in by_company] == [karim.id]
    assert [
        hit.user_id
        for hit in users.search_users(session=session, staff=support, query=f"#{karim.id}")
    ] == [karim.id]
    assert all("karim@" not in hit.masked_email for hit in by_company)


def test_search_treats_wildcards_as_text_and_needs_three_letters(session):
    add_user(session)
    support = add_staff(session, "support")
    assert users.search_users(session=session, staff=support, query="%") == []
    assert users.search_users(session=session, staff=support, query="_a_") == []
    assert users.search_users(session=session, staff=support, query="at") == []
    exact = users.search_users(session=session, staff=support, query="SALMA@atlas.ma")
    assert [hit.status for hit in exact] == ["unverified"]


def test_a_role_that_may_not_find_users_cannot_search(session):
    add_user(session)
    for role in ("technical", "development"):
        with pytest.raises(PermissionDeniedError):
            users.search_users(session=session, staff=add_staff(session, role), query="atlas")


def _open_sessions(session, user_id: int) -> int:
    return len(
        session.exec(
            select(AuthSession).where(
                AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
            )
        ).all()
    )


def test_a_suspension_ends_sessions_refuses_sign_in_and_stops_alert_emails(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    signed = create_account("nadia@atlas.ma")
    now = utc_now()
    with session_scope() as session:
        user = session.get(User, signed.user_id)
        user.email_verified_at = now - timedelta(days=1)
        support = add_staff(session, "support")
        assert _open_sessions(session, user.id) == 1
        assert set(reachable_users(session=session, user_ids={user.id})) == {user.id}
        assert users.disable_user(
            session=session, staff=support, user_id=user.id, reason=REASON, now=now
        )
        assert _open_sessions(session, user.id) == 0
        assert reachable_users(session=session, user_ids={user.id}) == {}
        assert not users.disable_user(
            session=session, staff=support, user_id=user.id, reason=REASON, now=now
        )
        support_id = support.id
    with pytest.raises(ValidationFailedError) as refused:
        asyncio.run(accounts.sign_in(email="nadia@atlas.ma", password=PASSWORD, client=CLIENT))
    assert refused.value.errors["password"] == accounts.ACCOUNT_SUSPENDED
    with session_scope() as session:
        assert users.enable_user(
            session=session,
            staff=session.get(type(support), support_id),
            user_id=signed.user_id,
            reason="the bank confirmed it was a mistake",
            now=utc_now(),
        )
    again = asyncio.run(accounts.sign_in(email="nadia@atlas.ma", password=PASSWORD, client=CLIENT))
    assert again.user_id == signed.user_id
    with session_scope() as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.action, e.user_id, e.category) for e in events] == [
            ("disable_user", signed.user_id, "account"),
            ("enable_user", signed.user_id, "account"),
        ]
        assert events[0].reason == REASON


def test_a_wrong_password_on_a_suspended_account_says_nothing_about_the_suspension(
    engine, monkeypatch
):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    signed = create_account("omar@atlas.ma")
    with session_scope() as session:
        session.get(User, signed.user_id).disabled_at = utc_now()
    with pytest.raises(ValidationFailedError) as refused:
        asyncio.run(
            accounts.sign_in(email="omar@atlas.ma", password="not it at all", client=CLIENT)
        )
    assert refused.value.errors["password"] == accounts.BAD_CREDENTIALS


def test_suspending_needs_a_reason_and_an_open_account(session):
    user = add_user(session)
    admin = add_staff(session, "admin")
    with pytest.raises(ReasonRequiredError):
        users.disable_user(session=session, staff=admin, user_id=user.id, reason=" ", now=utc_now())
    user.closed_at = utc_now()
    with pytest.raises(NotFoundError):
        users.disable_user(
            session=session, staff=admin, user_id=user.id, reason=REASON, now=utc_now()
        )
    assert user.disabled_at is None
    assert session.exec(select(AuditEvent)).all() == []
