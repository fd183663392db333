"""What the team watches to keep OKTRA running (Reflex-free): the tender catalogue and its
imports, scheduled job runs, the email outbox and suppressions. Counts, outcomes and errors
only: no address, name or message body leaves this module."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from oktra.admin.models import StaffMember
from oktra.admin.roles import Action
from oktra.admin.service import require
from oktra.core.clock import as_utc, to_morocco
from oktra.core.models import JobRun
from oktra.notifications.models import EmailMessage, EmailSuppression
from oktra.tenders.models import ImportedFile, Tender

RECENT = 20
CHART_DAYS = 14
MAILBOX = re.compile(r"[\w.+-]+@")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "uncertain", "cancelled", "suppressed")


@dataclass(frozen=True)
class JobSummary:
    """The last run of one job and how many of its runs failed in the last seven days."""

    job: str
    started_at: datetime
    seconds: float | None
    outcome: str
    counts: dict
    error: str
    failures_7_days: int


@dataclass(frozen=True)
class OperationsReport:
    """The operations page's figures at one moment."""

    tenders_by_status: dict[str, int]
    tenders_published_7_days: int
    imports: list[ImportedFile]
    jobs: list[JobSummary]
    outbox_by_status: dict[str, int]
    oldest_pending_minutes: int | None
    emails_per_day: list[dict[str, int | str]]
    failed_emails: list[dict[str, str]] = field(default_factory=list)
    suppressions_by_reason: dict[str, int] = field(default_factory=dict)
    recent_suppressions: list[dict[str, str]] = field(default_factory=list)


def _counts_by(session: Session, column) -> dict[str, int]:
    return {
        str(key): count
        for key, count in session.exec(select(column, func.count()).group_by(column)).all()
    }


def _jobs(session: Session, now: datetime) -> list[JobSummary]:
    newest = (
        select(JobRun.job, func.max(JobRun.id).label("last_id")).group_by(JobRun.job).subquery()
    )
    last_runs = session.exec(
        select(JobRun).join(newest, JobRun.id == newest.c.last_id).order_by(JobRun.job)
    ).all()
    failures = dict(
        session.exec(
            select(JobRun.job, func.count())
            .where(JobRun.outcome == "failed", JobRun.started_at >= now - timedelta(days=7))
            .group_by(JobRun.job)
        ).all()
    )
    return [
        JobSummary(
            job=run.job,
            started_at=run.started_at,
            seconds=(as_utc(run.finished_at) - as_utc(run.started_at)).total_seconds()
            if run.finished_at
            else None,
            outcome=run.outcome,
            counts=run.counts or {},
            error=run.error or "",
            failures_7_days=failures.get(run.job, 0),
        )
        for run in last_runs
    ]


def _emails_per_day(session: Session, now: datetime) -> list[dict[str, int | str]]:
    """Emails created per Casablanca day over the last two weeks, by how they ended."""
    start = now - timedelta(days=CHART_DAYS)
    rows = session.exec(
        select(EmailMessage.created_at, EmailMessage.status).where(EmailMessage.created_at >= start)
    ).all()
    days: dict[str, dict[str, int | str]] = {}
    for offset in range(CHART_DAYS, -1, -1):
        day = to_morocco(now - timedelta(days=offset)).strftime("%m-%d")
        days[day] = {"day": day, "sent": 0, "failed": 0, "other": 0}
    for created_at, status in rows:
        bucket = days.get(to_morocco(created_at).strftime("%m-%d"))
        if bucket is not None:
            key = status if status in ("sent", "failed") else "other"
            bucket[key] = int(bucket[key]) + 1
    return list(days.values())


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "?"


def read_operations(*, session: Session, staff: StaffMember, now: datetime) -> OperationsReport:
    """Catalogue, imports, jobs and email delivery, without personal data."""
    require(staff, Action.READ_OPERATIONS)
    oldest_pending = session.exec(
        select(func.min(EmailMessage.created_at)).where(EmailMessage.status == "pending")
    ).one()
    failed = session.exec(
        select(EmailMessage)
        .where(EmailMessage.status.in_(("failed", "uncertain")))
        .order_by(EmailMessage.id.desc())
        .limit(RECENT)
    ).all()
    suppressed = session.exec(
        select(EmailSuppression).order_by(EmailSuppression.id.desc()).limit(RECENT)
    ).all()
    return OperationsReport(
        tenders_by_status=_counts_by(session, Tender.status),
        tenders_published_7_days=session.exec(
            select(func.count())
            .select_from(Tender)
            .where(Tender.published_at >= now - timedelta(days=7))
        ).one(),
        imports=list(
            session.exec(select(ImportedFile).order_by(ImportedFile.id.desc()).limit(RECENT)).all()
        ),
        jobs=_jobs(session, now),
        outbox_by_status={
            status: count
            for status, count in _counts_by(session, EmailMessage.status).items()
            if status in OUTBOX_STATUSES
        },
        oldest_pending_minutes=int((now - as_utc(oldest_pending)).total_seconds() // 60)
        if oldest_pending
        else None,
        emails_per_day=_emails_per_day(session, now),
        failed_emails=[
            {
                "id": str(row.id),
                "kind": row.kind,
                "domain": _domain(row.to_address),
                "status": row.status,
                "attempts": str(row.attempts),
                "error": MAILBOX.sub("•••@", row.last_error or ""),
                "created": to_morocco(row.created_at).strftime("%Y-%m-%d %H:%M"),
            }
            for row in failed
        ],
        suppressions_by_reason=_counts_by(session, EmailSuppression.reason),
        recent_suppressions=[
            {
                "domain": _domain(row.address),
                "reason": row.reason,
                "created": to_morocco(row.created_at).strftime("%Y-%m-%d %H:%M"),
            }
            for row in suppressed
        ],
    )
