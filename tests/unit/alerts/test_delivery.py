"""Alert emails: each (user, tender) once, through the fastest frequency, grouped by alert, in the
user's language, never to an unverified or suppressed address nor for a paused alert."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string

import pytest
from sqlmodel import select

from oktra.alerts import service
from oktra.alerts.delivery import queue_alert_emails
from oktra.alerts.engine import match_new_tenders
from oktra.alerts.models import AlertDelivery
from oktra.alerts.service import AlertSettings
from oktra.notifications.models import EmailMessage
from oktra.notifications.suppression import suppress
from oktra.tenders.criteria import Criteria
from tests.unit.alerts.conftest import NOW

LATER = NOW + timedelta(minutes=5)


def _alert(session, user, text, frequency="instant", **fields):
    return service.create_alert(
        session=session,
        user_id=user.id,
        settings=AlertSettings(
            name=fields.pop("name", text.title()), frequency=frequency, **fields
        ),
        criteria=Criteria(text=text),
        now=NOW - timedelta(hours=1),
    )


def _emails(session, kind=None) -> list[EmailMessage]:
    query = select(EmailMessage).order_by(EmailMessage.id)
    if kind:
        query = query.where(EmailMessage.kind == kind)
    return list(session.exec(query).all())


def _deliver(session, frequency="instant", now=LATER):
    match_new_tenders(session=session, now=now)
    return queue_alert_emails(session=session, frequency=frequency, now=now)


def test_an_instant_alert_emails_its_new_matches_once(session, make_user, publish):
    user = make_user(full_name="Salma Alaoui")
    _alert(session, user, "ordinateurs")
    publish("Achat d'ordinateurs portables", "Achat d'ordinateurs de bureau", "Travaux de voirie")
    counts = _deliver(session)
    assert (counts["emails"], counts["tenders"]) == (1, 2)
    [email] = _emails(session)
    assert email.kind == "alert_instant" and email.to_address == user.email
    assert "ordinateurs portables" in email.text_body and "ordinateurs de bureau" in email.text_body
    assert "voirie" not in email.text_body
    assert "Salma Alaoui" in email.html_body
    assert _deliver(session, now=LATER + timedelta(minutes=1))["emails"] == 0
    assert len(_emails(session)) == 1


def test_a_tender_two_alerts_match_is_sent_once_through_the_fastest(session, make_user, publish):
    user = make_user()
    _alert(session, user, "ordinateurs", frequency="daily", name="Daily")
    _alert(session, user, "portables", frequency="instant", name="Instant")
    _alert(session, user, "achat", frequency="weekly", name="Weekly")
    publish("Achat d'ordinateurs portables")
    assert _deliver(session, "instant")["tenders"] == 1
    assert queue_alert_emails(session=session, frequency="daily", now=LATER)["emails"] == 0
    assert queue_alert_emails(session=session, frequency="weekly", now=LATER)["emails"] == 0
    [ledger] = session.exec(select(AlertDelivery)).all()
    assert ledger.event == "match"


def test_a_daily_digest_waits_for_its_run_and_skips_what_a_faster_alert_will_send(
    session, make_user, publish
):
    user = make_user()
    _alert(session, user, "ordinateurs", frequency="daily")
    _alert(session, user, "portables", frequency="instant", by_email=False, name="In app only")
    publish("Achat d'ordinateurs portables")
    assert _deliver(session, "instant")["emails"] == 0
    counts = queue_alert_emails(session=session, frequency="daily", now=LATER)
    assert counts["emails"] == 1
    assert _emails(session)[0].kind == "alert_daily"


def test_a_digest_groups_matches_by_alert_and_lists_each_tender_once(session, make_user, publish):
    user = make_user()
    _alert(session, user, "ordinateurs", frequency="daily", name="Informatique")
    _alert(session, user, "voirie", frequency="daily", name="Travaux")
    _alert(session, user, "achat", frequency="daily", name="Achats")
    publish("Achat d'ordinateurs portables", "Travaux de voirie urbaine")
    assert _deliver(session, "daily")["tenders"] == 2
    [email] = _emails(session)
    text = email.text_body
    assert text.count("ordinateurs portables") == 1 and text.count("voirie urbaine") == 1
    assert "== Informatique ==" in text or "== Achats ==" in text
    assert "== Travaux ==" in text


def test_a_digest_is_sent_only_when_something_matched(session, make_user, publish):
    user = make_user()
    _alert(session, user, "ordinateurs", frequency="daily")
    publish("Travaux de voirie")
    assert _deliver(session, "daily") == {"emails": 0, "tenders": 0, "unreachable": 0}
    assert _emails(session) == []


def test_one_digest_per_moroccan_day_even_when_the_job_runs_twice(session, make_user, publish):
    user = make_user()
    _alert(session, user, "ordinateurs", frequency="daily")
    publish("Achat d'ordinateurs portables", now=NOW)
    assert _deliver(session, "daily", now=LATER)["emails"] == 1
    publish("Achat d'ordinateurs de bureau", now=LATER + timedelta(minutes=1))
    assert _deliver(session, "daily", now=LATER + timedelta(hours=1))["emails"] == 0
    next_day = LATER + timedelta(days=1)
    assert _deliver(session, "daily", now=next_day)["tenders"] == 1
    assert len(_emails(session)) == 2


def test_the_email_is_in_the_users_language(session, make_user, publish):
    user = make_user(language="ar")
    _alert(session, user, "ordinateurs")
    publish("Achat d'ordinateurs portables")
    _deliver(session)
    [email] = _emails(session)
    assert email.language == "ar"
    assert 'dir="rtl"' in email.html_body
    assert email.subject != "New tenders for your OKTRA alerts"


@pytest.mark.parametrize("blocker", ["unverified", "suppressed", "paused", "app_only"])
def test_nothing_is_sent_to_an_unreachable_user_or_for_a_silent_alert(
    session, make_user, publish, blocker
):
    user = make_user(email_verified_at=None) if blocker == "unverified" else make_user()
    alert = _alert(session, user, "ordinateurs", by_email=blocker != "app_only")
    if blocker == "suppressed":
        suppress(session=session, address=user.email, reason="bounce", detail="", now=NOW)
    if blocker == "paused":
        service.set_paused(
            session=session, user_id=user.id, alert_id=alert.id, paused=True, now=NOW
        )
    publish("Achat d'ordinateurs portables")
    _deliver(session)
    assert _emails(session) == []
    assert session.exec(select(AlertDelivery)).all() == []


def test_an_alert_email_carries_one_click_unsubscribe_headers(session, make_user, publish):
    user = make_user()
    alert = _alert(session, user, "ordinateurs")
    publish("Achat d'ordinateurs portables")
    _deliver(session)
    [email] = _emails(session)
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.headers["List-Unsubscribe"].startswith("<http")
    assert "/alerts/unsubscribe/" in email.headers["List-Unsubscribe"]
    assert f"/alerts/edit?id={alert.id}" in email.text_body
    assert "/unsubscribe?token=" in email.text_body


def test_ledger_and_outbox_are_written_together_or_not_at_all(
    session, make_user, publish, monkeypatch
):
    user = make_user()
    _alert(session, user, "ordinateurs")
    publish("Achat d'ordinateurs portables")
    match_new_tenders(session=session, now=LATER)

    def broken(**_kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr("oktra.alerts.delivery.enqueue_email", broken)
    with pytest.raises(RuntimeError):
        queue_alert_emails(session=session, frequency="instant", now=LATER)
    assert session.exec(select(AlertDelivery)).all() == []
    monkeypatch.undo()
    assert queue_alert_emails(session=session, frequency="instant", now=LATER)["emails"] == 1


def test_the_raw_message_has_text_html_and_unsubscribe_headers():
    from oktra.integrations.ses import OutgoingEmail, mime_message

    raw = mime_message(
        OutgoingEmail(
            sender="OKTRA <alertes@oktra.ma>",
            to="salma@atlas.ma",
            subject="Nouveaux appels d'offres",
            text="Bonjour",
            html="<p>Bonjour</p>",
            idempotency_key="k",
            headers=(("List-Unsubscribe", "<https://oktra.ma/x>"),),
        )
    ).decode()
    parsed = message_from_string(raw)
    assert parsed["List-Unsubscribe"] == "<https://oktra.ma/x>"
    assert [part.get_content_type() for part in parsed.walk()][1:] == ["text/plain", "text/html"]


def test_the_instant_chain_runs_within_five_minutes_of_an_import():
    from apscheduler.triggers.interval import IntervalTrigger

    from oktra.jobs import find_job

    chain = [
        find_job(name).trigger for name in ("match_alerts", "queue_instant_alerts", "send_emails")
    ]
    assert all(isinstance(trigger, IntervalTrigger) for trigger in chain)
    assert sum((trigger.interval for trigger in chain), timedelta()) <= timedelta(minutes=5)


def test_tens_of_thousands_of_recipients_fit_the_databases_parameter_bounds(session):
    from oktra.alerts.delivery import reachable_users

    assert reachable_users(session=session, user_ids=set(range(1, 40_001))) == {}
