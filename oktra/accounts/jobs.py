"""Scheduled account work: forget ended sessions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from oktra.accounts.sessions import purge_sessions


def purge_ended_sessions(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete revoked, expired and idle sessions (the registry's retention)."""
    return purge_sessions(session=session, now=now)
