"""The Firebase provider behind the same account services, on the real Auth emulator."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from oktra.accounts import profile, service, sessions
from oktra.accounts.models import User
from oktra.accounts.validation import ValidationFailedError
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.integrations.firebase import FirebaseAuth, InvalidCredentials
from oktra.notifications.models import EmailMessage
from oktra.settings import get_settings
from tests.unit.accounts.conftest import CLIENT, PASSWORD, signed_in_token, signup_form
from tests.unit.integrations.conftest import (  # noqa: F401 - fixtures used by these tests
    PROJECT_ID,
    emulator_host,
    firebase_emulator,
)


@pytest.fixture
def firebase_accounts(emulator_host, monkeypatch, engine):  # noqa: F811 - fixture chain
    """OKTRA configured for Firebase, on an emptied emulator and a migrated database."""
    monkeypatch.setenv("OKTRA_AUTH_PROVIDER", "firebase")
    monkeypatch.setenv("OKTRA_FIREBASE_PROJECT_ID", PROJECT_ID)
    get_settings.cache_clear()
    return FirebaseAuth(PROJECT_ID)


def _sign_up(email: str, **overrides) -> None:
    asyncio.run(service.sign_up(form=signup_form(email, **overrides), lang="fr", client=CLIENT))


def _sign_in(email: str, password: str) -> service.SignedIn:
    return asyncio.run(service.sign_in(email=email, password=password, client=CLIENT))


def test_sign_up_creates_a_firebase_user_and_keeps_only_its_uid(firebase_accounts):
    _sign_up("salma@atlas.ma")
    with session_scope() as session:
        user = session.exec(select(User)).one()
        kinds = [m.kind for m in session.exec(select(EmailMessage))]
    assert user.auth_provider == "firebase"
    assert user.external_id
    assert user.password_hash is None
    assert firebase_accounts.sign_in_with_password("salma@atlas.ma", PASSWORD).uid == (
        user.external_id
    )
    assert kinds == ["verify_email"]


def test_sign_in_goes_through_firebase_with_the_same_answers(firebase_accounts):
    _sign_up("salma@atlas.ma")
    assert signed_in_token(_sign_in("salma@atlas.ma", PASSWORD))
    for email, password in [("salma@atlas.ma", "wrong one 12345"), ("nobody@atlas.ma", PASSWORD)]:
        with pytest.raises(ValidationFailedError) as failed:
            _sign_in(email, password)
        assert failed.value.errors == {"password": service.BAD_CREDENTIALS}


def test_a_second_sign_up_with_a_known_address_reveals_nothing(firebase_accounts):
    _sign_up("salma@atlas.ma")
    _sign_up("salma@atlas.ma", full_name="Intruder")
    with session_scope() as session:
        assert len(session.exec(select(User)).all()) == 1
        kinds = [m.kind for m in session.exec(select(EmailMessage))]
    assert "account_exists" in kinds


def test_a_password_change_reaches_firebase_and_ends_other_sessions(firebase_accounts):
    _sign_up("salma@atlas.ma")
    first = _sign_in("salma@atlas.ma", PASSWORD)
    other_token = signed_in_token(_sign_in("salma@atlas.ma", PASSWORD))
    first_token = signed_in_token(first)
    with session_scope() as session:
        keep = sessions.session_for_token(session=session, token=first_token, now=utc_now()).id
    asyncio.run(
        service.change_password(
            user_id=first.user_id,
            current_session_id=keep,
            form={"current_password": PASSWORD, "new_password": "une autre phrase 2026 ok"},
        )
    )
    assert firebase_accounts.sign_in_with_password("salma@atlas.ma", "une autre phrase 2026 ok")
    with pytest.raises(InvalidCredentials):
        firebase_accounts.sign_in_with_password("salma@atlas.ma", PASSWORD)
    with session_scope() as session:
        assert sessions.session_for_token(session=session, token=other_token, now=utc_now()) is (
            None
        )


def test_a_new_email_moves_the_firebase_account(firebase_accounts):
    _sign_up("salma@atlas.ma")
    signed = _sign_in("salma@atlas.ma", PASSWORD)
    form = {
        "full_name": "Salma",
        "email": "salma.new@atlas.ma",
        "company_name": "",
        "phone": "",
        "language": "fr",
        "sectors": [],
        "regions": [],
    }
    asyncio.run(profile.save_profile(user_id=signed.user_id, form=form))
    assert _sign_in("salma.new@atlas.ma", PASSWORD).user_id == signed.user_id
    with pytest.raises(ValidationFailedError):
        _sign_in("salma@atlas.ma", PASSWORD)


def _newest_link(kind: str) -> str:
    import re

    with session_scope() as session:
        message = session.exec(
            select(EmailMessage).where(EmailMessage.kind == kind).order_by(EmailMessage.id.desc())
        ).first()
    return re.search(r"https?://\S+oobCode=\S+", message.text_body).group(0)


def test_the_verification_email_carries_firebases_link_which_continues_to_oktra(
    firebase_accounts,
):
    import httpx

    _sign_up("salma@atlas.ma")
    link = _newest_link("verify_email")
    assert "mode=verifyEmail" in link
    answer = httpx.get(link, follow_redirects=False, timeout=10)
    continue_url = answer.headers["location"]
    assert "/fr/verify?token=" in continue_url
    token = continue_url.split("token=", 1)[1]
    with session_scope() as session:
        assert service.verify_email(session=session, token=token, now=utc_now()) is not None


def test_a_password_reset_on_firebases_page_ends_oktras_other_sessions_at_next_sign_in(
    firebase_accounts,
):
    import time

    import httpx

    _sign_up("salma@atlas.ma")
    old_token = signed_in_token(_sign_in("salma@atlas.ma", PASSWORD))
    time.sleep(2.5)  # beyond the clock slack OKTRA allows between its clock and Firebase's
    asyncio.run(service.request_password_reset(email="salma@atlas.ma", now=utc_now()))
    link = _newest_link("reset_password")
    assert "mode=resetPassword" in link
    httpx.get(
        httpx.URL(link).copy_merge_params({"newPassword": "la nouvelle phrase 2026"}), timeout=10
    )
    assert signed_in_token(_sign_in("salma@atlas.ma", "la nouvelle phrase 2026"))
    with session_scope() as session:
        assert sessions.session_for_token(session=session, token=old_token, now=utc_now()) is (None)
        kinds = [m.kind for m in session.exec(select(EmailMessage))]
    assert "password_changed" in kinds


def test_deleting_an_account_deletes_the_firebase_user(firebase_accounts):
    from oktra.accounts.passwords import provider_for

    _sign_up("salma@atlas.ma")
    with session_scope() as session:
        user = session.exec(select(User)).one()
    asyncio.run(provider_for(get_settings()).delete_account(user=user))
    with pytest.raises(InvalidCredentials):
        firebase_accounts.sign_in_with_password("salma@atlas.ma", PASSWORD)
    asyncio.run(provider_for(get_settings()).delete_account(user=user))
