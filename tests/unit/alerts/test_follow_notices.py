"""Followed tenders: an email for each change made after the follow began, and reminders 3 days
and 1 day before the deadline and a site visit, each once."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from oktra.alerts import service
from oktra.alerts.follows import queue_follow_emails
from oktra.notifications.models import EmailMessage
from oktra.notifications.suppression import suppress
from oktra.tenders.models import Status, Tender
from tests.unit.alerts.conftest import NOW


def _tender(session) -> Tender:
    return session.exec(select(Tender).order_by(Tender.id.desc())).first()


def _emails(session, kind: str) -> list[EmailMessage]:
    query = select(EmailMessage).where(EmailMessage.kind == kind).order_by(EmailMessage.id)
    return list(session.exec(query).all())


def _follow(session, user, tender, at=NOW):
    service.follow_tender(
        session=session, user_id=user.id, tender_id=tender.id, follow=True, now=at
    )


def test_a_postponement_of_a_followed_tender_is_emailed_once(session, make_user, publish):
    user = make_user()
    publish("Construction d'un dispensaire", reference="77/2026", days=20)
    tender = _tender(session)
    _follow(session, user, tender)
    later = NOW + timedelta(hours=2)
    publish("Construction d'un dispensaire", reference="77/2026", days=30, now=later)
    assert queue_follow_emails(session=session, now=later)["changes"] == 1
    [email] = _emails(session, "tender_change")
    assert "dispensaire" in email.subject
    assert "dispensaire" in email.text_body
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert queue_follow_emails(session=session, now=later + timedelta(minutes=5))["changes"] == 0


def test_a_change_made_before_the_follow_is_not_news(session, make_user, publish):
    user = make_user()
    publish("Construction d'un dispensaire", reference="78/2026", days=20)
    later = NOW + timedelta(hours=2)
    publish("Construction d'un dispensaire", reference="78/2026", days=30, now=later)
    _follow(session, user, _tender(session), at=later + timedelta(minutes=1))
    assert queue_follow_emails(session=session, now=later + timedelta(minutes=5))["changes"] == 0


def test_deadline_reminders_go_three_days_then_one_day_before_each_once(
    session, make_user, publish
):
    user = make_user()
    publish("Fourniture de mobilier scolaire", days=10)
    tender = _tender(session)
    _follow(session, user, tender)
    deadline = tender.deadline_at
    assert queue_follow_emails(session=session, now=deadline - timedelta(days=4))["reminders"] == 0
    three = deadline - timedelta(days=3, minutes=-1)
    assert queue_follow_emails(session=session, now=three)["reminders"] == 1
    assert queue_follow_emails(session=session, now=three + timedelta(hours=5))["reminders"] == 0
    one = deadline - timedelta(days=1, minutes=-1)
    assert queue_follow_emails(session=session, now=one)["reminders"] == 1
    assert queue_follow_emails(session=session, now=deadline + timedelta(hours=1))["reminders"] == 0
    assert len(_emails(session, "tender_reminder")) == 2


def test_a_downtime_sends_only_the_nearest_reminder(session, make_user, publish):
    user = make_user()
    publish("Fourniture de mobilier scolaire", days=10)
    tender = _tender(session)
    _follow(session, user, tender)
    counts = queue_follow_emails(session=session, now=tender.deadline_at - timedelta(hours=20))
    assert counts["reminders"] == 1
    [email] = _emails(session, "tender_reminder")
    assert email.idempotency_key.endswith(f"deadline-1d:{tender.deadline_at:%Y%m%dT%H%M}")


def test_a_postponed_deadline_gets_its_own_reminders(session, make_user, publish):
    user = make_user()
    publish("Travaux d'assainissement", reference="79/2026", days=10)
    tender = _tender(session)
    _follow(session, user, tender)
    first = tender.deadline_at
    queue_follow_emails(session=session, now=first - timedelta(days=2))
    moved = first - timedelta(days=2, minutes=-5)
    publish("Travaux d'assainissement", reference="79/2026", days=20, now=moved)
    session.refresh(tender)
    assert tender.deadline_at > first
    assert queue_follow_emails(session=session, now=moved)["changes"] == 1
    second = tender.deadline_at - timedelta(days=3, minutes=-1)
    assert queue_follow_emails(session=session, now=second)["reminders"] == 1
    assert len(_emails(session, "tender_reminder")) == 2


def test_a_site_visit_is_reminded_too(session, make_user, publish):
    user = make_user()
    publish("Réhabilitation d'une école", days=20)
    tender = _tender(session)
    tender.site_visit_at = NOW + timedelta(days=5)
    session.flush()
    _follow(session, user, tender)
    assert (
        queue_follow_emails(session=session, now=NOW + timedelta(days=4, hours=1))["reminders"] == 1
    )
    [email] = _emails(session, "tender_reminder")
    assert "visit" in email.idempotency_key


def test_following_after_the_reminder_time_skips_that_reminder(session, make_user, publish):
    user = make_user()
    publish("Fourniture de mobilier scolaire", days=10)
    tender = _tender(session)
    late = tender.deadline_at - timedelta(days=2)
    _follow(session, user, tender, at=late)
    assert queue_follow_emails(session=session, now=late + timedelta(minutes=5))["reminders"] == 0
    one = tender.deadline_at - timedelta(days=1)
    assert queue_follow_emails(session=session, now=one)["reminders"] == 1


def test_no_reminder_for_a_cancelled_tender_or_to_a_suppressed_address(session, make_user, publish):
    user, other = make_user(), make_user()
    publish("Fourniture de mobilier scolaire", days=10)
    tender = _tender(session)
    _follow(session, user, tender)
    _follow(session, other, tender)
    suppress(session=session, address=other.email, reason="complaint", detail="abuse", now=NOW)
    tender.status = Status.CANCELLED
    session.flush()
    assert (
        queue_follow_emails(session=session, now=tender.deadline_at - timedelta(days=1))[
            "reminders"
        ]
        == 0
    )
    tender.status = Status.OPEN
    session.flush()
    counts = queue_follow_emails(session=session, now=tender.deadline_at - timedelta(days=1))
    assert (counts["reminders"], counts["unreachable"]) == (1, 1)
