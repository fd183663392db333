"""Amazon SNS over HTTPS: verify signed messages, confirm subscriptions, read SES events.

A valid signature only proves that *some* SNS topic sent the message: callers must still check
`SnsMessage.topic_arn` against the topic they configured before confirming or acting on it.
Exception messages are short reasons only, never a message body, token or subscribe URL.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MAX_BODY_BYTES = 256 * 1024
MAX_FUTURE_SKEW = timedelta(minutes=5)
TIMEOUT_SECONDS = 5.0
MAX_DETAIL_CHARS = 120
SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
TYPES = frozenset({"Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"})
HASHES: dict[str, type[hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
NOTIFICATION_KEYS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRM_KEYS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
SES_KINDS = {"Bounce": "bounce", "Complaint": "complaint", "Delivery": "delivery", "Send": "send"}


class SnsError(Exception):
    """A refused message or a failed SNS call; the text is a short reason, safe to log."""


@dataclass(frozen=True)
class SnsMessage:
    """One verified SNS message."""

    type: str
    message_id: str
    topic_arn: str
    message: str
    timestamp: datetime
    subscribe_url: str | None
    subject: str | None


@dataclass(frozen=True)
class SesEvent:
    """What an SES notification says about one sent email."""

    kind: str
    permanent: bool
    recipients: tuple[str, ...]
    detail: str
    ses_message_id: str
    tags: dict[str, list[str]]


def _is_sns_url(url: str) -> bool:
    """Whether url is plain https on an SNS host, without userinfo, port or control characters."""
    if not (url.isascii() and url.isprintable()) or " " in url:
        return False  # urlsplit silently drops tabs and newlines
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and SNS_HOST.fullmatch(parts.netloc) is not None


def _check_cert_url(url: str) -> None:
    """Refuse a SigningCertURL that is not a .pem file on an SNS host."""
    if not _is_sns_url(url):
        raise SnsError("signing certificate URL is not on an SNS host")
    if not url.endswith(".pem") or "?" in url or "#" in url:
        raise SnsError("signing certificate URL is not a .pem file")


def _json_object(raw: bytes | str, what: str) -> dict[str, Any]:
    """The JSON object in raw, or SnsError naming `what`."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise SnsError(f"{what} is not JSON") from exc
    if not isinstance(data, dict):
        raise SnsError(f"{what} is not a JSON object")
    return data


def _timestamp(value: str, *, now: datetime, max_age: timedelta) -> datetime:
    """The message Timestamp in UTC, refusing a stale, future or zone-less one."""
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError as exc:
        raise SnsError("invalid Timestamp") from exc
    if stamp.tzinfo is None:
        raise SnsError("Timestamp has no time zone")
    stamp = stamp.astimezone(UTC)
    if now - stamp > max_age:
        raise SnsError("message is too old")
    if stamp - now > MAX_FUTURE_SKEW:
        raise SnsError("message Timestamp is in the future")
    return stamp


def _verify_signature(pem: bytes, data: dict[str, Any], signed: bytes, *, now: datetime) -> None:
    """Check the certificate is current and its RSA key signed `signed`."""
    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        raise SnsError("signing certificate is not a PEM certificate") from exc
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SnsError("signing certificate is not valid now")
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SnsError("signing certificate has no RSA key")
    algorithm = HASHES[data["SignatureVersion"]]()
    try:  # a Signature that is not base64 raises binascii.Error, a ValueError
        signature = base64.b64decode(data["Signature"], validate=True)
        key.verify(signature, signed, padding.PKCS1v15(), algorithm)
    except (ValueError, InvalidSignature) as exc:
        raise SnsError("invalid signature") from exc


def verify_message(
    body: bytes | str,
    *,
    fetch_certificate: Callable[[str], bytes],
    now: datetime,
    max_age: timedelta = timedelta(hours=1),
) -> SnsMessage:
    """Parse and verify one SNS HTTPS message, or raise SnsError."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    raw = body.encode() if isinstance(body, str) else body
    if len(raw) > MAX_BODY_BYTES:
        raise SnsError("message body too large")
    data = _json_object(raw, "message body")
    kind = data.get("Type")
    if kind not in TYPES:
        raise SnsError("unknown message Type")
    keys = NOTIFICATION_KEYS if kind == "Notification" else CONFIRM_KEYS
    if data.get("Subject") is None:
        data.pop("Subject", None)
    required = {*keys, "Signature", "SignatureVersion", "SigningCertURL"} - {"Subject"}
    if missing := sorted(key for key in required if not isinstance(data.get(key), str)):
        raise SnsError(f"missing or invalid keys: {', '.join(missing)}")
    if not isinstance(data.get("Subject", ""), str):
        raise SnsError("invalid Subject")
    if data["SignatureVersion"] not in HASHES:
        raise SnsError("unsupported SignatureVersion")
    _check_cert_url(data["SigningCertURL"])
    stamp = _timestamp(data["Timestamp"], now=now, max_age=max_age)
    try:
        pem = fetch_certificate(data["SigningCertURL"])
    except SnsError:
        raise
    except Exception as exc:
        raise SnsError("signing certificate fetch failed") from exc
    signed = "".join(f"{key}\n{data[key]}\n" for key in keys if key in data)  # AWS's order
    _verify_signature(pem, data, signed.encode(), now=now)
    return SnsMessage(
        type=kind,
        message_id=data["MessageId"],
        topic_arn=data["TopicArn"],
        message=data["Message"],
        timestamp=stamp,
        subscribe_url=None if kind == "Notification" else data["SubscribeURL"],
        subject=data.get("Subject") if kind == "Notification" else None,  # else unsigned
    )


def _http_get(url: str) -> httpx.Response:
    """GET url with a 5 s timeout, never following redirects."""
    return httpx.get(url, timeout=TIMEOUT_SECONDS, follow_redirects=False)


class CertificateCache:
    """A thread-safe in-memory cache of SNS signing certificates, keyed by URL."""

    def __init__(self, *, get: Callable[[str], httpx.Response] = _http_get, size: int = 16) -> None:
        self._get, self._size, self._lock = get, size, threading.Lock()
        self._certs: OrderedDict[str, bytes] = OrderedDict()

    def __call__(self, url: str) -> bytes:
        """The PEM bytes at url, fetched once and then served from memory."""
        _check_cert_url(url)
        with self._lock:
            if url in self._certs:
                self._certs.move_to_end(url)
                return self._certs[url]
        try:
            response = self._get(url)
        except httpx.HTTPError as exc:
            raise SnsError("signing certificate fetch failed") from exc
        if response.status_code != 200 or b"-----BEGIN CERTIFICATE-----" not in response.content:
            raise SnsError(f"signing certificate fetch failed (HTTP {response.status_code})")
        with self._lock:
            self._certs[url] = response.content
            self._certs.move_to_end(url)
            while len(self._certs) > self._size:
                self._certs.popitem(last=False)
        return response.content


def confirm_subscription(
    message: SnsMessage, *, get: Callable[[str], object] | None = None
) -> None:
    """Confirm a SubscriptionConfirmation by visiting its SubscribeURL on an SNS host."""
    if message.type != "SubscriptionConfirmation" or message.subscribe_url is None:
        raise SnsError("not a subscription confirmation")
    if not _is_sns_url(message.subscribe_url):
        raise SnsError("SubscribeURL is not on an SNS host")
    try:
        response = (get or _http_get)(message.subscribe_url)
    except httpx.HTTPError as exc:
        raise SnsError("subscription confirmation failed") from exc
    status = getattr(response, "status_code", 200)
    if isinstance(status, int) and not 200 <= status < 300:
        raise SnsError(f"subscription confirmation failed (HTTP {status})")


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    """data[key] as a dict ({} when absent), refusing any other type."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise SnsError(f"SES event field {key} is not an object")
    return value


def _addresses(values: object) -> tuple[str, ...]:
    """Lowercased, deduplicated email addresses from strings or {"emailAddress": ...} items."""
    found: dict[str, None] = {}
    for item in values if isinstance(values, list) else []:
        raw = item.get("emailAddress") if isinstance(item, dict) else item
        address = parseaddr(raw)[1].strip().lower() if isinstance(raw, str) else ""
        if "@" in address:
            found[address] = None
    return tuple(found)


def _tags(mail: dict[str, Any]) -> dict[str, list[str]]:
    """mail.tags, keeping only string keys with lists of strings."""
    tags = mail.get("tags")
    items = tags.items() if isinstance(tags, dict) else ()
    return {k: [v for v in vs if isinstance(v, str)] for k, vs in items if isinstance(vs, list)}


def ses_event(message: SnsMessage) -> SesEvent:
    """Read the SES notification or event-publishing record inside an SNS Notification."""
    if message.type != "Notification":
        raise SnsError("not a Notification")
    data = _json_object(message.message, "SES event")
    name = data.get("eventType", data.get("notificationType"))
    if not isinstance(name, str):
        raise SnsError("SES event has no type")
    kind = SES_KINDS.get(name, "other")
    mail = _object(data, "mail")
    recipients = _addresses(mail.get("destination"))
    permanent, detail = False, (name if kind == "other" else "")
    if kind == "bounce":
        bounce = _object(data, "bounce")
        recipients = _addresses(bounce.get("bouncedRecipients"))
        permanent = bounce.get("bounceType") == "Permanent"
        detail = f"{bounce.get('bounceType', 'Undetermined')}/{bounce.get('bounceSubType', '')}"
    elif kind == "complaint":
        complaint = _object(data, "complaint")
        recipients = _addresses(complaint.get("complainedRecipients"))
        permanent = True
        detail = str(complaint.get("complaintFeedbackType") or "complaint")
    elif kind == "delivery":
        recipients = _addresses(_object(data, "delivery").get("recipients")) or recipients
    message_id = mail.get("messageId")
    return SesEvent(
        kind=kind,
        permanent=permanent,
        recipients=recipients,
        detail=detail[:MAX_DETAIL_CHARS],
        ses_message_id=message_id if isinstance(message_id, str) else "",
        tags=_tags(mail),
    )
