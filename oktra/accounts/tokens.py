"""Signed links sent by email: verification (expiring) and password reset (single use)."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from oktra.accounts.models import User
from oktra.settings import get_settings

VERIFY = "oktra.verify-email"
RESET = "oktra.reset-password"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt=purpose)


def _reset_stamp(user: User) -> str:
    """Changes whenever the password changes, so a used reset link stops working."""
    return f"{user.password_changed_at.timestamp():.6f}"


def verification_token(user: User) -> str:
    """A link token proving the owner of this address clicked it."""
    return _serializer(VERIFY).dumps({"uid": user.id, "email": user.email})


def reset_token(user: User) -> str:
    """A link token for one password reset."""
    return _serializer(RESET).dumps({"uid": user.id, "stamp": _reset_stamp(user)})


def read_verification(token: str, *, max_age_seconds: int) -> tuple[int, str] | None:
    """(user id, email) from a valid, unexpired verification token."""
    data = _load(VERIFY, token, max_age_seconds)
    if not data or not isinstance(data.get("uid"), int) or not isinstance(data.get("email"), str):
        return None
    return data["uid"], data["email"]


def read_reset(token: str, *, max_age_seconds: int) -> tuple[int, str] | None:
    """(user id, stamp) from a valid, unexpired reset token; the caller compares the stamp."""
    data = _load(RESET, token, max_age_seconds)
    if not data or not isinstance(data.get("uid"), int) or not isinstance(data.get("stamp"), str):
        return None
    return data["uid"], data["stamp"]


def reset_stamp_matches(user: User, stamp: str) -> bool:
    """Whether a reset token was issued for the current password."""
    return _reset_stamp(user) == stamp


def _load(purpose: str, token: str, max_age_seconds: int) -> dict | None:
    if not isinstance(token, str) or len(token) > 1000:
        return None
    try:
        data = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) else None
