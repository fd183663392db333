"""Scheduled work of the alerts: match new tenders, email what matched and what changed (old
matches and deliveries go by the retention job)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from oktra.alerts.delivery import queue_alert_emails
from oktra.alerts.engine import match_new_tenders
from oktra.alerts.follows import queue_follow_emails
from oktra.alerts.models import Frequency


def match_alerts(*, session: Session, now: datetime) -> dict[str, int]:
    """Match the tenders new or changed since the last run against every active alert."""
    return match_new_tenders(session=session, now=now)


def queue_instant_alerts(*, session: Session, now: datetime) -> dict[str, int]:
    """Email the new matches of instant alerts."""
    return queue_alert_emails(session=session, frequency=Frequency.INSTANT, now=now)


def queue_daily_digests(*, session: Session, now: datetime) -> dict[str, int]:
    """Email each user's daily digest (once per Moroccan day, only when something matched).

    Matching runs first, so a digest run as a catch-up next to a catch-up of the matching job
    still carries every tender imported before it."""
    match_new_tenders(session=session, now=now)
    return queue_alert_emails(session=session, frequency=Frequency.DAILY, now=now)


def queue_weekly_digests(*, session: Session, now: datetime) -> dict[str, int]:
    """Email each user's weekly digest (once per ISO week, only when something matched)."""
    match_new_tenders(session=session, now=now)
    return queue_alert_emails(session=session, frequency=Frequency.WEEKLY, now=now)


def queue_follow_notices(*, session: Session, now: datetime) -> dict[str, int]:
    """Email the changes of followed tenders and their deadline and site-visit reminders."""
    return queue_follow_emails(session=session, now=now)
