"""The catalogue of scheduled jobs: every domain's jobs, with their triggers."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from oktra.admin.anomalies import detect
from oktra.alerts.jobs import (
    match_alerts,
    queue_daily_digests,
    queue_follow_notices,
    queue_instant_alerts,
    queue_weekly_digests,
)
from oktra.billing.lifecycle import expire_plans, send_renewal_reminders
from oktra.core.clock import MOROCCO
from oktra.notifications.jobs import send_emails
from oktra.ops.jobs import backup_job
from oktra.privacy.analytics import rotate_salts
from oktra.privacy.erasure import purge_sent_receipts
from oktra.privacy.export import build_exports, purge_exports
from oktra.privacy.jobs import queue_announcements
from oktra.privacy.requests import purge_unverified_requests
from oktra.privacy.retention import retention_job
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
            name="queue_announcements",
            func=queue_announcements,
            trigger=IntervalTrigger(seconds=60),
            description="Queue announcement emails by batches (policy changes, updates, news)",
        ),
        JobSpec(
            name="rotate_analytics_salts",
            func=rotate_salts,
            trigger=CronTrigger(hour=0, minute=5, timezone=MOROCCO),
            description="Delete past days' analytics salts",
        ),
        JobSpec(
            name="retention",
            func=retention_job,
            trigger=CronTrigger(hour=3, minute=40, timezone=MOROCCO),
            description="Apply every retention rule of the registry: warn and close inactive "
            "accounts, erase closed ones after 30 days, delete expired rows in batches",
        ),
        JobSpec(
            name="send_emails",
            func=send_emails,
            trigger=IntervalTrigger(seconds=60),
            description="Deliver due outbox messages (retries with backoff)",
        ),
        JobSpec(
            name="purge_unverified_requests",
            func=purge_unverified_requests,
            trigger=CronTrigger(hour=4, minute=25, timezone=MOROCCO),
            description="Delete requests to the DPO never confirmed within 30 days",
        ),
        JobSpec(
            name="build_exports",
            func=build_exports,
            trigger=IntervalTrigger(seconds=30),
            description="Build the data exports users asked for",
        ),
        JobSpec(
            name="purge_exports",
            func=purge_exports,
            trigger=CronTrigger(hour=4, minute=15, timezone=MOROCCO),
            description="Delete expired data exports and their files",
        ),
        JobSpec(
            name="purge_deletion_receipts",
            func=purge_sent_receipts,
            trigger=IntervalTrigger(minutes=5),
            description="Delete account-deletion receipts once sent (the erased address goes)",
        ),
        JobSpec(
            name="billing_lifecycle",
            func=expire_plans,
            trigger=IntervalTrigger(hours=1),
            description="Pause the alerts an ended subscription no longer covers (never deleted)",
        ),
        JobSpec(
            name="renewal_reminders",
            func=send_renewal_reminders,
            trigger=CronTrigger(hour=9, minute=0, timezone=MOROCCO),
            description="Email renewal reminders 7 days and 1 day before a paid plan ends "
            "(09:00 Africa/Casablanca)",
        ),
        JobSpec(
            name="backup",
            func=backup_job,
            trigger=CronTrigger(hour=2, minute=30, timezone=MOROCCO),
            description="Back up the database, encrypted (OKTRA_BACKUP_KEY; skipped without "
            "it), upload it to S3 when set, rotate (7 daily, 4 weekly, 12 monthly)",
        ),
        JobSpec(
            name="detect_anomalies",
            func=detect,
            trigger=IntervalTrigger(minutes=5),
            description="Run the anomaly rules over recent security and audit events; email "
            "the administrators once per new incident",
        ),
    ]


def find_job(name: str) -> JobSpec | None:
    """The job with this name, if any."""
    return next((spec for spec in all_jobs() if spec.name == name), None)
