"""Signed links (verification, single-use reset) and the right of rectification."""

from __future__ import annotations

import asyncio
import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import select

from oktra.accounts import profile, service, tokens
from oktra.accounts.models import User
from oktra.accounts.validation import ValidationFailedError
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.notifications.models import EmailMessage
from tests.unit.accounts.conftest import create_account, signed_in_token


def _link_token(kind: str) -> str:
    with session_scope() as session:
        message = session.exec(
            select(EmailMessage).where(EmailMessage.kind == kind).order_by(EmailMessage.id.desc())
        ).first()
    return re.search(r"token=(\S+)", message.text_body).group(1)


def _verify(token: str) -> User | None:
    with session_scope() as session:
        return service.verify_email(session=session, token=token, now=utc_now())


def test_the_emailed_link_verifies_the_address(engine):
    signed = create_account("salma@atlas.ma")
    assert _verify(_link_token("verify_email")).id == signed.user_id
    with session_scope() as session:
        assert service.may_receive_alerts(session.get(User, signed.user_id))


def test_an_expired_verification_link_is_refused(engine, monkeypatch):
    create_account("salma@atlas.ma")
    token = _link_token("verify_email")
    monkeypatch.setenv("OKTRA_VERIFICATION_LINK_HOURS", "1")
    from oktra.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: utc_now().timestamp() + 7200)
    assert _verify(token) is None


def test_a_forged_verification_link_is_refused(engine):
    signed = create_account("salma@atlas.ma")
    forged = URLSafeTimedSerializer("not-the-key", salt=tokens.VERIFY).dumps(
        {"uid": signed.user_id, "email": "salma@atlas.ma"}
    )
    assert _verify(forged) is None
    assert _verify("garbage") is None


def test_a_reset_link_works_once_and_ends_every_session(engine):
    signed = create_account("salma@atlas.ma")
    token = signed_in_token(signed)
    asyncio.run(service.request_password_reset(email="Salma@atlas.ma", now=utc_now()))
    link = _link_token("reset_password")
    asyncio.run(service.reset_password(token=link, form={"password": "nouvelle phrase 2026 ok"}))
    with pytest.raises(ValidationFailedError):
        asyncio.run(service.reset_password(token=link, form={"password": "encore une autre 2026"}))
    from oktra.accounts import sessions

    with session_scope() as session:
        assert sessions.session_for_token(session=session, token=token, now=utc_now()) is None


def test_a_reset_request_for_an_unknown_address_sends_nothing(engine):
    asyncio.run(service.request_password_reset(email="nobody@atlas.ma", now=utc_now()))
    asyncio.run(service.request_password_reset(email=["not", "a", "string"], now=utc_now()))
    with session_scope() as session:
        assert session.exec(select(EmailMessage)).all() == []


def _update(user_id: int, **fields: object) -> User:
    form = {
        "full_name": "Salma Bennani",
        "email": "salma@atlas.ma",
        "company_name": "",
        "phone": "",
        "language": "fr",
        "sectors": [],
        "regions": [],
        **fields,
    }
    return asyncio.run(profile.save_profile(user_id=user_id, form=form))


def test_every_account_field_can_be_rectified(engine):
    signed = create_account("salma@atlas.ma")
    user = _update(
        signed.user_id,
        full_name="Salma Bennani-Alaoui",
        company_name="Atlas BTP & Fils",
        phone="+212 5 22 12 34 56",
        language="ar",
        sectors=["construction", "roads"],
        regions=["casablanca-settat"],
    )
    assert (user.full_name, user.company_name, user.phone, user.language) == (
        "Salma Bennani-Alaoui",
        "Atlas BTP & Fils",
        "+212522123456",
        "ar",
    )
    assert (user.sectors, user.regions) == (["construction", "roads"], ["casablanca-settat"])


def test_a_new_email_is_verified_again_and_the_old_address_is_told(engine):
    signed = create_account("salma@atlas.ma")
    _verify(_link_token("verify_email"))
    user = _update(signed.user_id, email="salma.new@atlas.ma")
    assert user.email == "salma.new@atlas.ma"
    assert user.email_verified_at is None
    with session_scope() as session:
        kinds = [(m.kind, m.to_address) for m in session.exec(select(EmailMessage))]
    assert ("email_changed", "salma@atlas.ma") in kinds
    assert ("verify_email", "salma.new@atlas.ma") in kinds


def test_an_old_verification_link_does_not_verify_a_new_address(engine):
    signed = create_account("salma@atlas.ma")
    old_link = _link_token("verify_email")
    _update(signed.user_id, email="salma.new@atlas.ma")
    assert _verify(old_link) is None


def test_unknown_sector_or_region_codes_are_refused(engine):
    signed = create_account("salma@atlas.ma")
    with pytest.raises(ValidationFailedError) as failed:
        _update(
            signed.user_id,
            sectors=["construction", "'; DROP TABLE user_account"],
            regions=["atlantis"],
        )
    assert set(failed.value.errors) == {"sectors", "regions"}
