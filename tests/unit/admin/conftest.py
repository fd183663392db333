"""Back-office fixtures: staff members of each role, customers, and staff-signed-in states."""

from __future__ import annotations

import pyotp
import pytest
import reflex.constants as rc
from reflex.istate.data import RouterData
from sqlmodel import Session

from oktra.accounts import limits
from oktra.accounts.models import User
from oktra.admin import staff_auth
from oktra.admin.models import StaffMember
from oktra.core.clock import utc_now
from oktra.db import session_scope

STAFF_PASSWORD = "registre des marchés 2026 Tanger-Med"


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    """bcrypt at its minimum cost keeps the suite quick; production uses cost 12."""
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test starts with no attempt counted (in-memory limits storage)."""
    limits.get_limiter().reset()
    yield
    limits.get_limiter().reset()


def add_staff(session: Session, role: str, email: str | None = None) -> StaffMember:
    """A staff member of the role, created the way `oktra staff add` does."""
    created = staff_auth.create_staff(
        session=session,
        email=email or f"{role}@oktra.ma",
        full_name=f"{role.title()} Agent",
        role=role,
        password=STAFF_PASSWORD,
    )
    return session.get(StaffMember, created.staff_id)


def add_user(session: Session, email: str = "salma@atlas.ma") -> User:
    """A customer account row."""
    user = User(email=email, full_name="Salma Bennani", company_name="Atlas BTP")
    session.add(user)
    session.flush()
    return user


def code_for(staff: StaffMember, offset_steps: int = 0) -> str:
    """The authenticator's code for now (or a neighbouring step)."""
    totp = pyotp.TOTP(staff_auth.totp_secret_of(staff))
    return totp.generate_otp(totp.timecode(utc_now()) + offset_steps)


def staff_token(role: str, email: str | None = None) -> tuple[int, str]:
    """A staff member of the role signed in as /staff/auth/complete does: (id, cookie value)."""
    with session_scope() as session:
        staff = add_staff(session, role, email)
        ticket = staff_auth.open_staff_session(
            session=session, staff=staff, ip_hash="", now=utc_now()
        )
        staff_id = staff.id
    with session_scope() as session:
        return staff_id, staff_auth.redeem_ticket(session=session, ticket=ticket, now=utc_now())


def staff_state(state_class, *, cookie: str, path: str = "/staff/users"):
    """A staff page state as a request with this Cookie header would see it."""
    state = state_class()
    state.router = RouterData.from_router_data(
        {
            rc.RouteVar.HEADERS: {"cookie": cookie, "user-agent": "pytest browser"},
            rc.RouteVar.CLIENT_IP: "196.200.1.9",
            rc.RouteVar.PATH: path,
            rc.RouteVar.ORIGIN: path,
        }
    )
    return state
