"""Scheduled email work: deliver the outbox (old messages go by the retention job)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from oktra.notifications.service import send_pending


def send_emails(*, session: Session, now: datetime) -> dict[str, int]:
    """Deliver due outbox messages with retries and backoff."""
    return send_pending(session=session, now=now)
