"""Scheduled email work: deliver the outbox, forget old messages."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from oktra.notifications.service import purge_sent_emails, send_pending


def send_emails(*, session: Session, now: datetime) -> dict[str, int]:
    """Deliver due outbox messages with retries and backoff."""
    return send_pending(session=session, now=now)


def purge_emails(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete settled messages past their 90 days."""
    return purge_sent_emails(session=session, now=now)
