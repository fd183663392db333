"""Staff sign-in: bcrypt password plus a TOTP code that is accepted once; the staff cookie."""

from __future__ import annotations

import asyncio
import io
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from sqlalchemy import text
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from oktra.admin import routes, staff_auth
from oktra.admin.models import StaffMember
from oktra.cli import main
from oktra.core.clock import utc_now
from oktra.db import session_scope
from tests.unit.admin.conftest import STAFF_PASSWORD, add_staff, code_for


def _sign_in(email: str, password: str, code: str) -> str:
    return asyncio.run(
        staff_auth.sign_in(email=email, password=password, code=code, ip="10.0.0.1", now=utc_now())
    )


def _new_staff(role: str = "support") -> StaffMember:
    with session_scope() as session:
        staff = add_staff(session, role)
        session.expunge(staff)
    return staff


def test_the_right_password_and_code_give_a_ticket(engine):
    staff = _new_staff()
    assert _sign_in("SUPPORT@oktra.ma", STAFF_PASSWORD, code_for(staff))


def test_a_wrong_code_is_refused(engine):
    staff = _new_staff()
    wrong = f"{(int(code_for(staff)) + 1) % 1_000_000:06d}"
    with pytest.raises(staff_auth.StaffSignInError):
        _sign_in(staff.email, STAFF_PASSWORD, wrong)


def test_a_wrong_password_is_refused_even_with_the_right_code(engine):
    staff = _new_staff()
    with pytest.raises(staff_auth.StaffSignInError):
        _sign_in(staff.email, "not the password at all", code_for(staff))


def test_a_code_is_not_accepted_twice(engine):
    staff = _new_staff()
    code = code_for(staff)
    _sign_in(staff.email, STAFF_PASSWORD, code)
    with pytest.raises(staff_auth.StaffSignInError):
        _sign_in(staff.email, STAFF_PASSWORD, code)


def test_an_earlier_step_is_refused_after_a_later_one_was_used():
    sealed = staff_auth.seal_totp_secret(staff_id=7, secret="A" * 32)
    staff = StaffMember(
        id=7,
        email="a@oktra.ma",
        full_name="A",
        role="support",
        password_hash="x",
        totp_secret=sealed,
    )
    now = utc_now()
    assert staff_auth.check_totp(staff, code_for(staff, 1), now)
    assert not staff_auth.check_totp(staff, code_for(staff), now)
    assert not staff_auth.check_totp(staff, "12345", now)


def test_a_disabled_member_cannot_sign_in(engine):
    staff = _new_staff()
    with session_scope() as session:
        session.get(StaffMember, staff.id).active = False
    with pytest.raises(staff_auth.StaffSignInError):
        _sign_in(staff.email, STAFF_PASSWORD, code_for(staff))


def test_completing_staff_sign_in_sets_a_strict_httponly_cookie(engine):
    staff = _new_staff()
    ticket = _sign_in(staff.email, STAFF_PASSWORD, code_for(staff))
    client = TestClient(Starlette(routes=routes.ROUTES), follow_redirects=False)
    response = client.get("/staff/auth/complete", params={"ticket": ticket})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/staff/users")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("oktra_staff=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    again = client.get("/staff/auth/complete", params={"ticket": ticket})
    assert "set-cookie" not in again.headers


def _add(monkeypatch, *args: str, password: str = STAFF_PASSWORD) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["staff", "add", *args, "--password-stdin"])


def test_staff_add_creates_a_member_and_prints_the_otpauth_uri_once(engine, monkeypatch, capsys):
    assert _add(monkeypatch, "Nadia@OKTRA.ma", "--role", "dpo", "--name", "Nadia Alaoui") == 0
    out = capsys.readouterr().out
    assert out.count("otpauth://totp/") == 1
    with session_scope() as session:
        staff = session.exec(select(StaffMember)).one()
        assert (staff.email, staff.role, staff.full_name) == (
            "nadia@oktra.ma",
            "dpo",
            "Nadia Alaoui",
        )
        assert staff.password_hash.startswith("$2b$")
        assert STAFF_PASSWORD not in out


def test_staff_add_refuses_an_unknown_role(engine, monkeypatch, capsys):
    assert _add(monkeypatch, "x@oktra.ma", "--role", "superuser") == 1
    assert "unknown role" in capsys.readouterr().err


def test_staff_add_refuses_a_weak_password(engine, monkeypatch, capsys):
    assert _add(monkeypatch, "x@oktra.ma", "--role", "support", password="password1") == 1
    assert "refused" in capsys.readouterr().err
    with session_scope() as session:
        assert session.exec(select(StaffMember)).all() == []


def test_the_stored_totp_secret_is_sealed_and_never_the_base32_secret(engine):
    with session_scope() as session:
        created = staff_auth.create_staff(
            session=session,
            email="dpo@oktra.ma",
            full_name="Dpo Agent",
            role="dpo",
            password=STAFF_PASSWORD,
        )
    secret = parse_qs(urlsplit(created.provisioning_uri).query)["secret"][0]
    with session_scope() as session:
        stored = session.execute(
            text("SELECT totp_secret FROM staff_member WHERE id = :id"), {"id": created.staff_id}
        ).scalar_one()
    assert secret not in stored and stored.startswith("v1.")
    assert _sign_in("dpo@oktra.ma", STAFF_PASSWORD, pyotp.TOTP(secret).now())


def test_a_sealed_secret_copied_to_another_member_does_not_open(engine):
    first, second = _new_staff("support"), _new_staff("dpo")
    with session_scope() as session:
        session.get(StaffMember, second.id).totp_secret = first.totp_secret
    with session_scope() as session:
        copied = session.get(StaffMember, second.id)
        assert staff_auth.totp_secret_of(copied) is None
    for code in (code_for(first), code_for(second)):
        with pytest.raises(staff_auth.StaffSignInError):
            _sign_in(second.email, STAFF_PASSWORD, code)
