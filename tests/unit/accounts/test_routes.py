"""The HTTP routes that hold the session cookie: HttpOnly, SameSite=Lax, Secure in production."""

from __future__ import annotations

from starlette.testclient import TestClient

from oktra.accounts.routes import safe_next, session_cookie_flags
from oktra.api import build_api
from oktra.settings import get_settings
from tests.unit.accounts.conftest import create_account


def _complete(ticket: str, target: str = "/fr/account"):
    client = TestClient(build_api(), follow_redirects=False)
    return client, client.get("/auth/complete", params={"ticket": ticket, "next": target})


def test_completing_sign_in_sets_an_httponly_lax_cookie(engine):
    signed = create_account("salma@atlas.ma")
    _client, response = _complete(signed.ticket)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/fr/account")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("oktra_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert "Max-Age=2592000" in cookie


def test_the_session_cookie_is_secure_in_production(monkeypatch):
    monkeypatch.setenv("OKTRA_ENV", "production")
    for key, value in {
        "OKTRA_SECRET_KEY": "a-real-secret-key-of-forty-characters-xyz",
        "OKTRA_CMI_STORE_KEY": "a-real-cmi-store-key-123",
        "OKTRA_CMI_GATEWAY_URL": "https://payment.cmi.example/fim/est3Dgate",
        "OKTRA_DATABASE_URL": "postgresql://oktra@db.internal/oktra",
        "OKTRA_BASE_URL": "https://oktra.ma",
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    assert session_cookie_flags() == {
        "httponly": True,
        "samesite": "lax",
        "secure": True,
        "path": "/",
    }


def test_a_used_or_unknown_ticket_sends_back_to_sign_in_without_a_cookie(engine):
    signed = create_account("salma@atlas.ma")
    _complete(signed.ticket)
    _client, again = _complete(signed.ticket)
    assert "/fr/signin" in again.headers["location"]
    assert "set-cookie" not in again.headers


def test_sign_out_revokes_the_session_and_clears_the_cookie(engine):
    signed = create_account("salma@atlas.ma")
    client, response = _complete(signed.ticket)
    client.cookies.set("oktra_session", response.cookies["oktra_session"])
    out = client.post("/auth/signout", data={"next": "/en"})
    assert out.status_code == 303
    assert out.headers["location"].endswith("/en")
    assert 'oktra_session=""' in out.headers["set-cookie"]
    from oktra.accounts import sessions
    from oktra.core.clock import utc_now
    from oktra.db import session_scope

    with session_scope() as session:
        token = response.cookies["oktra_session"]
        assert sessions.session_for_token(session=session, token=token, now=utc_now()) is None


def _live(token: str) -> bool:
    from oktra.accounts import sessions
    from oktra.core.clock import utc_now
    from oktra.db import session_scope

    with session_scope() as session:
        return sessions.session_for_token(session=session, token=token, now=utc_now()) is not None


def test_a_sign_out_posted_as_json_is_refused_and_keeps_the_session(engine):
    signed = create_account("salma@atlas.ma")
    client, response = _complete(signed.ticket)
    token = response.cookies["oktra_session"]
    client.cookies.set("oktra_session", token)
    out = client.post("/auth/signout", json={"next": "/en"})
    assert out.status_code == 415
    assert "multipart/form-data" in out.text
    assert "set-cookie" not in out.headers
    assert _live(token)


def test_a_sign_out_without_a_body_still_signs_out(engine):
    signed = create_account("salma@atlas.ma")
    client, response = _complete(signed.ticket)
    token = response.cookies["oktra_session"]
    client.cookies.set("oktra_session", token)
    out = client.post("/auth/signout")
    assert out.status_code == 303
    assert not _live(token)


def test_redirects_stay_on_the_site():
    assert safe_next("//evil.example/x") == "/fr"
    assert safe_next("https://evil.example") == "/fr"
    assert safe_next("/\\evil.example") == "/fr"
    assert safe_next("/en/account") == "/en/account"


def test_completing_sign_in_joins_this_browsers_cookie_choice_to_the_account(engine):
    from sqlmodel import select

    from oktra.db import session_scope
    from oktra.privacy import consent
    from oktra.privacy.models import ConsentRecord

    signed = create_account("salma@atlas.ma")
    visitor = consent.new_visitor_id()
    choice = consent.Choice(analytics=True, functional=False)
    with session_scope() as session:
        consent.record_choice(
            session=session,
            visitor_id=visitor,
            user_id=None,
            choice=choice,
            requester=consent.Requester(lang="fr"),
        )
    client = TestClient(build_api(), follow_redirects=False)
    client.cookies.set("oktra_consent", consent.encode_cookie(visitor_id=visitor, choice=choice))
    response = client.get("/auth/complete", params={"ticket": signed.ticket, "next": "/fr"})
    assert response.status_code == 303
    with session_scope() as session:
        joined = session.exec(
            select(ConsentRecord).where(ConsentRecord.user_id == signed.user_id)
        ).all()
    assert {(record.purpose, record.granted) for record in joined} >= {
        ("analytics", True),
        ("functional", False),
    }
