"""Staff accounts and sign-in (Reflex-free): bcrypt password plus TOTP, short server sessions."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlmodel import Session, select

from oktra.accounts import limits, sessions
from oktra.accounts.passwords import hash_password, verify_password_async
from oktra.accounts.validation import password_problem
from oktra.admin.models import StaffMember, StaffSession
from oktra.admin.roles import Role
from oktra.admin.security import record_security_event, subject_hash
from oktra.core.clock import as_utc
from oktra.core.security import (
    UnsealError,
    derived_key,
    keyed_hash,
    new_token,
    seal,
    token_hash,
    unseal,
)
from oktra.db import session_scope
from oktra.privacy.cookies import STAFF_COOKIE
from oktra.settings import get_settings

logger = logging.getLogger(__name__)

ISSUER = "OKTRA staff"
# The HKDF label of the key that seals TOTP secrets (docs/keys.md); migration 0014 repeats it.
TOTP_KEY_PURPOSE = "staff-totp-secret"
TICKET_LIFETIME = timedelta(seconds=60)
IDLE_LIFETIME = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=10)
TOUCH_EVERY = timedelta(minutes=1)
STAFF_SIGNIN_FAILURES = limits.Rule("staff-signin-account", "5/15minutes")
STAFF_SIGNIN_FAILURES_PER_IP = limits.Rule("staff-signin-ip", "20/15minutes")


class StaffSetupError(ValueError):
    """A staff account cannot be created as asked (role, email, password)."""


class StaffSignInError(Exception):
    """Wrong email, password or code: one message for all three."""


@dataclass(frozen=True)
class NewStaff:
    """A created staff member and the provisioning URI shown once to set up the authenticator."""

    staff_id: int
    provisioning_uri: str


def normalize_email(email: object) -> str:
    """Emails are stored lower-case and stripped."""
    return email.strip().lower() if isinstance(email, str) else ""


def create_staff(
    *, session: Session, email: str, full_name: str, role: str, password: str
) -> NewStaff:
    """Create a staff member with a fresh TOTP secret; refuses unknown roles and weak passwords."""
    address = normalize_email(email)
    if role not in {r.value for r in Role}:
        raise StaffSetupError(f"unknown role {role!r}; one of: {', '.join(r.value for r in Role)}")
    if "@" not in address or len(address) > 254:
        raise StaffSetupError("not an email address")
    if session.exec(select(StaffMember).where(StaffMember.email == address)).first():
        raise StaffSetupError(f"a staff member already uses {address}")
    problem = password_problem(password, [address, full_name])
    if problem:
        raise StaffSetupError(problem)
    secret = pyotp.random_base32()
    staff = StaffMember(
        email=address,
        full_name=full_name.strip()[:120] or address,
        role=role,
        password_hash=hash_password(password),
        totp_secret="",
    )
    session.add(staff)
    session.flush()
    staff.totp_secret = seal_totp_secret(staff_id=staff.id, secret=secret)
    session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=address, issuer_name=ISSUER)
    return NewStaff(staff_id=staff.id, provisioning_uri=uri)


def _totp_key() -> bytes:
    return derived_key(get_settings().secret_key.get_secret_value(), TOTP_KEY_PURPOSE)


def _totp_context(staff_id: int) -> str:
    return f"staff_member.totp_secret:{staff_id}"


def seal_totp_secret(*, staff_id: int, secret: str) -> str:
    """The TOTP secret as stored: AES-256-GCM under a key derived from the secret key, bound to
    this staff member's id (a value copied to another row does not open)."""
    return seal(secret, key=_totp_key(), context=_totp_context(staff_id))


def totp_secret_of(staff: StaffMember) -> str | None:
    """The staff member's TOTP secret in clear; None (logged) when it does not open."""
    try:
        return unseal(staff.totp_secret, key=_totp_key(), context=_totp_context(staff.id))
    except UnsealError:
        logger.warning("the TOTP secret of staff member %s does not open with the key", staff.id)
        return None


def check_totp(staff: StaffMember, code: object, now: datetime) -> bool:
    """Accept a code of the previous, current or next 30 s step, each step at most once."""
    if not isinstance(code, str):
        return False
    digits = code.replace(" ", "").strip()
    if len(digits) != 6 or not digits.isdigit():
        return False
    secret = totp_secret_of(staff)
    if secret is None:
        return False
    totp = pyotp.TOTP(secret)
    current = totp.timecode(as_utc(now))
    for step in (current - 1, current, current + 1):
        if staff.totp_last_step is not None and step <= staff.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), digits):
            staff.totp_last_step = step
            return True
    return False


async def sign_in(
    *, email: object, password: object, code: object, ip: str, now: datetime, device: str = ""
) -> str:
    """Check password (one bcrypt check either way) and TOTP; returns a one-minute ticket.

    The network and the device (browser user agent) are kept as keyed hashes only."""
    address = normalize_email(email)
    secret = get_settings().secret_key.get_secret_value()
    ip_hash = keyed_hash(ip, secret)
    device_hash = keyed_hash(device, secret) if device else ""
    limiter = limits.get_limiter()
    limiter.check(STAFF_SIGNIN_FAILURES_PER_IP, ip_hash or "no-ip")
    limiter.check(STAFF_SIGNIN_FAILURES, subject_hash(address) or "no-email")
    with session_scope() as session:
        staff = session.exec(select(StaffMember).where(StaffMember.email == address)).first()
        stored_hash = staff.password_hash if staff is not None and staff.active else None
    text = password if isinstance(password, str) and len(password) <= 1000 else ""
    if await verify_password_async(text, stored_hash):
        with session_scope() as session:
            member = session.get(StaffMember, staff.id)
            if check_totp(member, code, now):
                return open_staff_session(
                    session=session,
                    staff=member,
                    ip_hash=ip_hash,
                    now=now,
                    device_hash=device_hash,
                )
    limiter.hit(STAFF_SIGNIN_FAILURES_PER_IP, ip_hash or "no-ip")
    limiter.hit(STAFF_SIGNIN_FAILURES, subject_hash(address) or "no-email")
    with session_scope() as session:
        record_security_event(
            session=session, kind="staff_signin_failed", now=now, subject=address, ip_hash=ip_hash
        )
    raise StaffSignInError("wrong email, password or code")


def open_staff_session(
    *, session: Session, staff: StaffMember, ip_hash: str, now: datetime, device_hash: str = ""
) -> str:
    """A new staff session waiting for its ticket to be redeemed by /staff/auth/complete."""
    ticket = new_token()
    session.add(
        StaffSession(
            staff_id=staff.id,
            ticket_hash=token_hash(ticket),
            ticket_expires_at=now + TICKET_LIFETIME,
            created_at=now,
            last_seen_at=now,
            expires_at=now + ABSOLUTE_LIFETIME,
            ip_hash=ip_hash,
            device_hash=device_hash,
        )
    )
    session.flush()
    return ticket


def redeem_ticket(*, session: Session, ticket: str, now: datetime) -> str | None:
    """Swap a fresh staff ticket for the session token, once; None when unknown or expired."""
    return sessions.redeem_ticket(session=session, ticket=ticket, now=now, model=StaffSession)


def token_from_cookie_header(header: str) -> str | None:
    """The staff session token in a Cookie header, if any."""
    return sessions.cookie_value(header, STAFF_COOKIE)


def staff_for_token(*, session: Session, token: str | None, now: datetime) -> StaffMember | None:
    """The active staff member behind a live session token (touching its last use), or None."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    last_seen = as_utc(row.last_seen_at)
    if as_utc(row.expires_at) <= now or last_seen + IDLE_LIFETIME <= now:
        return None
    staff = session.get(StaffMember, row.staff_id)
    if staff is None or not staff.active:
        return None
    if now - last_seen > TOUCH_EVERY:
        row.last_seen_at = now
    return staff


def end_staff_session(*, session: Session, token: str | None, now: datetime) -> None:
    """Sign this staff browser out."""
    if not token or len(token) > 200:
        return
    row = session.exec(
        select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    ).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now


def revoke_staff_sessions(*, session: Session, staff_id: int, now: datetime) -> int:
    """End every session of a staff member (when disabled)."""
    rows = session.exec(
        select(StaffSession).where(
            StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None)
        )
    ).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)
