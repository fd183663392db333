"""Accounts made by operators rather than by sign-up: demo data, tests, imports."""

from __future__ import annotations

from sqlmodel import Session

from oktra.accounts.models import User
from oktra.accounts.passwords import hash_password
from oktra.accounts.service import get_user_by_email
from oktra.accounts.validation import normalize_email
from oktra.core.clock import utc_now


def ensure_user(
    *,
    session: Session,
    email: str,
    full_name: str,
    password: str | None,
    company_name: str | None = None,
    language: str = "fr",
    verified: bool = False,
) -> tuple[User, bool]:
    """Return the user with this email, creating it if absent; the flag says if it was created."""
    existing = get_user_by_email(session=session, email=email)
    if existing is not None:
        return existing, False
    now = utc_now()
    user = User(
        email=normalize_email(email) or email.strip().lower(),
        full_name=full_name,
        company_name=company_name,
        password_hash=hash_password(password) if password else None,
        language=language,
        email_verified_at=now if verified else None,
    )
    session.add(user)
    session.flush()
    return user, True
