"""Staff audience figures: never a group of fewer than ten visitors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oktra.admin.statistics_state import StaffStatisticsState
from oktra.privacy.models import AnalyticsEvent
from oktra.privacy.statistics import K_ANONYMITY, audience_report
from tests.unit.accounts.conftest import run_handler
from tests.unit.admin.conftest import staff_state, staff_token

NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
MORNING = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _visits(session, visitors: int, path: str = "/fr/tenders", start: datetime = MORNING) -> None:
    """Each visitor opens the page, then the home page four minutes later."""
    for number in range(visitors):
        for minutes, page in ((0, path), (4, "/fr")):
            session.add(
                AnalyticsEvent(
                    visitor_hash=f"visitor-{path}-{number}",
                    session_hash=f"session-{path}-{number}",
                    path=page,
                    language="fr",
                    created_at=start + timedelta(minutes=minutes),
                )
            )
    session.flush()


def _counts(report) -> list[int]:
    return [
        value
        for figures in report.days
        for value in (figures.page_views, figures.visitors, figures.sessions)
    ] + [value for page in report.pages for value in (page.page_views, page.daily_visitors)]


def test_the_threshold_is_ten_visitors():
    assert K_ANONYMITY == 10


def test_nine_visitors_show_nothing(session):
    _visits(session, 9)
    report = audience_report(session=session, now=NOW)
    assert report.days == []
    assert report.pages == []
    assert [day.isoformat() for day in report.small_days] == ["2026-03-10"]
    assert report.small_pages == 2


def test_ten_visitors_are_shown(session):
    _visits(session, 10)
    report = audience_report(session=session, now=NOW)
    [day] = report.days
    assert (day.page_views, day.visitors, day.sessions) == (20, 10, 10)
    assert day.median_session_seconds == 240
    assert {page.path: page.page_views for page in report.pages} == {"/fr": 10, "/fr/tenders": 10}
    assert report.small_days == []


def test_a_small_page_is_suppressed_beside_a_large_day(session):
    _visits(session, 12, path="/fr/tenders")
    _visits(session, 3, path="/fr/contact")
    report = audience_report(session=session, now=NOW)
    assert [page.path for page in report.pages] == ["/fr", "/fr/tenders"]
    assert report.small_pages == 1
    assert all(count >= K_ANONYMITY for count in _counts(report))


@pytest.mark.parametrize("visitors", [1, 5, 9, 10, 11, 25])
def test_no_count_under_ten_is_ever_shown(session, visitors):
    _visits(session, visitors)
    _visits(session, 4, path="/fr/signup", start=MORNING - timedelta(days=1))
    report = audience_report(session=session, now=NOW)
    assert all(count >= K_ANONYMITY for count in _counts(report))


def test_every_staff_role_reads_statistics_and_a_customer_is_sent_to_sign_in(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    for role in ("support", "technical", "development", "dpo", "admin"):
        _staff_id, token = staff_token(role)
        state = staff_state(StaffStatisticsState, cookie=f"oktra_staff={token}")
        assert run_handler(StaffStatisticsState.open_page, state) is None
        assert not state.denied
        assert state.threshold == K_ANONYMITY
    state = staff_state(StaffStatisticsState, cookie="oktra_session=not-staff")
    assert run_handler(StaffStatisticsState.open_page, state) is not None
    assert state.daily == []
