"""Around a subscription's end: alerts paused (never deleted) when the plan shrinks, resumed
after a renewal, resuming refused beyond the plan, renewal reminders 7 days and 1 day before."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from oktra.accounts.models import User
from oktra.alerts import service, views
from oktra.alerts.models import SavedSearch
from oktra.billing import lifecycle
from oktra.billing.lifecycle import PLAN_LIMIT
from oktra.db import session_scope
from oktra.i18n import t
from oktra.jobs import find_job
from oktra.notifications.models import EmailMessage
from oktra.notifications.render import render_email
from oktra.scheduler import run_job
from tests.unit.billing.subscribe import subscribe

START = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
END = datetime(2027, 6, 3, 9, 0, tzinfo=UTC)  # a monthly period bought at START
MORNING = datetime(2027, 6, 3, 8, 0, tzinfo=UTC)  # 09:00 in Casablanca on END's day
_numbers = itertools.count(1)


def _user(session, *, plan: str | None = "pro", period: str = "monthly", **fields) -> User:
    user = User(
        email=fields.pop("email", f"client{next(_numbers)}@atlas.ma"),
        full_name=fields.pop("full_name", "Salma"),
        email_verified_at=fields.pop("email_verified_at", START),
        **fields,
    )
    session.add(user)
    session.flush()
    if plan is not None:
        subscribe(session, user, now=START, plan=plan, period=period)
    return user


def _alerts(session, user: User, count: int, frequency: str = "instant") -> list[SavedSearch]:
    alerts = [
        SavedSearch(
            user_id=user.id,
            name=f"Alerte {number}",
            criteria={},
            frequency=frequency,
            created_at=START + timedelta(minutes=number),
        )
        for number in range(count)
    ]
    session.add_all(alerts)
    session.flush()
    return alerts


def _running(session, user: User) -> list[str]:
    query = select(SavedSearch.name).where(
        SavedSearch.user_id == user.id, SavedSearch.paused_at.is_(None)
    )
    return sorted(session.exec(query).all())


def _reminders(session) -> list[EmailMessage]:
    query = select(EmailMessage).where(EmailMessage.kind == lifecycle.REMINDER_KIND)
    return list(session.exec(query.order_by(EmailMessage.id)).all())


def test_an_ended_pro_plan_pauses_the_instant_alerts_and_tells_why(session):
    user = _user(session)
    alerts = _alerts(session, user, 3)
    assert lifecycle.expire_plans(session=session, now=END - timedelta(hours=1)) == {
        "users": 0,
        "paused": 0,
    }
    assert lifecycle.expire_plans(session=session, now=END + timedelta(hours=1)) == {
        "users": 1,
        "paused": 3,
    }
    assert {alert.pause_reason for alert in alerts} == {PLAN_LIMIT}
    assert len(session.exec(select(SavedSearch)).all()) == 3
    cards = views.alert_cards(session=session, lang="en", user_id=user.id, now=END)
    assert {card["paused_note"] for card in cards} == {t("en", views.PAUSE_NOTES[PLAN_LIMIT])}
    assert "your plan does not include this alert" in cards[0]["paused_note"]


def test_a_business_plan_down_to_pro_keeps_the_ten_oldest_alerts_running(session):
    user = _user(session, plan="business")
    subscribe(session, user, now=START, plan="pro", period="yearly")
    alerts = _alerts(session, user, 12, frequency="daily")
    counts = lifecycle.expire_plans(session=session, now=END + timedelta(minutes=5))
    assert counts == {"users": 1, "paused": 2}
    assert [alert.paused_at is None for alert in alerts] == [True] * 10 + [False] * 2
    assert lifecycle.enforce_plan(session=session, user_id=user.id, now=END) == {"paused": 0}
    later = END + timedelta(hours=1)
    assert lifecycle.expire_plans(session=session, now=later) == {"users": 1, "paused": 0}


def test_under_free_the_oldest_weekly_alert_is_the_one_kept(session):
    user = _user(session, plan=None)
    weekly = _alerts(session, user, 2, frequency="weekly")
    instant = _alerts(session, user, 1)
    assert lifecycle.enforce_plan(session=session, user_id=user.id, now=START) == {"paused": 2}
    assert _running(session, user) == [weekly[0].name]
    assert instant[0].pause_reason == weekly[1].pause_reason == PLAN_LIMIT
    assert lifecycle.enforce_plan(session=session, user_id=user.id, now=START) == {"paused": 0}


def test_a_payment_resumes_the_alerts_the_plan_paused_and_only_those(session):
    user = _user(session)
    alerts = _alerts(session, user, 3)
    mine = _alerts(session, user, 1)[0]
    service.set_paused(session=session, user_id=user.id, alert_id=mine.id, paused=True, now=END)
    lifecycle.expire_plans(session=session, now=END + timedelta(hours=1))
    assert _running(session, user) == []
    paid = END + timedelta(days=2)
    subscribe(session, user, now=paid, plan="pro")  # the payment resumes them
    assert all(alert.paused_at is None and alert.pause_reason is None for alert in alerts)
    assert mine.pause_reason == service.USER_PAUSE
    assert lifecycle.resume_within_plan(session=session, user_id=user.id, now=paid) == 0


def test_resuming_within_a_smaller_plan_takes_the_oldest_allowed_alerts(session):
    user = _user(session, plan=None)
    instant = _alerts(session, user, 1)
    weekly = _alerts(session, user, 2, frequency="weekly")
    lifecycle.enforce_plan(session=session, user_id=user.id, now=START)
    service.set_paused(
        session=session, user_id=user.id, alert_id=weekly[0].id, paused=True, now=START
    )
    assert lifecycle.resume_within_plan(session=session, user_id=user.id, now=START) == 1
    assert _running(session, user) == [weekly[1].name]
    assert instant[0].pause_reason == PLAN_LIMIT


def test_resuming_an_alert_beyond_the_plan_is_refused(session):
    user = _user(session)
    instant = _alerts(session, user, 1)[0]
    weekly = _alerts(session, user, 2, frequency="weekly")
    lifecycle.expire_plans(session=session, now=END + timedelta(hours=1))
    after = END + timedelta(hours=2)
    with pytest.raises(service.AlertError) as refused:
        service.set_paused(
            session=session, user_id=user.id, alert_id=instant.id, paused=False, now=after
        )
    assert refused.value.message == (
        "Your plan does not include this alert: upgrade, or change its frequency first."
    )
    with pytest.raises(service.AlertError) as too_many:
        service.set_paused(
            session=session, user_id=user.id, alert_id=weekly[1].id, paused=False, now=after
        )
    assert "no more running alerts" in too_many.value.message
    for alert, paused in ((weekly[0], True), (weekly[1], False)):
        service.set_paused(
            session=session, user_id=user.id, alert_id=alert.id, paused=paused, now=after
        )
    assert _running(session, user) == [weekly[1].name]


def test_reminders_come_seven_days_then_one_day_before_the_end_once_each(session):
    user = _user(session, language="en")
    day = timedelta(days=1)
    assert lifecycle.send_renewal_reminders(session=session, now=MORNING - 8 * day) == {"sent": 0}
    assert lifecycle.send_renewal_reminders(session=session, now=MORNING - 7 * day) == {"sent": 1}
    again = MORNING - 7 * day + timedelta(hours=5)
    assert lifecycle.send_renewal_reminders(session=session, now=again) == {"sent": 0}
    assert lifecycle.send_renewal_reminders(session=session, now=MORNING - 3 * day) == {"sent": 0}
    assert lifecycle.send_renewal_reminders(session=session, now=MORNING - day) == {"sent": 1}
    assert lifecycle.send_renewal_reminders(session=session, now=MORNING) == {"sent": 0}
    week, eve = _reminders(session)
    assert week.idempotency_key == f"renewal:{user.id}:20270603:7"
    assert eve.idempotency_key == f"renewal:{user.id}:20270603:1"
    assert "7 days left" in week.text_body
    assert "ends tomorrow" in eve.text_body
    assert week.to_address == user.email


def test_a_missed_run_sends_the_nearest_reminder_only(session):
    _user(session)
    assert lifecycle.send_renewal_reminders(session=session, now=MORNING) == {"sent": 1}
    assert lifecycle.send_renewal_reminders(session=session, now=MORNING) == {"sent": 0}
    (reminder,) = _reminders(session)
    assert reminder.idempotency_key.endswith(":1")


def test_no_reminder_when_a_renewal_already_follows(session):
    user = _user(session)
    subscribe(session, user, now=START + timedelta(days=10), plan="pro")
    for days in (7, 1):
        now = MORNING - timedelta(days=days)
        assert lifecycle.send_renewal_reminders(session=session, now=now) == {"sent": 0}


@pytest.mark.parametrize("blocker", ["closed", "unverified"])
def test_no_reminder_for_a_closed_or_unverified_account(session, blocker):
    fields = {"closed_at": START} if blocker == "closed" else {"email_verified_at": None}
    _user(session, **fields)
    now = MORNING - timedelta(days=7)
    assert lifecycle.send_renewal_reminders(session=session, now=now) == {"sent": 0}


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_reminder_is_written_in_the_users_language(session, lang):
    _user(session, language=lang)
    lifecycle.send_renewal_reminders(session=session, now=MORNING - timedelta(days=7))
    (reminder,) = _reminders(session)
    assert reminder.language == lang
    assert f"/{lang}/billing" in reminder.text_body
    assert f"/{lang}/billing" in reminder.html_body
    assert reminder.subject == t(lang, "Your OKTRA subscription ends soon")


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
@pytest.mark.parametrize("days_left", [0, 1, 7])
def test_the_reminder_templates_render_in_every_language(lang, days_left):
    email = render_email(
        "renewal_reminder",
        lang,
        {
            "name": "<b>Salma</b>",
            "plan": "Pro",
            "end_date": "3 juin 2027",
            "days_left": days_left,
            "link": "https://oktra.ma/fr/billing",
        },
    )
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in email.html
    assert "3 juin 2027" in email.text
    assert "https://oktra.ma/fr/billing" in email.html
    assert "<b>Salma</b>" not in email.html
    assert email.subject


def test_the_jobs_run_on_schedule(engine):
    assert "hour='9'" in str(find_job("renewal_reminders").trigger)
    assert str(find_job("renewal_reminders").trigger.timezone) == "Africa/Casablanca"
    assert find_job("billing_lifecycle").trigger.interval == timedelta(hours=1)
    with session_scope() as session:
        _alerts(session, _user(session), 2)
    with time_machine.travel(MORNING - timedelta(days=7), tick=False):
        assert run_job(find_job("renewal_reminders"), trigger="manual").counts == {"sent": 1}
    with time_machine.travel(END + timedelta(hours=1), tick=False):
        counts = run_job(find_job("billing_lifecycle"), trigger="manual").counts
    assert counts == {"users": 1, "paused": 2}
