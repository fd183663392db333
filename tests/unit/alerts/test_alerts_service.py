"""Saved searches: create from a search, edit, pause, delete; matches, unread counts, follows;
nothing of another user's is ever reachable."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from oktra.alerts import service
from oktra.alerts.engine import match_new_tenders
from oktra.alerts.service import AlertError, AlertSettings
from oktra.billing import service as billing
from oktra.core.errors import NotFoundError
from oktra.tenders.criteria import Criteria, from_params
from tests.unit.alerts.conftest import NOW
from tests.unit.billing.subscribe import subscribe

LATER = NOW + timedelta(minutes=5)


def _alert(session, user, text="fourniture informatique", **criteria):
    return service.create_alert(
        session=session,
        user_id=user.id,
        settings=AlertSettings(name="Informatique", frequency="instant"),
        criteria=Criteria(text=text, **criteria),
        now=NOW,
    )


def test_an_alert_keeps_the_search_criteria_but_not_dates_status_or_order(session, make_user):
    user = make_user()
    reading = from_params(
        {
            "q": "nettoyage",
            "region": "oriental",
            "from": "2026-01-01",
            "status": "closed",
            "sort": "newest",
            "min": "1000",
        }
    )
    alert = service.create_alert(
        session=session,
        user_id=user.id,
        settings=AlertSettings(name=" Nettoyage  Oujda "),
        criteria=reading.criteria,
        now=NOW,
    )
    criteria = service.criteria_from_json(alert.criteria)
    assert alert.name == "Nettoyage Oujda"
    assert (criteria.text, criteria.regions, criteria.budget_min) == (
        "nettoyage",
        ("oriental",),
        Decimal(1000),
    )
    assert criteria.published_from is None and criteria.sort is None
    assert criteria.statuses == ("open",)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (AlertSettings(name="  "), "Give the alert a name."),
        (AlertSettings(name="x" * 121), "The name is too long (120 characters at most)."),
        (AlertSettings(name="A", frequency="hourly"), "Choose how often to receive this alert."),
        (
            AlertSettings(name="A", by_email=False, in_app=False),
            "Choose at least one channel: email or in the app.",
        ),
    ],
)
def test_a_bad_alert_is_refused_with_a_message_and_nothing_saved(
    session, make_user, settings, message
):
    user = make_user()
    with pytest.raises(AlertError) as refusal:
        service.create_alert(
            session=session, user_id=user.id, settings=settings, criteria=Criteria(), now=NOW
        )
    assert refusal.value.message == message
    assert service.list_alerts(session=session, user_id=user.id) == []


def test_the_free_plan_allows_one_weekly_alert(session, make_user):
    user = make_user(plan=None)
    with pytest.raises(AlertError, match="frequency"):
        _alert(session, user)
    service.create_alert(
        session=session,
        user_id=user.id,
        settings=AlertSettings(name="A", frequency="weekly"),
        criteria=Criteria(),
        now=NOW,
    )
    with pytest.raises(AlertError, match="no more alerts"):
        service.create_alert(
            session=session,
            user_id=user.id,
            settings=AlertSettings(name="B", frequency="weekly"),
            criteria=Criteria(),
            now=NOW,
        )


def test_a_business_subscriber_has_unlimited_alerts_at_every_frequency(session, make_user):
    allowed = billing.entitlements(session=session, user_id=make_user().id, now=NOW)
    assert (allowed.plan_code, allowed.max_alerts) == ("business", None)
    assert set(allowed.frequencies) == {"instant", "daily", "weekly"}


def test_a_new_alert_starts_from_the_users_interests():
    criteria = service.interests_criteria(sectors=["it", "bogus"], regions=["oriental"])
    assert (criteria.sectors, criteria.regions) == (("it",), ("oriental",))


def test_new_matching_tenders_appear_unread_then_read(session, make_user, publish):
    user = make_user()
    alert = _alert(session, user)
    publish("Fourniture de matériel informatique", "Travaux de voirie", now=LATER)
    counts = match_new_tenders(session=session, now=LATER)
    assert counts["matches"] == 1
    [(listed, unread, total)] = service.list_alerts(session=session, user_id=user.id)
    assert (listed.id, unread, total) == (alert.id, 1, 1)
    [(_match, tender, _buyer)] = service.alert_matches(
        session=session, user_id=user.id, alert_id=alert.id, now=LATER
    )
    assert tender.title == "Fourniture de matériel informatique"
    assert service.unread_total(session=session, user_id=user.id) == 1
    assert service.mark_read(session=session, user_id=user.id, alert_id=alert.id, now=LATER) == 1
    assert service.unread_total(session=session, user_id=user.id) == 0
    assert match_new_tenders(session=session, now=LATER + timedelta(minutes=1))["matches"] == 0


def test_an_alert_only_matches_tenders_newer_than_itself(session, make_user, publish):
    publish("Fourniture informatique ancienne", now=NOW - timedelta(days=2))
    user = make_user()
    _alert(session, user)
    assert match_new_tenders(session=session, now=LATER)["matches"] == 0


def test_a_paused_alert_matches_nothing_until_resumed(session, make_user, publish):
    user = make_user()
    alert = _alert(session, user)
    service.set_paused(session=session, user_id=user.id, alert_id=alert.id, paused=True, now=NOW)
    publish("Fourniture informatique A", now=LATER)
    assert match_new_tenders(session=session, now=LATER)["matches"] == 0
    service.set_paused(session=session, user_id=user.id, alert_id=alert.id, paused=False, now=LATER)
    publish("Fourniture informatique B", now=LATER + timedelta(minutes=1))
    assert match_new_tenders(session=session, now=LATER + timedelta(minutes=2))["matches"] >= 1


def test_an_edited_alert_matches_with_its_new_criteria(session, make_user, publish):
    user = make_user()
    alert = _alert(session, user)
    match_new_tenders(session=session, now=NOW)
    service.update_alert(
        session=session,
        user_id=user.id,
        alert_id=alert.id,
        settings=AlertSettings(name="Nettoyage"),
        criteria=Criteria(text="nettoyage"),
        now=NOW,
    )
    publish("Nettoyage des locaux", "Fourniture informatique", now=LATER)
    match_new_tenders(session=session, now=LATER)
    titles = [
        t.title
        for _m, t, _b in service.alert_matches(
            session=session, user_id=user.id, alert_id=alert.id, now=LATER
        )
    ]
    assert titles == ["Nettoyage des locaux"]


def test_deleting_an_alert_deletes_its_matches(session, make_user, publish):
    user = make_user()
    alert = _alert(session, user)
    publish("Fourniture informatique", now=LATER)
    match_new_tenders(session=session, now=LATER)
    service.delete_alert(session=session, user_id=user.id, alert_id=alert.id)
    assert service.list_alerts(session=session, user_id=user.id) == []
    assert service.unread_total(session=session, user_id=user.id) == 0


def test_another_users_alert_matches_and_feed_are_never_reachable(session, make_user, publish):
    owner, intruder = make_user(), make_user()
    alert = _alert(session, owner)
    publish("Fourniture informatique", now=LATER)
    match_new_tenders(session=session, now=LATER)
    attempts = [
        lambda: service.get_alert(session=session, user_id=intruder.id, alert_id=alert.id),
        lambda: service.alert_matches(
            session=session, user_id=intruder.id, alert_id=alert.id, now=NOW
        ),
        lambda: service.mark_read(session=session, user_id=intruder.id, alert_id=alert.id, now=NOW),
        lambda: service.set_paused(
            session=session, user_id=intruder.id, alert_id=alert.id, paused=True, now=NOW
        ),
        lambda: service.delete_alert(session=session, user_id=intruder.id, alert_id=alert.id),
        lambda: service.new_feed_token(
            session=session, user_id=intruder.id, alert_id=alert.id, now=NOW
        ),
        lambda: service.update_alert(
            session=session,
            user_id=intruder.id,
            alert_id=alert.id,
            settings=AlertSettings(name="x"),
            criteria=Criteria(),
            now=NOW,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotFoundError):
            attempt()
    assert service.list_alerts(session=session, user_id=intruder.id) == []
    assert service.unread_total(session=session, user_id=owner.id) == 1
    assert service.get_alert(session=session, user_id=owner.id, alert_id=alert.id).paused_at is None


def test_a_feed_token_is_shown_once_stored_hashed_and_revocable(session, make_user):
    user = make_user()
    alert = _alert(session, user)
    token = service.new_feed_token(session=session, user_id=user.id, alert_id=alert.id, now=NOW)
    assert token not in (alert.feed_token_hash or "")
    found, _matches = service.feed_by_token(session=session, token=token, now=NOW)
    assert found.id == alert.id
    newer = service.new_feed_token(session=session, user_id=user.id, alert_id=alert.id, now=NOW)
    with pytest.raises(NotFoundError):
        service.feed_by_token(session=session, token=token, now=NOW)
    service.revoke_feed(session=session, user_id=user.id, alert_id=alert.id, now=NOW)
    for guess in (newer, "", "x" * 500):
        with pytest.raises(NotFoundError):
            service.feed_by_token(session=session, token=guess, now=NOW)


def test_following_a_tender_is_per_user_and_can_be_undone(session, make_user, publish):
    first, second = make_user(), make_user()
    publish("Fourniture informatique", now=NOW)
    from sqlalchemy import select

    from oktra.tenders.models import Tender

    tender_id = session.scalars(select(Tender.id)).first()
    service.follow_tender(
        session=session, user_id=first.id, tender_id=tender_id, follow=True, now=NOW
    )
    service.follow_tender(
        session=session, user_id=first.id, tender_id=tender_id, follow=True, now=NOW
    )
    assert service.followed_ids(session=session, user_id=first.id) == {tender_id}
    assert service.followed_ids(session=session, user_id=second.id) == set()
    service.follow_tender(
        session=session, user_id=first.id, tender_id=tender_id, follow=False, now=NOW
    )
    assert service.followed_ids(session=session, user_id=first.id) == set()
    with pytest.raises(NotFoundError):
        service.follow_tender(
            session=session, user_id=first.id, tender_id=999_999, follow=True, now=NOW
        )


def test_the_plan_sets_how_far_back_an_alerts_matches_are_shown(session, make_user, publish):
    user = make_user(plan=None)
    alert = service.create_alert(
        session=session,
        user_id=user.id,
        settings=AlertSettings(name="IT", frequency="weekly"),
        criteria=Criteria(text="informatique"),
        now=NOW,
    )
    publish("Fourniture de matériel informatique", now=LATER)
    match_new_tenders(session=session, now=LATER)

    def shown(days: int) -> int:
        at = LATER + timedelta(days=days)
        return len(
            service.alert_matches(session=session, user_id=user.id, alert_id=alert.id, now=at)
        )

    assert (shown(29), shown(31)) == (1, 0)
    subscribe(session, user, now=LATER + timedelta(days=31), plan="pro")
    assert shown(31) == 1
