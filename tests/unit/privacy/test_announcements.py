"""Announcement emails: every active user once, by batches that survive a crash."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from oktra.core.clock import utc_now
from oktra.notifications.models import EmailMessage
from oktra.notifications.suppression import suppress
from oktra.privacy import announcements, versions
from oktra.privacy.models import Announcement
from tests.unit.privacy.conftest import SUMMARY, grant_news

MESSAGE = {
    "en": "Maintenance on Sunday night",
    "fr": "Maintenance dimanche soir",
    "ar": "صيانة ليلة الأحد",
}


def _publish_substantial(session, ship):
    versions.ensure_initial_versions(session=session, now=utc_now())
    ship("privacy", "2027-01-01", section="retention", text="Invoices: ten years.")
    return versions.publish_version(
        session=session,
        staff_id=None,
        document="privacy",
        substantial=True,
        summary=SUMMARY,
        now=utc_now(),
    )


def _emails(session, kind: str) -> Counter:
    rows = session.exec(select(EmailMessage).where(EmailMessage.kind == kind)).all()
    return Counter(row.to_address for row in rows)


def _population(session, make_user):
    active = [make_user(language=lang) for lang in ("fr", "en", "ar", "fr", "fr")]
    unverified = make_user(email_verified_at=None)
    bounced = make_user()
    suppress(session=session, address=bounced.email, reason="bounce", detail="", now=utc_now())
    return active, [unverified, bounced]


def test_a_substantial_change_emails_every_active_user_exactly_once(session, ship, make_user):
    active, left_out = _population(session, make_user)
    _publish_substantial(session, ship)
    for _ in range(4):
        announcements.queue_announcements(session=session, now=utc_now(), batch=2)
    sent = _emails(session, "policy_change")
    assert sent == Counter({user.email: 1 for user in active})
    assert not any(user.email in sent for user in left_out)
    announcement = session.exec(select(Announcement)).one()
    assert announcement.finished_at is not None
    assert announcement.queued == len(active)
    arabic = session.exec(
        select(EmailMessage).where(EmailMessage.to_address == active[2].email)
    ).one()
    assert SUMMARY["ar"] in arabic.text_body
    assert arabic.language == "ar"
    assert "/ar/privacy" in arabic.text_body


def test_a_crash_between_batches_neither_doubles_nor_loses_an_email(session, ship, make_user):
    active, _ = _population(session, make_user)
    _publish_substantial(session, ship)
    session.commit()
    announcement = session.exec(select(Announcement)).one()
    announcements.queue_batch(session=session, announcement=announcement, now=utc_now(), batch=2)
    session.commit()
    announcements.queue_batch(session=session, announcement=announcement, now=utc_now(), batch=2)
    session.rollback()
    session.refresh(announcement)
    assert announcement.queued == 2
    announcement.queued_through, announcement.queued = 0, 0
    session.commit()
    for _ in range(5):
        announcements.queue_announcements(session=session, now=utc_now(), batch=2)
    assert _emails(session, "policy_change") == Counter({user.email: 1 for user in active})


def test_a_minor_change_emails_nobody(session, ship, make_user):
    make_user()
    versions.ensure_initial_versions(session=session, now=utc_now())
    ship("terms", "2027-01-01-draft")
    versions.publish_version(
        session=session,
        staff_id=None,
        document="terms",
        substantial=False,
        summary={},
        now=utc_now(),
    )
    assert announcements.queue_announcements(session=session, now=utc_now())["queued"] == 0
    assert session.exec(select(EmailMessage)).all() == []


def test_a_service_update_goes_to_every_active_user(session, make_user):
    active, _ = _population(session, make_user)
    announcements.create_announcement(
        session=session,
        kind=announcements.SERVICE_UPDATE,
        subject=MESSAGE,
        body=MESSAGE,
        staff_id=None,
        now=utc_now(),
    )
    assert (
        announcements.count_recipients(
            session=session, kind=announcements.SERVICE_UPDATE, now=utc_now()
        )
        == 5
    )
    announcements.queue_announcements(session=session, now=utc_now(), batch=3)
    assert _emails(session, "service_update") == Counter({user.email: 1 for user in active})
    message = session.exec(
        select(EmailMessage).where(EmailMessage.to_address == active[0].email)
    ).one()
    assert message.subject.endswith(MESSAGE["fr"])
    assert "List-Unsubscribe" not in message.headers


def test_product_news_goes_only_to_users_who_consent(session, make_user):
    consenting, withdrawn, never = make_user(), make_user(), make_user()
    grant_news(session, consenting)
    grant_news(session, withdrawn)
    grant_news(session, withdrawn, granted=False)
    announcements.create_announcement(
        session=session,
        kind=announcements.PRODUCT_NEWS_KIND,
        subject=MESSAGE,
        body=MESSAGE,
        staff_id=None,
        now=utc_now(),
    )
    announcements.queue_announcements(session=session, now=utc_now())
    messages = session.exec(select(EmailMessage)).all()
    assert [message.to_address for message in messages] == [consenting.email]
    headers = messages[0].headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/privacy/news/unsubscribe/" in headers["List-Unsubscribe"]
    assert "/privacy/news/unsubscribe/" in messages[0].text_body
    assert never.email not in {message.to_address for message in messages}
