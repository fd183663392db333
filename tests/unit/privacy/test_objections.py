"""Objections from the "My data" page: each switch is a consent record and is honored at once by
the code that serves its purpose (alert emails, product news, analytics)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from oktra.alerts import service
from oktra.alerts.delivery import queue_alert_emails, reachable_users
from oktra.alerts.engine import match_new_tenders
from oktra.alerts.service import AlertSettings
from oktra.notifications.models import EmailMessage
from oktra.privacy import analytics, announcements, consent, objections
from oktra.privacy.consent import ANALYTICS, FUNCTIONAL, Choice, Requester
from oktra.privacy.models import ConsentRecord
from oktra.privacy.service import PRODUCT_NEWS, has_consent
from oktra.tenders.criteria import Criteria
from tests.unit.alerts import conftest as alert_fixtures
from tests.unit.alerts.conftest import FAR_FUTURE, NOW
from tests.unit.billing.subscribe import subscribe
from tests.unit.privacy.conftest import grant_news

# The alerts tests' fixtures: notices imported through the portal adapter, fresh indexes.
publish = alert_fixtures.publish
fresh_caches = alert_fixtures.fresh_caches

VISITOR = "visitor-0123456789abcdef"
REQUESTER = Requester(lang="fr", ip_hash="ip-hash", user_agent="pytest browser")
LATER = NOW + timedelta(minutes=5)


def _switch(session, user, purpose: str, on: bool) -> str | None:
    return objections.set_switch(
        session=session,
        user_id=user.id,
        purpose=purpose,
        on=on,
        visitor_id=VISITOR,
        requester=REQUESTER,
    )


def _alert(session, user, text: str) -> None:
    """An instant alert, which takes a paid plan."""
    subscribe(session, user, now=NOW - timedelta(days=1), until=FAR_FUTURE)
    service.create_alert(
        session=session,
        user_id=user.id,
        settings=AlertSettings(name=text.title(), frequency="instant"),
        criteria=Criteria(text=text),
        now=NOW - timedelta(hours=1),
    )


def _recipients(session) -> list[str]:
    return [
        email.to_address
        for email in session.exec(
            select(EmailMessage).where(EmailMessage.kind == "alert_instant")
        ).all()
    ]


def test_an_objecting_user_gets_no_alert_email_until_the_objection_is_withdrawn(
    session, make_user, publish
):
    objecting, other = make_user(), make_user()
    _alert(session, objecting, "ordinateurs")
    _alert(session, other, "ordinateurs")
    _switch(session, objecting, objections.PERSONALIZED_ALERTS, False)
    publish("Achat d'ordinateurs portables")
    match_new_tenders(session=session, now=LATER)
    counts = queue_alert_emails(session=session, frequency="instant", now=LATER)
    assert counts["emails"] == 1
    assert _recipients(session) == [other.email]
    _switch(session, objecting, objections.PERSONALIZED_ALERTS, True)
    later = LATER + timedelta(minutes=1)
    assert queue_alert_emails(session=session, frequency="instant", now=later)["emails"] == 1
    assert sorted(_recipients(session)) == sorted([other.email, objecting.email])


def test_follow_notices_skip_objecting_users_as_alert_emails_do(session, make_user):
    objecting, other = make_user(), make_user()
    _switch(session, objecting, objections.PERSONALIZED_ALERTS, False)
    reachable = reachable_users(session=session, user_ids={objecting.id, other.id})
    assert set(reachable) == {other.id}
    assert objections.objecting_among(session=session, user_ids={objecting.id, other.id}) == {
        objecting.id
    }


def test_personalized_alerts_are_on_until_the_user_objects(session, make_user):
    user = make_user()
    switches = objections.current_switches(session=session, user_id=user.id, visitor_id=VISITOR)
    assert switches == {
        objections.PERSONALIZED_ALERTS: True,
        PRODUCT_NEWS: False,
        ANALYTICS: False,
        FUNCTIONAL: False,
    }
    _switch(session, user, objections.PERSONALIZED_ALERTS, False)
    assert objections.objects_to_alerts(session=session, user_id=user.id)


def test_turning_product_news_off_withdraws_the_consent_and_the_next_news(session, make_user):
    user = make_user()
    grant_news(session, user)
    news = announcements.PRODUCT_NEWS_KIND
    assert announcements.count_recipients(session=session, kind=news, now=NOW) == 1
    _switch(session, user, PRODUCT_NEWS, False)
    assert not has_consent(session=session, user_id=user.id, purpose=PRODUCT_NEWS)
    assert announcements.count_recipients(session=session, kind=news, now=NOW) == 0


def test_refusing_analytics_stops_page_views_at_once_and_keeps_functional(session, make_user):
    user = make_user()
    consent.record_choice(
        session=session,
        visitor_id=VISITOR,
        user_id=user.id,
        choice=Choice(analytics=True, functional=True),
        requester=REQUESTER,
    )

    def view():
        return analytics.record_page_view(
            session=session,
            visitor_id=VISITOR,
            client_token="tab",
            path="/fr/tenders",
            lang="fr",
            ip="196.200.1.2",
            now=NOW,
            user_id=user.id,
        )

    assert view() is not None
    cookie = _switch(session, user, ANALYTICS, False)
    assert consent.parse_cookie(value=cookie) == consent.DeviceConsent(
        VISITOR, Choice(analytics=False, functional=True)
    )
    assert view() is None
    assert not consent.allows(
        session=session, visitor_id="another-browser-0123", purpose=ANALYTICS, user_id=user.id
    )


def test_every_change_is_a_consent_record_and_the_same_answer_adds_none(session, make_user):
    user = make_user()
    for purpose, on in [
        (objections.PERSONALIZED_ALERTS, False),
        (objections.PERSONALIZED_ALERTS, False),
        (PRODUCT_NEWS, True),
        (PRODUCT_NEWS, True),
        (FUNCTIONAL, True),
        (FUNCTIONAL, True),
    ]:
        _switch(session, user, purpose, on)
    records = session.exec(
        select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
    ).all()
    assert [(r.purpose, r.granted) for r in records] == [
        (objections.PERSONALIZED_ALERTS, False),
        (PRODUCT_NEWS, True),
        (ANALYTICS, False),
        (FUNCTIONAL, True),
    ]
    alerts_record = records[0]
    assert alerts_record.wording and alerts_record.language == "fr"
    assert alerts_record.ip_hash == "ip-hash" and alerts_record.policy_version


def test_an_unknown_switch_is_refused(session, make_user):
    with pytest.raises(objections.UnknownPurposeError):
        _switch(session, make_user(), "partners", False)
