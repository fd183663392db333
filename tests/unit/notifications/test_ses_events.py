"""SES bounce, complaint and send events through SNS: a hard bounce or a complaint suppresses the
address (and the user is told why), a send event confirms its message, a forged or foreign
message changes nothing.

AWS's SNS signing certificate cannot be used offline: these tests sign messages with a key and a
self-signed certificate they make themselves (tests/unit/integrations/test_sns.py), installed as
the route's certificate fetcher.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from oktra.accounts.models import User
from oktra.alerts.views import suppression_note
from oktra.api import build_api
from oktra.core.clock import utc_now
from oktra.integrations.ses import LocalOutbox
from oktra.notifications import routes
from oktra.notifications.models import EmailMessage, EmailSuppression
from oktra.notifications.service import enqueue_email, send_pending
from oktra.notifications.suppression import suppression_for
from tests.unit.integrations.test_sns import (
    TOPIC_ARN,
    _certificate,
    _confirmation,
    _key,
    _notification,
    _sign,
)

KEY = _key()
# What Amazon SNS sends with every HTTPS message (its JSON is labelled text/plain).
SNS_HEADERS = {"Content-Type": "text/plain; charset=UTF-8"}
PEM = _certificate(
    KEY, not_before=datetime(2020, 1, 1, tzinfo=UTC), not_after=datetime(2099, 1, 1, tzinfo=UTC)
)


@pytest.fixture
def client(monkeypatch, database_url):
    monkeypatch.setenv("OKTRA_DATABASE_URL", database_url)
    monkeypatch.setenv("OKTRA_SES_SNS_TOPIC_ARNS", TOPIC_ARN)
    monkeypatch.setattr(routes, "fetch_certificate", lambda _url: PEM)
    return TestClient(build_api(), headers=SNS_HEADERS)


def _now() -> str:
    return utc_now().strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _post(client, event: dict, *, key=KEY, **overrides):
    fields = _notification(json.dumps(event), Timestamp=_now(), **overrides)
    return client.post("/notifications/ses", content=json.dumps(_sign(fields, key)))


def _bounce(address: str, kind: str = "Permanent") -> dict:
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": kind,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": address}],
        },
        "mail": {"messageId": "0100018f", "destination": [address], "tags": {}},
    }


def _user(session, email="salma@atlas.ma") -> User:
    user = User(email=email, full_name="Salma", email_verified_at=utc_now())
    session.add(user)
    session.commit()
    return user


def test_a_hard_bounce_suppresses_the_address_and_the_user_is_told_why(session, client):
    user = _user(session)
    assert _post(client, _bounce("Salma@Atlas.ma")).status_code == 200
    found = suppression_for(session=session, address=user.email)
    assert (found.reason, found.detail) == ("bounce", "Permanent/General")
    note = suppression_note(found, "en")
    assert "salma@atlas.ma" in note and "could not be delivered" in note
    enqueue_email(
        session=session,
        kind="password_changed",
        to_address=user.email,
        lang="fr",
        context={"name": "Salma"},
        idempotency_key="after-bounce",
    )
    counts = send_pending(session=session, now=utc_now(), sender=LocalOutbox())
    assert (counts["sent"], counts["suppressed"]) == (0, 1)


def test_a_complaint_suppresses_and_a_transient_bounce_does_not(session, client):
    _user(session)
    _post(client, _bounce("salma@atlas.ma", kind="Transient"))
    assert session.exec(select(EmailSuppression)).all() == []
    complaint = {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": "salma@atlas.ma"}],
            "complaintFeedbackType": "abuse",
        },
        "mail": {"messageId": "0100018f", "destination": ["salma@atlas.ma"]},
    }
    assert _post(client, complaint).status_code == 200
    [entry] = session.exec(select(EmailSuppression)).all()
    assert entry.reason == "complaint"
    assert "spam" in suppression_note(entry, "en")


def test_a_forged_message_is_refused_and_changes_nothing(session, client):
    _user(session)
    fields = _sign(_notification(json.dumps(_bounce("other@atlas.ma")), Timestamp=_now()), KEY)
    fields["Message"] = json.dumps(_bounce("salma@atlas.ma"))
    answer = client.post("/notifications/ses", content=json.dumps(fields))
    assert answer.status_code == 400
    assert _post(client, _bounce("salma@atlas.ma"), key=_key()).status_code == 400
    assert client.post("/notifications/ses", content=b"not json").status_code == 400
    assert session.exec(select(EmailSuppression)).all() == []


def test_a_validly_signed_message_from_another_topic_is_refused(session, client):
    foreign = "arn:aws:sns:eu-north-1:999999999999:someone-else"
    answer = _post(client, _bounce("salma@atlas.ma"), TopicArn=foreign)
    assert answer.status_code == 403
    assert session.exec(select(EmailSuppression)).all() == []


def test_the_subscription_is_confirmed_for_the_configured_topic(client, monkeypatch):
    confirmed = []
    # The confirmation is a GET to AWS, which cannot be reached here: it is recorded instead.
    monkeypatch.setattr(routes.sns, "confirm_subscription", confirmed.append)
    fields = {**_confirmation(), "Timestamp": _now()}
    answer = client.post("/notifications/ses", content=json.dumps(_sign(fields, KEY)))
    assert answer.status_code == 200
    assert [message.topic_arn for message in confirmed] == [TOPIC_ARN]


def test_a_send_event_confirms_the_message_it_names(session, client):
    message = enqueue_email(
        session=session,
        kind="password_changed",
        to_address="salma@atlas.ma",
        lang="fr",
        context={"name": "Salma"},
        idempotency_key="confirm-me",
    )
    message.status = "sending"
    session.commit()
    event = {
        "eventType": "Send",
        "mail": {"messageId": "0100018f", "tags": {"oktra_message": [str(message.id)]}},
        "send": {},
    }
    assert _post(client, event).status_code == 200
    session.expire_all()
    stored = session.get(EmailMessage, message.id)
    assert stored.status == "sent" and stored.confirmed_at is not None


def test_a_message_of_an_unexpected_content_type_is_refused_and_changes_nothing(session, client):
    _user(session)
    fields = _sign(_notification(json.dumps(_bounce("salma@atlas.ma")), Timestamp=_now()), KEY)
    body = json.dumps(fields)
    xml = client.post("/notifications/ses", content=body, headers={"Content-Type": "text/xml"})
    assert xml.status_code == 415
    assert session.exec(select(EmailSuppression)).all() == []
    as_json = {"Content-Type": "application/json"}
    assert client.post("/notifications/ses", content=body, headers=as_json).status_code == 200
    assert len(session.exec(select(EmailSuppression)).all()) == 1
