"""Abuse limits: failed sign-ins per account and per IP, sign-up, reset and resend."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlmodel import select

from oktra.accounts import limits, service, sessions
from oktra.accounts.limits import LimitExceededError
from oktra.accounts.provisioning import ensure_user
from oktra.accounts.state import SignInState
from oktra.admin.models import SecurityEvent
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.notifications.models import EmailMessage
from tests.unit.accounts.conftest import PASSWORD, create_account, signup_form, state_for

ATTACKER = sessions.ClientInfo(ip="203.0.113.66", user_agent="botnet")
OWNER = sessions.ClientInfo(ip="196.200.9.9", user_agent="owner's laptop")


def _sign_in(email: str, password: str, client: sessions.ClientInfo) -> service.SignedIn:
    return asyncio.run(service.sign_in(email=email, password=password, client=client))


def _events(kind: str) -> list[SecurityEvent]:
    with session_scope() as session:
        return list(session.exec(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def test_fifty_wrong_passwords_from_one_ip_across_fifty_accounts_are_limited(engine):
    with session_scope() as session:
        for number in range(50):
            ensure_user(
                session=session, email=f"user{number}@atlas.ma", full_name="User", password=PASSWORD
            )
    refused = 0
    for number in range(50):
        try:
            _sign_in(f"user{number}@atlas.ma", "wrong password 123", ATTACKER)
        except LimitExceededError:
            refused += 1
        except service.ValidationFailedError:
            pass
    assert refused == 30
    assert len(_events("signin_failed")) == 20
    assert len(_events("signin_refused")) == 30
    assert _sign_in("user7@atlas.ma", PASSWORD, OWNER).ticket


def test_an_account_is_paused_after_five_failures_and_its_owner_is_told_once(engine):
    signed = create_account("salma@atlas.ma")
    for attempt in range(5):
        client = sessions.ClientInfo(ip=f"198.51.100.{attempt}", user_agent="x")
        with pytest.raises(service.ValidationFailedError):
            _sign_in("salma@atlas.ma", "not my password 99", client)
    with pytest.raises(LimitExceededError) as refused:
        _sign_in("salma@atlas.ma", PASSWORD, OWNER)
    assert 1 <= refused.value.wait_minutes <= 15
    assert len(_events("account_locked")) == 1
    assert _events("signin_failed")[0].user_id == signed.user_id
    assert "salma@atlas.ma" not in _events("signin_failed")[0].subject_hash
    with session_scope() as session:
        kinds = [m.kind for m in session.exec(select(EmailMessage))]
    assert kinds.count("signin_failures") == 1


def test_the_refusal_says_how_long_to_wait_in_the_users_language(engine):
    create_account("salma@atlas.ma")
    for _ in range(5):
        with pytest.raises(service.ValidationFailedError):
            _sign_in("salma@atlas.ma", "not my password 99", ATTACKER)
    state = state_for(SignInState, token=None, path="/fr/signin")

    async def drain() -> None:
        async for _event in SignInState.submit.fn(
            state, {"email": "salma@atlas.ma", "password": PASSWORD}
        ):
            pass

    asyncio.run(drain())
    assert state.errors["password"].startswith("Trop de tentatives")
    assert "min" in state.errors["password"]


def test_sign_ups_from_one_address_are_limited(engine):
    client = sessions.ClientInfo(ip="203.0.113.7", user_agent="x")
    for number in range(10):
        asyncio.run(
            service.sign_up(form=signup_form(f"s{number}@atlas.ma"), lang="fr", client=client)
        )
    with pytest.raises(LimitExceededError):
        asyncio.run(service.sign_up(form=signup_form("s10@atlas.ma"), lang="fr", client=client))


def test_reset_requests_are_limited_per_address_whether_or_not_it_has_an_account(engine):
    def request(email: str) -> None:
        asyncio.run(
            service.request_password_reset(email=email, now=utc_now(), ip_hash=uuid.uuid4().hex)
        )

    for email in ("nobody@atlas.ma", "salma@atlas.ma"):
        for _ in range(3):
            request(email)
        with pytest.raises(LimitExceededError):
            request(email)


def test_verification_resends_are_limited(engine):
    signed = create_account("salma@atlas.ma")
    for _ in range(3):
        asyncio.run(service.resend_verification(user_id=signed.user_id))
    with pytest.raises(LimitExceededError):
        asyncio.run(service.resend_verification(user_id=signed.user_id))


def test_with_redis_every_worker_shares_the_same_counts(monkeypatch, redis_url):
    prefix = f"oktra-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("OKTRA_REDIS_URL", redis_url)
    monkeypatch.setattr(limits, "KEY_PREFIX", prefix)
    from oktra.settings import get_settings

    get_settings.cache_clear()
    first = limits.get_limiter()
    second = limits.Limiter(limits.storage_from_string(redis_url, key_prefix=prefix))
    assert type(first._storage).__name__ == "RedisStorage"
    try:
        for _ in range(5):
            second.hit(limits.SIGNIN_FAILURES_PER_ACCOUNT, "shared-account")
        with pytest.raises(LimitExceededError):
            first.check(limits.SIGNIN_FAILURES_PER_ACCOUNT, "shared-account")
    finally:
        first.reset()
