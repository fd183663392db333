"""Recording security events (Reflex-free): every write goes through record_security_event."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from oktra.admin.models import SecurityEvent
from oktra.core.security import keyed_hash
from oktra.settings import get_settings


def subject_hash(value: str) -> str:
    """The keyed hash that names a subject (an email) without storing it."""
    return keyed_hash(value.strip().lower(), get_settings().secret_key.get_secret_value())


def record_security_event(
    *,
    session: Session,
    kind: str,
    now: datetime,
    user_id: int | None = None,
    subject: str = "",
    ip_hash: str = "",
    details: dict | None = None,
) -> SecurityEvent:
    """Append one security event."""
    event = SecurityEvent(
        kind=kind,
        user_id=user_id,
        subject_hash=subject_hash(subject) if subject else "",
        ip_hash=ip_hash,
        details=details or {},
        created_at=now,
    )
    session.add(event)
    session.flush()
    return event
