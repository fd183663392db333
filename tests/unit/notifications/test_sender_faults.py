"""The outbox against a real moto SES server: throttling, 5xx, lost answers, a killed sender.

Moto cannot throttle or fail, so faults are injected in front of it, at the HTTP layer of the
real boto3 client: a `before-send` handler answers SendEmail itself (400 ThrottlingException,
429, 500, 503) without the request leaving. This needs moto's *server* (ThreadedMotoServer):
under `mock_aws` moto is itself a `before-send` handler and botocore calls every handler, so moto
would still record a message the client was told had failed.

botocore retries throttling and 5xx on its own; unless a test says otherwise AWS_MAX_ATTEMPTS=1
turns that off, so every retry seen here is the outbox's, and `Faults.requests` counts each
HTTP request to prove it.

Moto does not publish SES events to SNS, so the tests play SES's event publishing: they sign
SNS Notifications with a key and self-signed certificate they make (AWS's SNS certificate and
key cannot be used offline) and post them to the real route, its `fetch_certificate` replaced.
Moto keeps no tags, so each message goes to its own address and its row is found by address.
"""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from botocore.httpsession import URLLib3Session
from moto.core import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer
from moto.ses.models import ses_backends
from sqlmodel import select
from starlette.testclient import TestClient

from oktra.api import build_api
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.integrations.ses import SesSender
from oktra.notifications import routes
from oktra.notifications.models import EmailMessage
from oktra.notifications.service import backoff, enqueue_email, send_pending, sender_for
from oktra.settings import get_settings
from tests.unit.integrations.test_sns import _certificate, _key, _notification, _sign

ROOT = Path(__file__).resolve().parents[3]
REGION, CONFIG_SET = "eu-north-1", "oktra-events"
TOPIC = "arn:aws:sns:eu-north-1:123456789012:oktra-ses-events"
FAULTS = {
    "throttle": (400, "ThrottlingException"),
    "too-many": (429, "TooManyRequestsException"),
    "500": (500, "InternalFailure"),
    "503": (503, "ServiceUnavailable"),
}


class _Raw(BytesIO):
    def stream(self, **_kwargs: object):
        yield self.read()


class Faults:
    """A `before-send` handler: plays the planned fault for each SendEmail, None passes through.

    "lost" delivers the request to moto, then drops SES's answer as a read timeout would."""

    def __init__(self, plan: list[str | None]) -> None:
        self.plan, self.requests = list(plan), 0

    def __call__(self, request, **_kwargs: object) -> AWSResponse | None:
        self.requests += 1
        fault = self.plan.pop(0) if self.plan else None
        if fault == "lost":
            URLLib3Session().send(request)
            raise ReadTimeoutError(endpoint_url=request.url)
        if fault is None:
            return None
        status, code = FAULTS[fault]
        body = json.dumps({"__type": code, "message": "injected"}).encode()
        return AWSResponse(request.url, status, {"x-amzn-ErrorType": code}, _Raw(body))


@pytest.fixture
def ses(monkeypatch, tmp_path):
    """A moto SES server on a free port, the From address verified, settings pointing at it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    url = "http://{}:{}".format(*server.get_host_and_port())
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
        "OKTRA_EMAIL_BACKEND": "ses",
        "OKTRA_SES_REGION": REGION,
        "OKTRA_SES_ENDPOINT_URL": url,
        "OKTRA_SES_CONFIGURATION_SET": CONFIG_SET,
        "OKTRA_SES_SNS_TOPIC_ARNS": TOPIC,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        httpx.post(f"{url}/moto-api/reset").raise_for_status()  # moto's backends are global
        boto3.client("ses", region_name=REGION, endpoint_url=url).verify_email_identity(
            EmailAddress="alertes@oktra.ma"
        )
        boto3.client("sesv2", region_name=REGION, endpoint_url=url).create_configuration_set(
            ConfigurationSetName=CONFIG_SET
        )
        yield url
    finally:
        server.stop()


def _recorded() -> list[str]:
    """The recipient of every message moto's SES accepted, read from its raw MIME."""
    messages = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    return [email.message_from_string(m.raw_data)["To"] for m in messages]


def _sender(faults: Faults | None = None) -> SesSender:
    sender = sender_for(get_settings())
    if faults is not None:
        sender._client.meta.events.register("before-send.sesv2.SendEmail", faults)
    return sender


def _enqueue(session, n: int) -> EmailMessage:
    return enqueue_email(
        session=session,
        kind="password_changed",
        to_address=f"user{n:02d}@atlas.ma",
        lang="fr",
        context={"name": f"User {n}"},
        idempotency_key=f"faults-{n}",
    )


@pytest.fixture
def ses_events(monkeypatch):
    """Post SES Send events the way SNS delivers them, signed with the test's own certificate."""
    key = _key()
    pem = _certificate(
        key, not_before=utc_now() - timedelta(days=1), not_after=utc_now() + timedelta(days=1)
    )
    monkeypatch.setattr(routes, "fetch_certificate", lambda url: pem)
    client = TestClient(build_api(), headers={"Content-Type": "text/plain; charset=UTF-8"})

    def post_send_event(message: EmailMessage) -> int:
        mail = {
            "messageId": uuid.uuid4().hex,
            "destination": [message.to_address],
            "tags": {"oktra_message": [str(message.id)], "ses:configuration-set": [CONFIG_SET]},
        }
        event = json.dumps({"eventType": "Send", "mail": mail, "send": {}})
        stamp = utc_now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        fields = _sign(_notification(event, Timestamp=stamp, TopicArn=TOPIC), key, "2")
        return client.post("/notifications/ses", content=json.dumps(fields)).status_code

    return post_send_event


def test_throttling_and_5xx_are_retried_with_backoff_and_each_message_sent_once(session, ses):
    rows = [_enqueue(session, n) for n in range(6)]
    faults = Faults(["throttle", None, "500", "too-many", None, "503", "throttle"])
    sender, now, waits = _sender(faults), utc_now(), {}
    for _ in range(10):
        send_pending(session=session, now=now, sender=sender)
        pending = [m for m in rows if m.status == "pending"]
        for m in pending:
            waits.setdefault(m.to_address, []).append(m.next_attempt_at - now)
            assert m.next_attempt_at == now + backoff(m.attempts)
        if not pending:
            break
        now = min(m.next_attempt_at for m in pending)
    seconds = {address: [w.total_seconds() for w in ws] for address, ws in waits.items()}
    assert seconds == {
        "user00@atlas.ma": [30, 60],
        "user02@atlas.ma": [30],
        "user03@atlas.ma": [30],
        "user05@atlas.ma": [30],
    }
    assert [m.status for m in rows] == ["sent"] * 6
    assert [m.attempts for m in rows] == [3, 1, 2, 2, 1, 2]
    assert faults.requests == 11  # one HTTP request per outbox attempt: botocore retried none
    assert Counter(_recorded()) == {m.to_address: 1 for m in rows}


def test_a_message_ses_confirmed_is_not_sent_again_after_its_answer_was_lost(
    session, ses, ses_events
):
    message = _enqueue(session, 1)
    session.commit()
    now = utc_now()
    assert send_pending(session=session, now=now, sender=_sender(Faults(["lost"])))["retry"] == 1
    assert _recorded() == [message.to_address]  # SES has it; the outbox only saw a timeout
    assert ses_events(message) == 200  # SES's Send event for it arrives before the retry
    session.expire_all()
    assert session.get(EmailMessage, message.id).confirmed_at is not None
    send_pending(session=session, now=now + timedelta(minutes=1), sender=_sender())
    assert _recorded() == [message.to_address]
    assert session.get(EmailMessage, message.id).status == "sent"


def test_botocore_does_not_resend_a_message_whose_answer_was_lost(session, ses, monkeypatch):
    # SesSender's client has botocore's default retries (standard mode, 3 attempts), which
    # resend SendEmail after a read timeout: SES may already have taken the message.
    monkeypatch.delenv("AWS_MAX_ATTEMPTS")
    monkeypatch.delenv("AWS_RETRY_MODE")
    message = _enqueue(session, 1)
    send_pending(session=session, now=utc_now(), sender=_sender(Faults(["lost"])))
    assert _recorded() == [message.to_address]


def test_a_stuck_message_is_settled_by_its_confirmation_or_resent_once(session, ses):
    confirmed, unconfirmed, recent = (_enqueue(session, n) for n in range(3))
    now = utc_now()
    for message in (confirmed, unconfirmed, recent):
        message.status, message.attempts = "sending", 1
        message.next_attempt_at = now - timedelta(minutes=16)
    recent.next_attempt_at = now - timedelta(minutes=14)
    confirmed.confirmed_at = now - timedelta(minutes=15)
    session.commit()
    counts = send_pending(session=session, now=now, sender=_sender())
    assert (counts["confirmed"], counts["resent"], counts["sent"]) == (1, 1, 1)
    assert (confirmed.status, confirmed.sent_at) == ("sent", confirmed.confirmed_at)
    assert (unconfirmed.status, unconfirmed.attempts) == ("sent", 2)
    assert recent.status == "sending"  # not yet stuck: it may still be in flight
    send_pending(session=session, now=now + timedelta(hours=1), sender=_sender())
    assert _recorded() == [unconfirmed.to_address, recent.to_address]


def test_a_sender_killed_mid_batch_and_restarted_loses_and_doubles_nothing(
    engine, database_url, ses, ses_events, tmp_path
):
    with session_scope(engine) as session:
        for n in range(40):
            _enqueue(session, n)
    env = {k: v for k, v in os.environ.items() if k.startswith(("OKTRA_", "AWS_"))}
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("sender_child.py")), "0.3"],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "sender.err").open("w"),
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    try:
        deadline = time.monotonic() + 30
        while len(_recorded()) < 10 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)
        assert child.poll() is None, (tmp_path / "sender.err").read_text()[-2000:]
        child.kill()
        child.wait(timeout=10)
    finally:
        child.kill()
    accepted = _recorded()
    assert len(accepted) >= 10
    with session_scope(engine) as session:
        rows = {m.to_address: m for m in session.exec(select(EmailMessage))}
    [interrupted] = [m for m in rows.values() if m.status == "sending"]
    assert interrupted.to_address in accepted  # killed after SES took it, before the commit
    for address in accepted:
        assert ses_events(rows[address]) == 200
    later = utc_now() + timedelta(minutes=16)
    with session_scope(engine) as session:
        for _ in range(3):
            send_pending(session=session, now=later, sender=_sender())
        rows = {m.to_address: m for m in session.exec(select(EmailMessage))}
    assert Counter(_recorded()) == {address: 1 for address in rows}
    assert {m.status for m in rows.values()} == {"sent"}
    assert rows[interrupted.to_address].confirmed_at is not None
