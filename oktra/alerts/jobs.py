"""Scheduled work of the alerts: match new tenders, forget old matches."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session

from oktra.alerts.engine import match_new_tenders
from oktra.alerts.models import AlertMatch
from oktra.privacy.registry import REGISTRY


def match_alerts(*, session: Session, now: datetime) -> dict[str, int]:
    """Match the tenders new or changed since the last run against every active alert."""
    return match_new_tenders(session=session, now=now)


def purge_alert_matches(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete matches older than their retention period (personal-data registry)."""
    days = REGISTRY["alert_match"].retention_days
    cutoff = now - timedelta(days=days)
    deleted = session.execute(delete(AlertMatch).where(AlertMatch.matched_at < cutoff)).rowcount
    return {"deleted": deleted or 0}
