"""The operations page's figures: catalogue, imports, job runs, outbox and suppressions, and
never an address, a name or a message body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oktra.admin import operations
from oktra.admin.roles import PermissionDeniedError
from oktra.core.models import JobRun
from oktra.notifications.models import EmailMessage, EmailSuppression
from oktra.tenders.models import ImportedFile
from tests.unit.admin.conftest import add_staff

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


def _email(session, status: str, *, created: datetime, error: str | None = None) -> None:
    session.add(
        EmailMessage(
            idempotency_key=f"{status}-{created.isoformat()}",
            kind="alert_digest",
            language="fr",
            to_address="salma.bennani@atlas.ma",
            subject="Vos appels d'offres du jour",
            text_body="Bonjour Salma",
            html_body="<p>Bonjour Salma</p>",
            status=status,
            last_error=error,
            created_at=created,
        )
    )


def _activity(session) -> None:
    _email(session, "sent", created=NOW - timedelta(days=1))
    _email(session, "sent", created=NOW - timedelta(days=1, minutes=5))
    _email(
        session,
        "failed",
        created=NOW - timedelta(hours=2),
        error="MessageRejected: Email address is not verified: salma.bennani@atlas.ma",
    )
    _email(session, "pending", created=NOW - timedelta(minutes=42))
    session.add(EmailSuppression(address="karim@souss-agri.ma", reason="bounce"))
    session.add(ImportedFile(digest="a" * 64, name="bdc-2026-06-09.json", counts={"new": 12}))
    for minutes, outcome in ((120, "failed"), (60, "ok")):
        started = NOW - timedelta(minutes=minutes)
        session.add(
            JobRun(
                job="send_emails",
                started_at=started,
                finished_at=started + timedelta(seconds=3),
                outcome=outcome,
                counts={"sent": 2},
                error="SES throttled" if outcome == "failed" else None,
            )
        )
    session.flush()


def test_the_report_counts_jobs_imports_and_emails(session):
    _activity(session)
    report = operations.read_operations(
        session=session, staff=add_staff(session, "technical"), now=NOW
    )
    (job,) = report.jobs
    assert (job.job, job.outcome, job.failures_7_days, job.seconds) == ("send_emails", "ok", 1, 3.0)
    assert [imported.name for imported in report.imports] == ["bdc-2026-06-09.json"]
    assert report.outbox_by_status == {"sent": 2, "failed": 1, "pending": 1}
    assert report.oldest_pending_minutes == 42
    assert report.suppressions_by_reason == {"bounce": 1}
    assert sum(int(day["sent"]) for day in report.emails_per_day) == 2
    assert len(report.emails_per_day) == operations.CHART_DAYS + 1


def test_the_report_shows_no_address_name_or_body(session):
    _activity(session)
    report = operations.read_operations(
        session=session, staff=add_staff(session, "development"), now=NOW
    )
    text = repr(report)
    for personal in ("salma", "Salma", "karim@", "Bonjour", "Vos appels"):
        assert personal not in text
    assert report.failed_emails[0]["domain"] == "atlas.ma"
    assert report.failed_emails[0]["error"].endswith("•••@atlas.ma")
    assert report.recent_suppressions[0]["domain"] == "souss-agri.ma"


@pytest.mark.parametrize("role", ["support", "dpo"])
def test_roles_outside_the_matrix_do_not_see_operations(session, role):
    with pytest.raises(PermissionDeniedError):
        operations.read_operations(session=session, staff=add_staff(session, role), now=NOW)
