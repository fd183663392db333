"""Account services (Reflex-free): plain functions, keyword-only, session passed in."""

from __future__ import annotations

import bcrypt
from sqlmodel import Session, select

from oktra.accounts.models import User

BCRYPT_ROUNDS = 12
BCRYPT_MAX_BYTES = 72


class PasswordTooLongError(ValueError):
    """bcrypt reads at most 72 bytes; a longer password is refused rather than truncated."""


def hash_password(password: str, *, rounds: int = BCRYPT_ROUNDS) -> str:
    """A bcrypt hash of the password (policy section 8)."""
    raw = password.encode("utf-8")
    if len(raw) > BCRYPT_MAX_BYTES:
        raise PasswordTooLongError("password longer than 72 bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the stored bcrypt hash."""
    raw = password.encode("utf-8")
    if len(raw) > BCRYPT_MAX_BYTES:
        return False
    return bcrypt.checkpw(raw, password_hash.encode("ascii"))


def get_user_by_email(*, session: Session, email: str) -> User | None:
    """The user with this email, compared case-insensitively."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def ensure_user(
    *,
    session: Session,
    email: str,
    full_name: str,
    password: str | None,
    company_name: str | None = None,
    language: str = "fr",
) -> tuple[User, bool]:
    """Return the user with this email, creating it if absent; the flag says if it was created."""
    existing = get_user_by_email(session=session, email=email)
    if existing is not None:
        return existing, False
    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        company_name=company_name,
        password_hash=hash_password(password) if password else None,
        language=language,
    )
    session.add(user)
    session.flush()
    return user, True
