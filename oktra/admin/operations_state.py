"""The operations page's state: catalogue, imports, job runs, outbox and suppressions."""

from __future__ import annotations

import reflex as rx

from oktra.admin import operations
from oktra.admin.roles import Action
from oktra.admin.state import StaffState
from oktra.core.clock import to_morocco, utc_now
from oktra.db import session_scope
from oktra.i18n import N_

MINUTES = N_("{minutes} min")


def _counts(counts: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items())) or "–"


class StaffOperationsState(StaffState):
    """Figures read at page load and on refresh; no personal data."""

    message: str = ""
    error: str = ""
    read_at: str = ""
    tenders: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    published_7_days: int = 0
    imports: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    jobs: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    outbox: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    oldest_pending: str = ""
    emails_per_day: list[dict[str, int | str]] = []  # noqa: RUF012 - Reflex state var
    failed_emails: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    suppressions: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    recent_suppressions: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var

    def _clear(self) -> None:
        self.tenders, self.imports, self.jobs, self.outbox = [], [], [], []
        self.emails_per_day, self.failed_emails = [], []
        self.suppressions, self.recent_suppressions = [], []

    def _fill(self, report: operations.OperationsReport) -> None:
        self.tenders = [
            {"status": status, "count": str(count)}
            for status, count in sorted(report.tenders_by_status.items())
        ]
        self.published_7_days = report.tenders_published_7_days
        self.imports = [
            {
                "name": row.name,
                "at": to_morocco(row.imported_at).strftime("%Y-%m-%d %H:%M"),
                "counts": _counts(row.counts),
            }
            for row in report.imports
        ]
        self.jobs = [
            {
                "job": job.job,
                "started": to_morocco(job.started_at).strftime("%Y-%m-%d %H:%M"),
                "seconds": "–" if job.seconds is None else f"{job.seconds:.1f}",
                "outcome": job.outcome,
                "counts": _counts(job.counts),
                "error": job.error,
                "failures": str(job.failures_7_days),
            }
            for job in report.jobs
        ]
        self.outbox = [
            {"status": status, "count": str(count)}
            for status, count in sorted(report.outbox_by_status.items())
        ]
        minutes = report.oldest_pending_minutes
        self.oldest_pending = "" if minutes is None else self._t(MINUTES).format(minutes=minutes)
        self.emails_per_day = report.emails_per_day
        self.failed_emails = report.failed_emails
        self.suppressions = [
            {"reason": reason, "count": str(count)}
            for reason, count in sorted(report.suppressions_by_reason.items())
        ]
        self.recent_suppressions = report.recent_suppressions

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; roles the matrix excludes see a refusal."""
        self.message = self.error = ""
        self._clear()
        now = utc_now()
        with session_scope() as session:
            staff = self._allowed(session, Action.READ_OPERATIONS)
            if staff is None:
                return None if self.staff_role else self._to_signin()
            self._fill(operations.read_operations(session=session, staff=staff, now=now))
        self.read_at = to_morocco(now).strftime("%Y-%m-%d %H:%M:%S")
        return None
