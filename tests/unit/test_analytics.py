"""First-party analytics: nothing without consent, truncated IPs, daily salts that are deleted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from oktra.jobs import find_job
from oktra.privacy import analytics, consent
from oktra.privacy.consent import Choice, Requester
from oktra.privacy.models import AnalyticsEvent, AnalyticsSalt
from oktra.privacy.registry import ANONYMOUS
from oktra.privacy.retention import purge_table

VISITOR = "visitor-0123456789abcdef"
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
REQUESTER = Requester(lang="fr")


def _choose(session, analytics_granted: bool) -> None:
    consent.record_choice(
        session=session,
        visitor_id=VISITOR,
        user_id=None,
        choice=Choice(analytics=analytics_granted, functional=False),
        requester=REQUESTER,
    )


def _view(session, now: datetime = NOON, path: str = "/fr/tenders"):
    return analytics.record_page_view(
        session=session,
        visitor_id=VISITOR,
        client_token="tab-token-1",
        path=path,
        lang="fr",
        ip="196.200.1.77",
        now=now,
    )


def test_nothing_is_recorded_before_or_after_a_refusal(session):
    assert _view(session) is None
    _choose(session, analytics_granted=False)
    assert _view(session) is None
    assert session.exec(select(AnalyticsEvent)).all() == []
    assert session.exec(select(AnalyticsSalt)).all() == []


def test_a_page_view_keeps_no_identifier_in_clear(session):
    _choose(session, analytics_granted=True)
    event = _view(session, path="/fr/tenders/12?q=secret#top")
    assert event is not None
    assert event.path == "/fr/tenders/12"
    assert event.ip_prefix == "196.200.1.0"
    assert VISITOR not in event.visitor_hash
    assert event.visitor_hash != consent.visitor_hash(visitor_id=VISITOR)
    assert event.session_hash != event.visitor_hash


def test_a_withdrawal_stops_recording_at_once(session):
    _choose(session, analytics_granted=True)
    assert _view(session) is not None
    _choose(session, analytics_granted=False)
    assert _view(session) is None
    assert len(session.exec(select(AnalyticsEvent)).all()) == 1


@pytest.mark.parametrize(
    ("ip", "prefix"),
    [
        ("196.200.1.77", "196.200.1.0"),
        ("10.0.255.255", "10.0.255.0"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"),
        ("::ffff:41.248.3.9", "41.248.3.0"),
        ("", ""),
        ("not-an-ip", ""),
    ],
)
def test_ip_addresses_are_truncated_to_their_network(ip, prefix):
    assert analytics.ip_prefix(ip=ip) == prefix


def test_hashes_change_with_the_day_salt(session):
    _choose(session, analytics_granted=True)
    first = _view(session, now=NOON)
    same_day = _view(session, now=NOON + timedelta(hours=2))
    next_day = _view(session, now=NOON + timedelta(days=1))
    assert first.visitor_hash == same_day.visitor_hash
    assert first.session_hash == same_day.session_hash
    assert next_day.visitor_hash != first.visitor_hash
    assert next_day.session_hash != first.session_hash


def test_the_day_is_the_moroccan_day():
    late_evening_utc = datetime(2026, 6, 10, 23, 30, tzinfo=UTC)
    assert analytics.analytics_day(now=late_evening_utc) == date(2026, 6, 11)


def test_the_daily_job_deletes_past_salts_and_retention_events_past_thirteen_months(session):
    _choose(session, analytics_granted=True)
    rule = ANONYMOUS["analytics_event"]
    assert rule.retention_days == 396
    old = _view(session, now=NOON - timedelta(days=rule.retention_days + 1))
    _view(session, now=NOON - timedelta(days=1))
    _view(session, now=NOON)
    assert len(session.exec(select(AnalyticsSalt)).all()) == 3
    job = find_job("rotate_analytics_salts")
    assert job is not None
    assert job.func(session=session, now=NOON) == {"salts_deleted": 2}
    assert purge_table(session=session, declaration=rule, now=NOON) == {"analytics_event": 1}
    assert [row.day for row in session.exec(select(AnalyticsSalt)).all()] == [date(2026, 3, 10)]
    remaining = session.exec(select(AnalyticsEvent.id)).all()
    assert old.id not in remaining
    assert len(remaining) == 2


def test_a_day_salt_is_created_once(session):
    day = date(2026, 3, 10)
    assert analytics.day_salt(session=session, day=day) == analytics.day_salt(
        session=session, day=day
    )
    assert len(session.exec(select(AnalyticsSalt)).all()) == 1


def test_the_same_page_mounted_twice_at_once_counts_once(session):
    _choose(session, analytics_granted=True)
    assert _view(session, now=NOON) is not None
    assert _view(session, now=NOON + timedelta(seconds=1)) is None
    assert _view(session, now=NOON + timedelta(seconds=1), path="/fr/contact") is not None
    assert _view(session, now=NOON + timedelta(minutes=1), path="/fr/contact") is not None
