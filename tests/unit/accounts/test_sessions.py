"""Sessions: only token hashes stored, single-use tickets, idle and absolute expiry, revocation."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from oktra.accounts import sessions
from oktra.accounts.models import AuthSession, User
from oktra.core.clock import utc_now
from oktra.core.security import token_hash
from oktra.db import session_scope
from oktra.privacy.registry import REGISTRY
from oktra.privacy.retention import purge_table
from oktra.settings import get_settings
from tests.unit.accounts.conftest import create_account, signed_in_token


def _row(user_id: int) -> AuthSession:
    with session_scope() as session:
        return session.exec(select(AuthSession).where(AuthSession.user_id == user_id)).first()


def _live(token: str, now) -> bool:
    with session_scope() as session:
        return sessions.session_for_token(session=session, token=token, now=now) is not None


def test_only_a_hash_of_the_token_is_stored(engine):
    signed = create_account("salma@atlas.ma")
    token = signed_in_token(signed)
    row = _row(signed.user_id)
    assert row.token_hash == token_hash(token)
    assert token not in {row.token_hash, row.ticket_hash}
    assert row.ip_hash and "196.200.1.2" not in row.ip_hash


def test_a_ticket_works_once(engine):
    signed = create_account("salma@atlas.ma")
    assert signed_in_token(signed)
    assert signed_in_token(signed) is None


def test_an_expired_ticket_is_refused(engine):
    signed = create_account("salma@atlas.ma")
    with session_scope() as session:
        later = utc_now() + timedelta(minutes=2)
        assert sessions.redeem_ticket(session=session, ticket=signed.ticket, now=later) is None


def test_a_session_ends_after_the_idle_period(engine):
    token = signed_in_token(create_account("salma@atlas.ma"))
    now = utc_now()
    assert _live(token, now + timedelta(hours=167))
    assert not _live(token, now + timedelta(hours=167) + timedelta(hours=169))


def test_a_session_ends_at_its_absolute_expiry_even_when_used(engine):
    token = signed_in_token(create_account("salma@atlas.ma"))
    now = utc_now()
    for day in range(1, 30, 5):
        assert _live(token, now + timedelta(days=day))
    assert not _live(token, now + timedelta(days=30, minutes=1))


def test_a_revoked_session_is_refused(engine):
    signed = create_account("salma@atlas.ma")
    token = signed_in_token(signed)
    with session_scope() as session:
        sessions.end_session(session=session, token=token, now=utc_now())
    assert not _live(token, utc_now())


def test_a_password_change_ends_every_other_session(engine):
    import asyncio

    from oktra.accounts import service

    signed = create_account("salma@atlas.ma")
    first = signed_in_token(signed)
    second_signed = asyncio.run(
        service.sign_in(
            email="salma@atlas.ma",
            password="marchés publics 2026 Casablanca",
            client=sessions.ClientInfo(),
        )
    )
    second = signed_in_token(second_signed)
    keep = _row(signed.user_id).id
    asyncio.run(
        service.change_password(
            user_id=signed.user_id,
            current_session_id=keep,
            form={
                "current_password": "marchés publics 2026 Casablanca",
                "new_password": "une autre phrase de passe 77",
            },
        )
    )
    assert _live(first, utc_now())
    assert not _live(second, utc_now())
    with session_scope() as session:
        assert session.get(User, signed.user_id).password_hash.startswith("$2b$")


def test_the_device_list_shows_only_live_sessions(engine):
    signed = create_account("salma@atlas.ma")
    token = signed_in_token(signed)
    with session_scope() as session:
        assert (
            len(sessions.active_sessions(session=session, user_id=signed.user_id, now=utc_now()))
            == 1
        )
        sessions.end_session(session=session, token=token, now=utc_now())
    with session_scope() as session:
        assert (
            sessions.active_sessions(session=session, user_id=signed.user_id, now=utc_now()) == []
        )


def test_ended_sessions_are_purged_by_the_retention_rule_and_live_ones_kept(engine):
    token = signed_in_token(create_account("salma@atlas.ma"))
    create_account("omar@atlas.ma")  # a sign-in never completed: its ticket lasts a minute
    signed_in_token(create_account("nadia@atlas.ma"))
    with session_scope() as session:
        sessions.end_session(session=session, token=token, now=utc_now())
    rule = REGISTRY["auth_session"]
    with session_scope() as session:
        assert purge_table(session=session, declaration=rule, now=utc_now())["auth_session"] == 1
    idle = utc_now() + timedelta(hours=get_settings().session_idle_hours, minutes=1)
    with session_scope() as session:
        assert purge_table(session=session, declaration=rule, now=idle)["auth_session"] == 2
    with session_scope() as session:
        assert session.exec(select(AuthSession)).all() == []


def test_a_malformed_cookie_header_means_no_session():
    assert sessions.token_from_cookie_header('oktra_session="unterminated') is None
    assert sessions.token_from_cookie_header("") is None
    assert sessions.token_from_cookie_header("a=b; oktra_session=tok") == "tok"
