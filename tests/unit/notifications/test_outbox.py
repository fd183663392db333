"""The outbox: built once, sent by the job, retried with backoff, never sent twice."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from sqlmodel import select

from oktra.core.clock import utc_now
from oktra.integrations.ses import LocalOutbox, SendError, SesSender
from oktra.notifications.models import EmailMessage
from oktra.notifications.render import render_email
from oktra.notifications.service import (
    MAX_ATTEMPTS,
    backoff,
    enqueue_email,
    send_pending,
)
from oktra.privacy.registry import REGISTRY
from oktra.privacy.retention import purge_table

REGION = "eu-north-1"


def _enqueue(session, key: str = "k1", to: str = "salma@atlas.ma") -> EmailMessage:
    return enqueue_email(
        session=session,
        kind="password_changed",
        to_address=to,
        lang="fr",
        context={"name": "Salma"},
        idempotency_key=key,
    )


class FlakyProvider:
    """A provider that fails as SES does when throttling: moto cannot throttle, so this
    stand-in replaces only the provider's answer, never the outbox logic under test."""

    def __init__(
        self, failures: int, *, transient: bool = True, knows_what_was_sent: bool = False
    ) -> None:
        self.knows_what_was_sent = knows_what_was_sent
        self.failures = failures
        self.transient = transient
        self.sent: list[str] = []

    def send(self, email) -> str:
        if self.failures:
            self.failures -= 1
            raise SendError("Throttling", transient=self.transient)
        self.sent.append(email.idempotency_key)
        return f"id-{email.idempotency_key}"


def test_the_same_key_gives_the_same_message(session):
    first = _enqueue(session)
    second = _enqueue(session)
    assert first.id == second.id
    assert len(session.exec(select(EmailMessage)).all()) == 1


def test_the_local_outbox_marks_messages_sent(session):
    _enqueue(session)
    counts = send_pending(session=session, now=utc_now(), sender=LocalOutbox())
    assert counts["sent"] == 1
    message = session.exec(select(EmailMessage)).one()
    assert (message.status, message.provider_message_id) == ("sent", "local-k1")


def test_throttling_is_retried_with_exponential_backoff_then_sent(session):
    _enqueue(session)
    provider = FlakyProvider(failures=2)
    now = utc_now()
    assert send_pending(session=session, now=now, sender=provider)["retry"] == 1
    message = session.exec(select(EmailMessage)).one()
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert send_pending(session=session, now=now, sender=provider)["sent"] == 0
    later = now + timedelta(seconds=31)
    assert send_pending(session=session, now=later, sender=provider)["retry"] == 1
    assert session.exec(select(EmailMessage)).one().next_attempt_at == later + timedelta(minutes=1)
    final = later + timedelta(minutes=2)
    assert send_pending(session=session, now=final, sender=provider)["sent"] == 1
    assert provider.sent == ["k1"]


def test_backoff_doubles_up_to_one_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20) == timedelta(hours=1)


def test_a_permanent_refusal_fails_without_retry(session):
    _enqueue(session)
    counts = send_pending(session=session, now=utc_now(), sender=FlakyProvider(1, transient=False))
    assert counts["failed"] == 1
    assert session.exec(select(EmailMessage)).one().status == "failed"


def test_retries_stop_after_the_last_attempt(session):
    _enqueue(session)
    provider = FlakyProvider(failures=100)
    now = utc_now()
    for _ in range(MAX_ATTEMPTS):
        send_pending(session=session, now=now, sender=provider)
        now += timedelta(hours=2)
    assert session.exec(select(EmailMessage)).one().status == "failed"


def test_an_interrupted_message_is_never_resent_when_the_provider_cannot_say_it_went(session):
    message = _enqueue(session)
    message.status = "sending"
    message.next_attempt_at = utc_now() - timedelta(hours=1)
    session.commit()
    provider = FlakyProvider(failures=0)
    counts = send_pending(session=session, now=utc_now(), sender=provider)
    assert counts["uncertain"] == 1
    assert provider.sent == []
    assert session.exec(select(EmailMessage)).one().status == "uncertain"


def _purge(session, days: int) -> int:
    now = utc_now() + timedelta(days=days)
    return purge_table(session=session, declaration=REGISTRY["email_message"], now=now)[
        "email_message"
    ]


def test_settled_messages_are_purged_after_ninety_days_and_pending_ones_kept(session):
    _enqueue(session)
    _enqueue(session, key="k2")
    send_pending(session=session, now=utc_now(), sender=LocalOutbox())
    _enqueue(session, key="k3")
    assert _purge(session, 89) == 0
    assert _purge(session, 91) == 2
    assert session.exec(select(EmailMessage.idempotency_key)).all() == ["k3"]


@mock_aws
def test_ses_refuses_an_unverified_sender_and_the_message_fails(session, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    _enqueue(session)
    counts = send_pending(session=session, now=utc_now(), sender=SesSender(region=REGION))
    assert counts["failed"] == 1
    assert "SES" in session.exec(select(EmailMessage)).one().last_error


@mock_aws
def test_ses_sends_from_a_verified_sender_in_eu_north_1(session, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress="alertes@oktra.ma")
    _enqueue(session)
    counts = send_pending(session=session, now=utc_now(), sender=SesSender(region=REGION))
    assert counts["sent"] == 1
    [sent] = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert "To: salma@atlas.ma" in sent.raw_data
    assert session.exec(select(EmailMessage)).one().provider_message_id


@pytest.mark.parametrize(("lang", "direction"), [("fr", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_emails_are_written_in_the_recipients_language(lang, direction):
    email = render_email(
        "verify_email", lang, {"name": "Salma", "link": "https://x/y", "hours": 48}
    )
    assert f'dir="{direction}"' in email.html
    assert "https://x/y" in email.text
    assert email.subject


def test_html_parts_escape_what_users_typed_and_text_parts_keep_it():
    email = render_email("password_changed", "en", {"name": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in email.html
    assert "&lt;script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.text
