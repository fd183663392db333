"""Scheduled work of the alerts: match new tenders, email what matched and what changed, forget
old matches and deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session

from oktra.alerts.delivery import queue_alert_emails
from oktra.alerts.engine import match_new_tenders
from oktra.alerts.follows import queue_follow_emails
from oktra.alerts.models import AlertDelivery, AlertMatch, Frequency
from oktra.privacy.registry import REGISTRY


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


def purge_alert_matches(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete matches and deliveries older than their retention (personal-data registry)."""
    counts = {}
    for name, model, column in (
        ("deleted", AlertMatch, AlertMatch.matched_at),
        ("deliveries_deleted", AlertDelivery, AlertDelivery.created_at),
    ):
        cutoff = now - timedelta(days=REGISTRY[model.__tablename__].retention_days)
        counts[name] = session.execute(delete(model).where(column < cutoff)).rowcount or 0
    return counts
