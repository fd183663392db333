"""SNS message verification, subscription confirmation and SES event parsing.

AWS's real SNS signing certificate and private key cannot be used offline, so these tests make
their own RSA key and self-signed certificate with `cryptography`, sign messages with it exactly
as SNS does, and pass a `fetch_certificate` that returns that certificate. Nothing here touches
the network or the Firebase emulator.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from oktra.integrations.sns import (
    CertificateCache,
    SesEvent,
    SnsError,
    SnsMessage,
    confirm_subscription,
    ses_event,
    verify_message,
)

NOW = datetime(2024, 5, 6, 12, 0, 0, tzinfo=UTC)
CERT_URL = (
    "https://sns.eu-west-3.amazonaws.com/"
    "SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem"
)
TOPIC_ARN = "arn:aws:sns:eu-west-3:123456789012:oktra-ses-events"
SUBSCRIBE_URL = (
    "https://sns.eu-west-3.amazonaws.com/?Action=ConfirmSubscription"
    f"&TopicArn={TOPIC_ARN}&Token=2336412f37fb687f5d51e6e2425c464de12884c3"
)
IDEMPOTENCY_TAGS = {
    "ses:operation": ["SendEmail"],
    "ses:configuration-set": ["oktra-transactional"],
    "ses:source-ip": ["192.0.2.0"],
    "ses:from-domain": ["oktra.ma"],
    "ses:caller-identity": ["oktra-mailer"],
    "idempotency_key": ["k1"],
}


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(
    key: rsa.RSAPrivateKey,
    *,
    not_before: datetime = NOW - timedelta(days=30),
    not_after: datetime = NOW + timedelta(days=300),
) -> bytes:
    """A self-signed PEM certificate standing in for SNS's signing certificate."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return _key()


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return _key()


@pytest.fixture(scope="module")
def pem(key: rsa.RSAPrivateKey) -> bytes:
    return _certificate(key)


class Fetcher:
    """A fetch_certificate that serves one PEM and records the URLs asked for."""

    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.pem


@pytest.fixture
def fetcher(pem: bytes) -> Fetcher:
    return Fetcher(pem)


def _string_to_sign(fields: dict[str, Any]) -> bytes:
    """The canonical string, written out independently from AWS's documentation."""
    if fields["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{k}\n{fields[k]}\n" for k in keys if k in fields).encode()


def _sign(fields: dict[str, Any], key: rsa.RSAPrivateKey, version: str = "1") -> dict[str, Any]:
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key.sign(_string_to_sign(fields), padding.PKCS1v15(), algorithm)
    return {
        **fields,
        "SignatureVersion": version,
        "Signature": base64.b64encode(signature).decode(),
        "SigningCertURL": CERT_URL,
    }


def _notification(message: str = "hello", **overrides: Any) -> dict[str, Any]:
    return {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": TOPIC_ARN,
        "Subject": "Amazon SES Email Event Notification",
        "Message": message,
        "Timestamp": "2024-05-06T11:58:04.751Z",
        "UnsubscribeURL": "https://sns.eu-west-3.amazonaws.com/?Action=Unsubscribe&Sub=x",
        **overrides,
    }


def _confirmation(kind: str = "SubscriptionConfirmation") -> dict[str, Any]:
    return {
        "Type": kind,
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e2425c464de12884c3",
        "TopicArn": TOPIC_ARN,
        "Message": f"You have chosen to subscribe to the topic {TOPIC_ARN}.",
        "SubscribeURL": SUBSCRIBE_URL,
        "Timestamp": "2024-05-06T11:59:30.000Z",
    }


def _body(data: object) -> bytes:
    return json.dumps(data).encode()


def _verify(data: object, fetcher: Callable[[str], bytes], **kwargs: Any) -> SnsMessage:
    return verify_message(_body(data), fetch_certificate=fetcher, now=NOW, **kwargs)


# --- verify_message: genuine messages -------------------------------------------------------


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_signed_notification_is_accepted(version, key, fetcher):
    message = _verify(_sign(_notification(), key, version), fetcher)
    assert message == SnsMessage(
        type="Notification",
        message_id="22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        topic_arn=TOPIC_ARN,
        message="hello",
        timestamp=datetime(2024, 5, 6, 11, 58, 4, 751000, tzinfo=UTC),
        subscribe_url=None,
        subject="Amazon SES Email Event Notification",
    )
    assert fetcher.urls == [CERT_URL]


def test_a_notification_without_subject_is_accepted_and_signed_without_it(key, fetcher):
    fields = _notification()
    del fields["Subject"]
    message = _verify(_sign(fields, key), fetcher)
    assert message.subject is None


def test_a_body_given_as_text_is_accepted(key, fetcher):
    body = json.dumps(_sign(_notification(), key))
    message = verify_message(body, fetch_certificate=fetcher, now=NOW)
    assert message.message == "hello"


@pytest.mark.parametrize("kind", ["SubscriptionConfirmation", "UnsubscribeConfirmation"])
def test_a_signed_confirmation_is_accepted(kind, key, fetcher):
    message = _verify(_sign(_confirmation(kind), key, "2"), fetcher)
    assert message.type == kind
    assert message.subscribe_url == SUBSCRIBE_URL


def test_an_unsigned_subject_on_a_confirmation_is_not_returned(key, fetcher):
    data = {**_sign(_confirmation(), key), "Subject": "not covered by the signature"}
    assert _verify(data, fetcher).subject is None


def test_a_certificate_without_an_rsa_key_is_refused(key):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ec_key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .sign(ec_key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    with pytest.raises(SnsError, match="no RSA key"):
        _verify(_sign(_notification(), key), Fetcher(pem))


def test_confirm_subscription_visits_the_subscribe_url(key, fetcher):
    message = _verify(_sign(_confirmation(), key), fetcher)
    visited: list[str] = []
    confirm_subscription(message, get=lambda url: visited.append(url))
    assert visited == [SUBSCRIBE_URL]


def test_confirm_subscription_by_default_uses_httpx_with_a_timeout(key, fetcher, monkeypatch):
    message = _verify(_sign(_confirmation(), key), fetcher)
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake_get(url: str, **kwargs: Any) -> httpx.Response:
        calls.append((url, kwargs))
        return httpx.Response(200)

    monkeypatch.setattr(httpx, "get", fake_get)
    confirm_subscription(message)
    assert calls == [(SUBSCRIBE_URL, {"timeout": 5.0, "follow_redirects": False})]


def test_confirm_subscription_reports_an_http_failure(key, fetcher):
    message = _verify(_sign(_confirmation(), key), fetcher)
    with pytest.raises(SnsError, match="HTTP 403"):
        confirm_subscription(message, get=lambda url: httpx.Response(403))


def test_confirm_subscription_reports_a_network_failure(key, fetcher):
    message = _verify(_sign(_confirmation(), key), fetcher)

    def failing(url: str) -> object:
        raise httpx.ConnectTimeout("timed out")

    with pytest.raises(SnsError, match="confirmation failed"):
        confirm_subscription(message, get=failing)


def test_confirm_subscription_refuses_a_notification(key, fetcher):
    message = _verify(_sign(_notification(), key), fetcher)
    with pytest.raises(SnsError, match="not a subscription confirmation"):
        confirm_subscription(message, get=lambda url: pytest.fail("must not be called"))


@pytest.mark.parametrize(
    "url",
    [
        "http://sns.eu-west-3.amazonaws.com/?Action=ConfirmSubscription",
        "https://sns.eu-west-3.amazonaws.com.evil.com/?Action=ConfirmSubscription",
        "https://evil.com/?Action=ConfirmSubscription",
        "https://user@sns.eu-west-3.amazonaws.com/?Action=ConfirmSubscription",
    ],
)
def test_confirm_subscription_refuses_a_url_off_sns(url):
    message = SnsMessage(
        type="SubscriptionConfirmation",
        message_id="m",
        topic_arn=TOPIC_ARN,
        message="",
        timestamp=NOW,
        subscribe_url=url,
        subject=None,
    )
    with pytest.raises(SnsError, match="not on an SNS host"):
        confirm_subscription(message, get=lambda url: pytest.fail("must not be called"))


# --- verify_message: forgeries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Message", "a forged message"),
        ("TopicArn", "arn:aws:sns:eu-west-3:666666666666:attacker"),
        ("Subject", "another subject"),
        ("MessageId", "another-id"),
        ("Timestamp", "2024-05-06T11:58:05.751Z"),
    ],
)
def test_a_tampered_notification_is_refused(field, value, key, fetcher):
    data = _sign(_notification(), key)
    data[field] = value
    with pytest.raises(SnsError, match="invalid signature"):
        _verify(data, fetcher)


def test_an_added_subject_is_refused(key, fetcher):
    fields = _notification()
    del fields["Subject"]
    data = {**_sign(fields, key), "Subject": "injected"}
    with pytest.raises(SnsError, match="invalid signature"):
        _verify(data, fetcher)


def test_a_tampered_subscribe_url_is_refused(key, fetcher):
    data = _sign(_confirmation(), key)
    data["SubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"
    with pytest.raises(SnsError, match="invalid signature"):
        _verify(data, fetcher)


def test_a_message_signed_by_another_key_is_refused(other_key, fetcher):
    with pytest.raises(SnsError, match="invalid signature"):
        _verify(_sign(_notification(), other_key), fetcher)


def test_a_version_1_signature_presented_as_version_2_is_refused(key, fetcher):
    data = {**_sign(_notification(), key, "1"), "SignatureVersion": "2"}
    with pytest.raises(SnsError, match="invalid signature"):
        _verify(data, fetcher)


def test_a_signature_that_is_not_base64_is_refused(key, fetcher):
    data = {**_sign(_notification(), key), "Signature": "not base64!"}
    with pytest.raises(SnsError, match="invalid signature"):
        _verify(data, fetcher)


@pytest.mark.parametrize("version", ["3", "0", 1, None])
def test_an_unknown_signature_version_is_refused(version, key, fetcher):
    data = {**_sign(_notification(), key), "SignatureVersion": version}
    with pytest.raises(SnsError, match="SignatureVersion"):
        _verify(data, fetcher)
    assert fetcher.urls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://sns.eu-west-3.amazonaws.com.evil.com/cert.pem",
        "https://evil.com/sns.eu-west-3.amazonaws.com/cert.pem",
        "http://sns.eu-west-3.amazonaws.com/cert.pem",
        "https://sns.eu-west-3.amazonaws.com:8443/cert.pem",
        "https://attacker@sns.eu-west-3.amazonaws.com/cert.pem",
        "https://sns.eu-west-3.amazonaws.com/cert.txt",
        "https://sns.eu-west-3.amazonaws.com/cert.pem?x=1",
        "https://SNS.EU-WEST-3.AMAZONAWS.COM/cert.pem",
        "https://sns.amazonaws.com/cert.pem",
        "https://sns.eu-west-3.amazonaws.com\n/cert.pem",
        "file:///etc/ssl/cert.pem",
        "https://[::1/cert.pem",
    ],
)
def test_a_certificate_url_off_sns_is_refused_without_fetching(url, key, fetcher):
    data = {**_sign(_notification(), key), "SigningCertURL": url}
    with pytest.raises(SnsError, match="certificate URL"):
        _verify(data, fetcher)
    assert fetcher.urls == []


def test_a_china_region_certificate_url_is_accepted(key, fetcher):
    url = "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem"
    data = {**_sign(_notification(), key), "SigningCertURL": url}
    _verify(data, fetcher)
    assert fetcher.urls == [url]


@pytest.mark.parametrize(
    ("not_before", "not_after"),
    [
        (NOW - timedelta(days=400), NOW - timedelta(days=1)),
        (NOW + timedelta(days=1), NOW + timedelta(days=400)),
    ],
)
def test_a_certificate_not_valid_now_is_refused(not_before, not_after, key):
    pem = _certificate(key, not_before=not_before, not_after=not_after)
    with pytest.raises(SnsError, match="not valid now"):
        _verify(_sign(_notification(), key), Fetcher(pem))


def test_a_certificate_that_is_not_pem_is_refused(key):
    with pytest.raises(SnsError, match="not a PEM certificate"):
        _verify(_sign(_notification(), key), Fetcher(b"<html>hello</html>"))


def test_a_failing_certificate_fetch_is_an_sns_error(key):
    def failing(url: str) -> bytes:
        raise OSError("network down")

    with pytest.raises(SnsError, match="fetch failed"):
        _verify(_sign(_notification(), key), failing)


def test_an_old_message_is_refused_as_a_replay(key, fetcher):
    data = _sign(_notification(Timestamp="2024-05-06T10:59:59.000Z"), key)
    with pytest.raises(SnsError, match="too old"):
        _verify(data, fetcher)
    assert fetcher.urls == []


def test_max_age_can_be_widened(key, fetcher):
    data = _sign(_notification(Timestamp="2024-05-06T10:59:59.000Z"), key)
    assert _verify(data, fetcher, max_age=timedelta(hours=2)).message == "hello"


def test_a_message_from_the_future_is_refused(key, fetcher):
    data = _sign(_notification(Timestamp="2024-05-06T12:05:01.000Z"), key)
    with pytest.raises(SnsError, match="future"):
        _verify(data, fetcher)


def test_a_little_clock_skew_is_tolerated(key, fetcher):
    data = _sign(_notification(Timestamp="2024-05-06T12:04:00.000Z"), key)
    assert _verify(data, fetcher).timestamp == datetime(2024, 5, 6, 12, 4, tzinfo=UTC)


@pytest.mark.parametrize("stamp", ["yesterday", "2024-05-06T11:58:04"])
def test_a_timestamp_without_a_time_zone_or_unparsable_is_refused(stamp, key, fetcher):
    with pytest.raises(SnsError, match="Timestamp"):
        _verify(_sign(_notification(Timestamp=stamp), key), fetcher)


def test_a_naive_now_is_a_programming_error(key, fetcher):
    body = _body(_sign(_notification(), key))
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_message(body, fetch_certificate=fetcher, now=NOW.replace(tzinfo=None))


# --- verify_message: garbage -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"[" * 100_000, "not JSON"),
        (b"[]", "not a JSON object"),
        (b'"Notification"', "not a JSON object"),
        (b"null", "not a JSON object"),
        (b"{}", "unknown message Type"),
        (b'{"Type": "Surprise"}', "unknown message Type"),
        (b" " * (256 * 1024 + 1), "too large"),
    ],
)
def test_a_garbage_body_is_refused(body, reason, fetcher):
    with pytest.raises(SnsError, match=reason):
        verify_message(body, fetch_certificate=fetcher, now=NOW)
    assert fetcher.urls == []


def test_a_huge_but_otherwise_valid_message_is_refused(key, fetcher):
    data = _sign(_notification("x" * (256 * 1024)), key)
    with pytest.raises(SnsError, match="too large"):
        _verify(data, fetcher)


@pytest.mark.parametrize(
    "missing", ["Message", "MessageId", "Timestamp", "TopicArn", "Signature", "SigningCertURL"]
)
def test_a_notification_missing_a_key_is_refused(missing, key, fetcher):
    data = _sign(_notification(), key)
    del data[missing]
    with pytest.raises(SnsError, match=f"missing or invalid keys: {missing}"):
        _verify(data, fetcher)
    assert fetcher.urls == []


@pytest.mark.parametrize("missing", ["SubscribeURL", "Token"])
def test_a_confirmation_missing_a_key_is_refused(missing, key, fetcher):
    data = _sign(_confirmation(), key)
    del data[missing]
    with pytest.raises(SnsError, match=missing):
        _verify(data, fetcher)


def test_a_key_of_the_wrong_type_is_refused(key, fetcher):
    data = {**_sign(_notification(), key), "Message": {"nested": True}}
    with pytest.raises(SnsError, match="missing or invalid keys: Message"):
        _verify(data, fetcher)


def test_an_error_message_never_contains_the_body(key, fetcher):
    data = _sign(_notification("secret-recipient@example.com"), key)
    data["TopicArn"] = "arn:aws:sns:eu-west-3:666666666666:attacker"
    with pytest.raises(SnsError) as caught:
        _verify(data, fetcher)
    assert "secret-recipient" not in str(caught.value)
    assert "attacker" not in str(caught.value)


# --- CertificateCache ---------------------------------------------------------------------------


class FakeHttp:
    """A stand-in for httpx.get that serves fixed responses and counts requests."""

    def __init__(self, response: httpx.Response | Exception) -> None:
        self.response = response
        self.urls: list[str] = []

    def __call__(self, url: str) -> httpx.Response:
        self.urls.append(url)
        if isinstance(self.response, Exception):
            raise self.response
        return self.response


def test_the_certificate_cache_fetches_each_url_once(pem):
    http = FakeHttp(httpx.Response(200, content=pem))
    cache = CertificateCache(get=http)
    assert cache(CERT_URL) == pem
    assert cache(CERT_URL) == pem
    assert http.urls == [CERT_URL]


def test_the_certificate_cache_keeps_at_most_16_certificates(pem):
    http = FakeHttp(httpx.Response(200, content=pem))
    cache = CertificateCache(get=http)
    urls = [f"https://sns.eu-west-3.amazonaws.com/cert-{n}.pem" for n in range(17)]
    for url in urls:
        cache(url)
    cache(urls[-1])
    assert len(http.urls) == 17
    cache(urls[0])
    assert http.urls[-1] == urls[0]
    assert len(http.urls) == 18


def test_the_certificate_cache_is_safe_across_threads(pem):
    http = FakeHttp(httpx.Response(200, content=pem))
    cache = CertificateCache(get=http)
    urls = [f"https://sns.eu-west-3.amazonaws.com/cert-{n % 20}.pem" for n in range(400)]
    results: list[bytes] = []

    def work(chunk: list[str]) -> None:
        results.extend(cache(url) for url in chunk)

    threads = [threading.Thread(target=work, args=(urls[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [pem] * 400


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(404, content=b"not found"),
        httpx.Response(301, headers={"Location": "https://evil.com/cert.pem"}),
        httpx.Response(200, content=b"<html>not a certificate</html>"),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
    ],
)
def test_a_failed_certificate_fetch_is_an_sns_error_and_is_not_cached(response, pem):
    http = FakeHttp(response)
    cache = CertificateCache(get=http)
    with pytest.raises(SnsError, match="fetch failed"):
        cache(CERT_URL)
    http.response = httpx.Response(200, content=pem)
    assert cache(CERT_URL) == pem


def test_the_certificate_cache_refuses_a_url_off_sns():
    cache = CertificateCache(get=lambda url: pytest.fail("must not be called"))
    with pytest.raises(SnsError, match="certificate URL"):
        cache("https://sns.eu-west-3.amazonaws.com.evil.com/cert.pem")


def test_the_certificate_cache_by_default_uses_httpx_without_redirects(pem, monkeypatch):
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake_get(url: str, **kwargs: Any) -> httpx.Response:
        calls.append((url, kwargs))
        return httpx.Response(200, content=pem)

    monkeypatch.setattr(httpx, "get", fake_get)
    assert CertificateCache()(CERT_URL) == pem
    assert calls == [(CERT_URL, {"timeout": 5.0, "follow_redirects": False})]


def test_verify_message_works_with_the_certificate_cache(key, pem):
    cache = CertificateCache(get=FakeHttp(httpx.Response(200, content=pem)))
    message = verify_message(_body(_sign(_notification(), key)), fetch_certificate=cache, now=NOW)
    assert message.message == "hello"


# --- ses_event ---------------------------------------------------------------------------------


def _mail(destination: list[str], *, tags: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The `mail` object of an SES record, as in AWS's documentation examples."""
    mail: dict[str, Any] = {
        "timestamp": "2024-05-06T11:57:02.012Z",
        "source": "OKTRA <alerts@oktra.ma>",
        "sourceArn": "arn:aws:ses:eu-west-3:123456789012:identity/oktra.ma",
        "sendingAccountId": "123456789012",
        "messageId": "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
        "destination": destination,
        "headersTruncated": False,
        "headers": [
            {"name": "From", "value": "OKTRA <alerts@oktra.ma>"},
            {"name": "To", "value": ", ".join(destination)},
            {"name": "Subject", "value": "Nouveaux appels d'offres"},
        ],
        "commonHeaders": {
            "from": ["OKTRA <alerts@oktra.ma>"],
            "to": destination,
            "messageId": "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
            "subject": "Nouveaux appels d'offres",
        },
    }
    if tags is not None:
        mail["tags"] = tags
    return mail


def _event(record: dict[str, Any]) -> SesEvent:
    message = SnsMessage(
        type="Notification",
        message_id="22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        topic_arn=TOPIC_ARN,
        message=json.dumps(record),
        timestamp=NOW,
        subscribe_url=None,
        subject=None,
    )
    return ses_event(message)


SES_MESSAGE_ID = "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000"


def test_a_permanent_bounce_event_names_the_bounced_recipient():
    record = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": "Recipient@Example.com",
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": "2024-05-06T11:58:02.669Z",
            "feedbackId": "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
            "reportingMTA": "dsn; mta.example.com",
        },
        "mail": _mail(["recipient@example.com", "other@example.com"], tags=IDEMPOTENCY_TAGS),
    }
    assert _event(record) == SesEvent(
        kind="bounce",
        permanent=True,
        recipients=("recipient@example.com",),
        detail="Permanent/General",
        ses_message_id=SES_MESSAGE_ID,
        tags=IDEMPOTENCY_TAGS,
    )


def test_a_transient_bounce_notification_is_not_permanent():
    record = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Transient",
            "bounceSubType": "MailboxFull",
            "bouncedRecipients": [
                {"emailAddress": "jane@example.com", "status": "4.2.2", "action": "failed"},
                {"emailAddress": "richard@example.com", "status": "4.2.2", "action": "failed"},
            ],
            "timestamp": "2024-05-06T11:58:38.237Z",
            "feedbackId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000",
            "remoteMtaIp": "127.0.2.0",
            "reportingMTA": "dns; email.example.com",
        },
        "mail": _mail(["jane@example.com", "mary@example.com", "richard@example.com"]),
    }
    event = _event(record)
    assert event.kind == "bounce"
    assert event.permanent is False
    assert event.recipients == ("jane@example.com", "richard@example.com")
    assert event.detail == "Transient/MailboxFull"
    assert event.tags == {}


def test_a_complaint_notification_is_permanent_and_names_the_feedback_type():
    record = {
        "notificationType": "Complaint",
        "complaint": {
            "userAgent": "AnyCompany Feedback Loop (V0.01)",
            "complainedRecipients": [{"emailAddress": "richard@example.com"}],
            "complaintFeedbackType": "abuse",
            "arrivalDate": "2024-05-06T11:58:02.669Z",
            "timestamp": "2024-05-06T11:58:38.237Z",
            "feedbackId": "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000",
        },
        "mail": _mail(["richard@example.com"]),
    }
    assert _event(record) == SesEvent(
        kind="complaint",
        permanent=True,
        recipients=("richard@example.com",),
        detail="abuse",
        ses_message_id=SES_MESSAGE_ID,
        tags={},
    )


def test_a_complaint_event_without_feedback_type_is_still_permanent():
    record = {
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": "recipient@example.com"}],
            "timestamp": "2024-05-06T11:58:38.237Z",
            "feedbackId": "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
            "complaintSubType": None,
        },
        "mail": _mail(["recipient@example.com"], tags=IDEMPOTENCY_TAGS),
    }
    event = _event(record)
    assert (event.kind, event.permanent, event.recipients) == (
        "complaint",
        True,
        ("recipient@example.com",),
    )
    assert event.tags["idempotency_key"] == ["k1"]


def test_a_delivery_notification_names_the_delivered_recipients():
    record = {
        "notificationType": "Delivery",
        "mail": _mail(["success@simulator.amazonses.com", "cc@example.com"]),
        "delivery": {
            "timestamp": "2024-05-06T11:58:03.154Z",
            "processingTimeMillis": 546,
            "recipients": ["success@simulator.amazonses.com"],
            "smtpResponse": "250 ok:  Message 64111812 accepted",
            "reportingMTA": "a8-70.smtp-out.amazonses.com",
            "remoteMtaIp": "127.0.2.0",
        },
    }
    event = _event(record)
    assert event == SesEvent(
        kind="delivery",
        permanent=False,
        recipients=("success@simulator.amazonses.com",),
        detail="",
        ses_message_id=SES_MESSAGE_ID,
        tags={},
    )


def test_a_send_event_names_the_destination_and_keeps_the_tags():
    record = {
        "eventType": "Send",
        "mail": _mail(["Recipient@Example.com"], tags=IDEMPOTENCY_TAGS),
        "send": {},
    }
    assert _event(record) == SesEvent(
        kind="send",
        permanent=False,
        recipients=("recipient@example.com",),
        detail="",
        ses_message_id=SES_MESSAGE_ID,
        tags=IDEMPOTENCY_TAGS,
    )


def test_an_unknown_event_type_is_other():
    record = {
        "eventType": "Open",
        "mail": _mail(["recipient@example.com"], tags=IDEMPOTENCY_TAGS),
        "open": {"ipAddress": "192.0.2.1", "timestamp": "2024-05-06T12:00:00.000Z"},
    }
    event = _event(record)
    assert (event.kind, event.permanent, event.detail) == ("other", False, "Open")
    assert event.recipients == ("recipient@example.com",)


def test_a_bounce_detail_is_cut_to_120_characters():
    record = {
        "eventType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bounceSubType": "X" * 500},
        "mail": _mail([]),
    }
    assert len(_event(record).detail) == 120


@pytest.mark.parametrize(
    "inner",
    [
        "not json",
        "[]",
        '{"mail": {}}',
        '{"eventType": "Bounce", "bounce": "oops", "mail": {}}',
        '{"eventType": "Send", "mail": []}',
    ],
)
def test_a_malformed_ses_record_is_refused(inner):
    message = SnsMessage(
        type="Notification",
        message_id="m",
        topic_arn=TOPIC_ARN,
        message=inner,
        timestamp=NOW,
        subscribe_url=None,
        subject=None,
    )
    with pytest.raises(SnsError):
        ses_event(message)


def test_ses_event_refuses_a_subscription_confirmation(key, fetcher):
    message = _verify(_sign(_confirmation(), key), fetcher)
    with pytest.raises(SnsError, match="not a Notification"):
        ses_event(message)


def test_ses_event_reads_a_verified_notification_end_to_end(key, fetcher):
    record = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "Suppressed",
            "bouncedRecipients": [{"emailAddress": "gone@example.com"}],
        },
        "mail": _mail(["gone@example.com"], tags=IDEMPOTENCY_TAGS),
    }
    message = _verify(_sign(_notification(json.dumps(record)), key, "2"), fetcher)
    event = ses_event(message)
    assert (event.kind, event.permanent, event.detail) == ("bounce", True, "Permanent/Suppressed")
    assert event.tags["idempotency_key"] == ["k1"]
