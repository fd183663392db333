"""Daily and weekly digests on their real triggers: 07:00 Moroccan time across the 2027 Ramadan
clock changes (UTC+1 -> UTC+0 on 2027-02-07, back on 2027-03-14) and month ends, one digest per
Moroccan day or ISO week, and a single catch-up after downtime. The jobs run through run_job with
the whole process travelled to each moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from oktra.alerts import service
from oktra.alerts.models import AlertDelivery
from oktra.alerts.service import AlertSettings
from oktra.core.clock import MOROCCO, utc_now
from oktra.jobs import all_jobs, find_job
from oktra.notifications.models import EmailMessage
from oktra.scheduler import missed_jobs, run_job
from oktra.tenders.criteria import Criteria
from oktra.tenders.models import Tender

MATCH = find_job("match_alerts")
DAILY = find_job("queue_daily_digests")
WEEKLY = find_job("queue_weekly_digests")
ALERTS_CREATED = datetime(2027, 1, 1, 12, tzinfo=UTC)
RAMADAN_STARTS = datetime(2027, 2, 7, 2, tzinfo=UTC)
RAMADAN_ENDS = datetime(2027, 3, 14, 2, tzinfo=UTC)


def _fires(trigger, start: date, end: date) -> list[datetime]:
    """Every fire of the trigger from the start of `start` to the end of `end`, Moroccan time."""
    limit = datetime.combine(end + timedelta(days=1), datetime.min.time(), MOROCCO)
    fires = []
    fire = trigger.get_next_fire_time(None, datetime.combine(start, datetime.min.time(), MOROCCO))
    while fire < limit:
        fires.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return fires


def _local_dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _offset_hours(moment: datetime) -> int:
    return 0 if RAMADAN_STARTS <= moment < RAMADAN_ENDS else 1


def test_the_daily_digest_fires_at_seven_moroccan_time_every_day_across_clock_changes():
    fires = _fires(DAILY.trigger, date(2027, 1, 28), date(2027, 3, 20))
    local = [fire.astimezone(MOROCCO) for fire in fires]
    assert [moment.date() for moment in local] == _local_dates(date(2027, 1, 28), date(2027, 3, 20))
    assert {(moment.hour, moment.minute, moment.second) for moment in local} == {(7, 0, 0)}
    for fire in fires:
        utc = fire.astimezone(UTC)
        assert utc.hour == 7 - _offset_hours(utc), fire
    by_day = {moment.date(): moment.astimezone(UTC).hour for moment in local}
    assert [by_day[date(2027, 1, 31)], by_day[date(2027, 2, 1)]] == [6, 6]
    assert [by_day[date(2027, 2, 6)], by_day[date(2027, 2, 7)]] == [6, 7]
    assert [by_day[date(2027, 2, 28)], by_day[date(2027, 3, 1)]] == [7, 7]
    assert [by_day[date(2027, 3, 13)], by_day[date(2027, 3, 14)]] == [7, 6]


def test_the_weekly_digest_fires_on_mondays_at_seven_moroccan_time_only():
    fires = _fires(WEEKLY.trigger, date(2027, 1, 28), date(2027, 3, 20))
    local = [fire.astimezone(MOROCCO) for fire in fires]
    mondays = [date(2027, 2, 1) + timedelta(weeks=n) for n in range(7)]
    assert [moment.date() for moment in local] == mondays
    assert {(m.weekday(), m.hour, m.minute) for m in local} == {(0, 7, 0)}
    utc_hours = {m.date(): m.astimezone(UTC).hour for m in local}
    assert utc_hours[date(2027, 2, 1)] == 6
    assert utc_hours[date(2027, 2, 8)] == 7
    assert utc_hours[date(2027, 3, 8)] == 7
    assert utc_hours[date(2027, 3, 15)] == 6


def test_utc_now_follows_time_travel():
    moment = datetime(2027, 2, 7, 7, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        assert utc_now() == moment


class Simulation:
    """Users with alerts, tenders published on given moments, jobs run as the scheduler would."""

    def __init__(self, session, engine, make_user, publish) -> None:
        self.session, self.engine, self.make_user, self._publish = (
            session,
            engine,
            make_user,
            publish,
        )

    def user_with_alert(self, frequency: str):
        user = self.make_user()
        service.create_alert(
            session=self.session,
            user_id=user.id,
            settings=AlertSettings(name="Informatique", frequency=frequency),
            criteria=Criteria(text="ordinateurs"),
            now=ALERTS_CREATED,
        )
        self.session.commit()
        return user

    def publish(self, tag: str, moment: datetime, *, match: bool = True) -> None:
        """A matching tender (its title ends with `tag`) published at `moment`, then matched."""
        with time_machine.travel(moment, tick=False):
            self._publish(f"Achat d'ordinateurs portables {tag}", now=moment, days=60)
            self.session.commit()
            if match:
                run_job(MATCH, engine=self.engine)

    def run(self, spec, moment: datetime, trigger: str = "schedule") -> dict[str, int]:
        with time_machine.travel(moment, tick=False):
            return run_job(spec, engine=self.engine, trigger=trigger).counts

    def emails(self, kind: str) -> list[tuple[int, str, list[str]]]:
        """Each email of this kind: (user, period, tags of the tenders it carried)."""
        self.session.commit()
        found = []
        for email in self.session.exec(
            select(EmailMessage).where(EmailMessage.kind == kind).order_by(EmailMessage.id)
        ):
            titles = self.session.exec(
                select(Tender.title)
                .join(AlertDelivery, AlertDelivery.tender_id == Tender.id)
                .where(AlertDelivery.email_message_id == email.id)
            ).all()
            assert all(title in email.text_body for title in titles)
            tags = sorted(title.split()[-1].lower() for title in titles)
            prefix, period = email.idempotency_key.rsplit(":", 1)
            assert prefix == f"alerts:{kind.removeprefix('alert_')}:{email.user_id}"
            found.append((email.user_id, period, tags))
        return found


@pytest.fixture
def sim(session, engine, make_user, publish) -> Simulation:
    return Simulation(session, engine, make_user, publish)


DAILY_DAYS = [
    *_local_dates(date(2027, 1, 30), date(2027, 2, 1)),
    *_local_dates(date(2027, 2, 4), date(2027, 2, 10)),
    *_local_dates(date(2027, 2, 27), date(2027, 3, 1)),
    *_local_dates(date(2027, 3, 11), date(2027, 3, 16)),
]


def _tag(day: date) -> str:
    return f"d{day:%m%d}"


def test_one_daily_digest_per_moroccan_day_with_only_that_days_matches(sim):
    user = sim.user_with_alert("daily")
    fires = _fires(DAILY.trigger, DAILY_DAYS[0], DAILY_DAYS[-1])
    fires = [fire for fire in fires if fire.astimezone(MOROCCO).date() in DAILY_DAYS]
    expected = {}
    for fire in fires:
        day = fire.astimezone(MOROCCO).date()
        sim.publish(_tag(day), fire - timedelta(hours=2))
        counts = sim.run(DAILY, fire)
        tags = [_tag(day), "late"] if day == date(2027, 2, 7) else [_tag(day)]
        expected[day.isoformat()] = sorted(tags)
        assert (counts["emails"], counts["tenders"]) == (1, len(tags)), day
        if day == date(2027, 2, 6):
            # A match after the day's digest waits for the next day: no second email today.
            sim.publish("late", fire + timedelta(hours=1))
            assert sim.run(DAILY, fire + timedelta(hours=2))["emails"] == 0
    emails = sim.emails("alert_daily")
    assert len(fires) == len(DAILY_DAYS) == len(emails)
    assert {owner for owner, _, _ in emails} == {user.id}
    assert {period: tags for _, period, tags in emails} == expected
    carried = [tag for _, _, tags in emails for tag in tags]
    assert len(carried) == len(set(carried))


def test_one_weekly_digest_per_iso_week_across_the_clock_changes(sim):
    user = sim.user_with_alert("weekly")
    fires = [
        *_fires(WEEKLY.trigger, date(2027, 2, 1), date(2027, 2, 15)),
        *_fires(WEEKLY.trigger, date(2027, 3, 8), date(2027, 3, 22)),
    ]
    expected = {}
    for fire in fires:
        monday = fire.astimezone(MOROCCO).date()
        tags = [f"w{monday:%m%d}sat", f"w{monday:%m%d}sun"]
        sim.publish(tags[0], fire - timedelta(days=2))
        sim.publish(tags[1], fire - timedelta(days=1))
        if monday == date(2027, 2, 8):
            tags.append("late")
        period = "{}-W{:02d}".format(*monday.isocalendar()[:2])
        expected[period] = sorted(tags)
        assert sim.run(WEEKLY, fire)["tenders"] == len(tags), monday
        if monday == date(2027, 2, 1):
            # A match on Monday after the digest goes in next Monday's digest, over the change.
            late = fire + timedelta(hours=10)
            sim.publish("late", late)
            assert sim.run(WEEKLY, late + timedelta(hours=1))["emails"] == 0
    emails = sim.emails("alert_weekly")
    assert [period for _, period, _ in emails] == [
        "2027-W05",
        "2027-W06",
        "2027-W07",
        "2027-W10",
        "2027-W11",
        "2027-W12",
    ]
    assert {owner for owner, _, _ in emails} == {user.id}
    assert {period: tags for _, period, tags in emails} == expected


def test_after_downtime_the_daily_digest_catches_up_once_with_every_pending_match(sim, session):
    users = [sim.user_with_alert("daily"), sim.user_with_alert("daily")]
    first, *missed_fires = _fires(DAILY.trigger, date(2027, 2, 5), date(2027, 2, 8))
    sim.publish("before", first - timedelta(hours=2))
    assert sim.run(DAILY, first)["emails"] == 2
    # The app is down from 2027-02-05 08:00 to 2027-02-08 09:00: tenders still come in.
    for fire in missed_fires:
        sim.publish(_tag(fire.astimezone(MOROCCO).date()), fire - timedelta(hours=2), match=False)
    restart = missed_fires[-1] + timedelta(hours=2)
    assert len(missed_fires) == 3
    with time_machine.travel(restart, tick=False):
        session.commit()
        missed = [spec.name for spec in missed_jobs(all_jobs(), session=session, now=utc_now())]
    assert missed.count("queue_daily_digests") == 1
    assert "queue_weekly_digests" not in missed
    sim.run(MATCH, restart, trigger="catch-up")
    counts = sim.run(DAILY, restart + timedelta(seconds=1), trigger="catch-up")
    assert (counts["emails"], counts["tenders"]) == (2, 6)
    with time_machine.travel(restart + timedelta(minutes=5), tick=False):
        session.commit()
        assert "queue_daily_digests" not in [
            spec.name for spec in missed_jobs(all_jobs(), session=session, now=utc_now())
        ]
    sim.publish("after", restart + timedelta(hours=1))
    assert sim.run(DAILY, restart + timedelta(hours=3)) == {
        "emails": 0,
        "tenders": 0,
        "unreachable": 0,
    }
    emails = sim.emails("alert_daily")
    caught_up = sorted(_tag(fire.astimezone(MOROCCO).date()) for fire in missed_fires)
    assert sorted(emails) == sorted(
        [(user.id, "2027-02-05", ["before"]) for user in users]
        + [(user.id, "2027-02-08", caught_up) for user in users]
    )
