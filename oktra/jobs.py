"""The catalogue of scheduled jobs: every domain's jobs, with their triggers."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from oktra.accounts.jobs import purge_ended_sessions
from oktra.admin.audit import purge_audit_events
from oktra.admin.security import purge_security_events
from oktra.alerts.jobs import (
    match_alerts,
    purge_alert_matches,
    queue_daily_digests,
    queue_follow_notices,
    queue_instant_alerts,
    queue_weekly_digests,
)
from oktra.core.clock import MOROCCO
from oktra.notifications.jobs import purge_emails, send_emails
from oktra.privacy.analytics import rotate_salts
from oktra.privacy.jobs import queue_announcements
from oktra.scheduler import JobSpec, prune_job_runs
from oktra.settings import get_settings
from oktra.tenders.jobs import ingest_watched_folder


def _prune_job_runs(*, session: Session, now: datetime) -> dict[str, int]:
    return prune_job_runs(session=session, now=now, keep_days=get_settings().job_run_retention_days)


def all_jobs() -> list[JobSpec]:
    """Every scheduled job, in the order `oktra jobs list` shows them."""
    return [
        JobSpec(
            name="prune_job_runs",
            func=_prune_job_runs,
            trigger=CronTrigger(hour=3, minute=30, timezone=MOROCCO),
            description="Delete job-run records past their retention period",
        ),
        JobSpec(
            name="ingest_tender_inbox",
            func=ingest_watched_folder,
            trigger=IntervalTrigger(minutes=get_settings().tender_inbox_minutes),
            description="Import new tender files from the watched folder (OKTRA_TENDER_INBOX)",
        ),
        JobSpec(
            name="match_alerts",
            func=match_alerts,
            trigger=IntervalTrigger(seconds=60),
            description="Match new or changed tenders against every active alert",
        ),
        JobSpec(
            name="queue_instant_alerts",
            func=queue_instant_alerts,
            trigger=IntervalTrigger(seconds=60),
            description="Email the new matches of instant alerts",
        ),
        JobSpec(
            name="queue_daily_digests",
            func=queue_daily_digests,
            trigger=CronTrigger(hour=7, minute=0, timezone=MOROCCO),
            description="Email the daily digests (07:00 Africa/Casablanca)",
        ),
        JobSpec(
            name="queue_weekly_digests",
            func=queue_weekly_digests,
            trigger=CronTrigger(day_of_week="mon", hour=7, minute=0, timezone=MOROCCO),
            description="Email the weekly digests (Monday 07:00 Africa/Casablanca)",
        ),
        JobSpec(
            name="queue_follow_notices",
            func=queue_follow_notices,
            trigger=IntervalTrigger(minutes=5),
            description="Email followed tenders' changes and deadline and site-visit reminders",
        ),
        JobSpec(
            name="purge_alert_matches",
            func=purge_alert_matches,
            trigger=CronTrigger(hour=4, minute=5, timezone=MOROCCO),
            description="Delete alert matches and deliveries older than one year",
        ),
        JobSpec(
            name="queue_announcements",
            func=queue_announcements,
            trigger=IntervalTrigger(seconds=60),
            description="Queue announcement emails by batches (policy changes, updates, news)",
        ),
        JobSpec(
            name="rotate_analytics_salts",
            func=rotate_salts,
            trigger=CronTrigger(hour=0, minute=5, timezone=MOROCCO),
            description="Delete past days' analytics salts and events older than 13 months",
        ),
        JobSpec(
            name="send_emails",
            func=send_emails,
            trigger=IntervalTrigger(seconds=60),
            description="Deliver due outbox messages (retries with backoff)",
        ),
        JobSpec(
            name="purge_emails",
            func=purge_emails,
            trigger=CronTrigger(hour=3, minute=40, timezone=MOROCCO),
            description="Delete settled outbox messages older than 90 days",
        ),
        JobSpec(
            name="purge_security_events",
            func=purge_security_events,
            trigger=CronTrigger(hour=3, minute=50, timezone=MOROCCO),
            description="Delete security events older than twelve months",
        ),
        JobSpec(
            name="purge_audit_events",
            func=purge_audit_events,
            trigger=CronTrigger(hour=3, minute=55, timezone=MOROCCO),
            description="Delete audit events older than five years",
        ),
        JobSpec(
            name="purge_sessions",
            func=purge_ended_sessions,
            trigger=CronTrigger(hour=3, minute=45, timezone=MOROCCO),
            description="Delete ended sessions (revoked, expired, idle)",
        ),
    ]


def find_job(name: str) -> JobSpec | None:
    """The job with this name, if any."""
    return next((spec for spec in all_jobs() if spec.name == name), None)
