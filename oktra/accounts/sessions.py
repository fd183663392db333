"""Server-side sessions: only token hashes are stored; idle and absolute expiry; revocation.

Signing in creates a session holding a one-minute ticket; the browser brings the ticket to the
`/auth/complete` route, which swaps it for the session token and sets the HttpOnly cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import CookieError, SimpleCookie

from sqlmodel import Session, select

from oktra.accounts.models import AuthSession, User
from oktra.core.security import keyed_hash, new_token, token_hash
from oktra.privacy.cookies import SESSION_COOKIE
from oktra.settings import Settings, get_settings

TICKET_LIFETIME = timedelta(seconds=60)
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ClientInfo:
    """Where a request comes from: kept as a keyed hash of the IP and a trimmed user-agent."""

    ip: str = ""
    user_agent: str = ""

    def ip_hash(self) -> str:
        """The IP address as the registry stores it: HMAC-SHA256 with the secret key."""
        return keyed_hash(self.ip, get_settings().secret_key.get_secret_value())


def open_session(*, session: Session, user: User, client: ClientInfo, now: datetime) -> str:
    """Create a session for the user; returns the one-minute ticket that completes it."""
    settings = get_settings()
    ticket = new_token()
    session.add(
        AuthSession(
            user_id=user.id,
            ticket_hash=token_hash(ticket),
            ticket_expires_at=now + TICKET_LIFETIME,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=settings.session_absolute_days),
            ip_hash=client.ip_hash(),
            user_agent=client.user_agent[:300],
        )
    )
    session.flush()
    return ticket


def redeem_ticket(
    *, session: Session, ticket: str, now: datetime, model: type = AuthSession
) -> str | None:
    """Swap a fresh ticket for the session token (once); None when unknown or expired.

    `model` is any session table with the same ticket and token columns (staff sessions too).
    """
    if not ticket or len(ticket) > 200:
        return None
    row = session.exec(select(model).where(model.ticket_hash == token_hash(ticket))).first()
    if row is None or row.revoked_at is not None or row.ticket_expires_at is None:
        return None
    row.ticket_hash = None
    if row.ticket_expires_at <= now:
        row.revoked_at = now
        return None
    row.ticket_expires_at = None
    token = new_token()
    row.token_hash = token_hash(token)
    row.last_seen_at = now
    return token


def cookie_value(header: str, name: str) -> str | None:
    """One cookie's value in a Cookie header, if any."""
    cookies = SimpleCookie()
    try:
        cookies.load(header or "")
    except CookieError:
        return None
    morsel = cookies.get(name)
    return morsel.value if morsel and morsel.value else None


def token_from_cookie_header(header: str) -> str | None:
    """The session token in a Cookie header, if any."""
    return cookie_value(header, SESSION_COOKIE)


def _is_live(row: AuthSession, now: datetime, settings: Settings) -> bool:
    idle = timedelta(hours=settings.session_idle_hours)
    return row.revoked_at is None and row.expires_at > now and row.last_seen_at + idle > now


def session_and_user_for_token(
    *, session: Session, token: str | None, now: datetime
) -> tuple[AuthSession, User] | None:
    """The live session behind a token and its user, in one query (touching its last use),
    or None: the check behind a signed-in tab's events."""
    if not token or len(token) > 200:
        return None
    found = session.exec(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == token_hash(token))
    ).first()
    if found is None or not _is_live(found[0], now, get_settings()):
        return None
    row, user = found
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return row, user


def session_for_token(*, session: Session, token: str | None, now: datetime) -> AuthSession | None:
    """The live session behind a token (touching its last use), or None."""
    found = session_and_user_for_token(session=session, token=token, now=now)
    return found[0] if found is not None else None


def end_session(*, session: Session, token: str | None, now: datetime) -> int | None:
    """Sign out this device; returns whose session it was."""
    row = session_for_token(session=session, token=token, now=now)
    if row is None:
        return None
    row.revoked_at = now
    return row.user_id


def revoke_session(*, session: Session, user_id: int, session_id: int, now: datetime) -> bool:
    """Sign out one of the user's own devices; another user's session is never touched."""
    row = session.get(AuthSession, session_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return False
    row.revoked_at = now
    return True


def revoke_all_sessions(
    *, session: Session, user_id: int, now: datetime, keep_id: int | None = None
) -> int:
    """Sign out every device of the user but one (after a password change)."""
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    ).all()
    revoked = 0
    for row in rows:
        if row.id != keep_id:
            row.revoked_at = now
            revoked += 1
    return revoked


def active_sessions(*, session: Session, user_id: int, now: datetime) -> list[AuthSession]:
    """The user's signed-in devices, newest use first."""
    settings = get_settings()
    rows = session.exec(
        select(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.token_hash.is_not(None))
        .order_by(AuthSession.last_seen_at.desc())
    ).all()
    return [row for row in rows if _is_live(row, now, settings)]
