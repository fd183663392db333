"""Scheduled privacy work: queue the emails of announcements, batch by batch."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from oktra.privacy import announcements


def queue_announcements(*, session: Session, now: datetime) -> dict[str, int]:
    """Put the next batches of announcement emails in the outbox (policy changes, news...)."""
    return announcements.queue_announcements(session=session, now=now)
