"""Amazon SES v2 (boto3): send one email, and say whether a failure is worth a retry."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# The SES tag carrying the outbox row's id: SES's Send events name the message by it.
MESSAGE_TAG = "oktra_message"
TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailable",
        "InternalFailure",
        "LimitExceededException",
    }
)


class SendError(Exception):
    """The provider refused or failed; `transient` says whether a retry may succeed."""

    def __init__(self, message: str, *, transient: bool) -> None:
        self.transient = transient
        super().__init__(message)


@dataclass(frozen=True)
class OutgoingEmail:
    """What a provider needs to send one message."""

    sender: str
    to: str
    subject: str
    text: str
    html: str
    idempotency_key: str
    headers: tuple[tuple[str, str], ...] = ()
    reference: str = ""


def mime_message(email: OutgoingEmail) -> bytes:
    """The message as MIME: a text and an HTML alternative, with its extra headers."""
    message = EmailMessage(policy=SMTP)
    message["From"] = email.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    for name, value in email.headers:
        message[name] = value
    message.set_content(email.text, charset="utf-8")
    message.add_alternative(email.html, subtype="html", charset="utf-8")
    return message.as_bytes()


class SesSender:
    """Sends through Amazon SES v2 `SendEmail` (raw MIME, for List-Unsubscribe) in the region.

    With a configuration set, SES publishes a Send event per accepted message (tagged with its
    idempotency key) to SNS: `knows_what_was_sent` tells the outbox it can learn what went out."""

    name = "ses"

    def __init__(
        self, *, region: str, configuration_set: str = "", endpoint_url: str | None = None
    ):
        # No retry inside botocore: SendEmail has no idempotency token, so a retry after a lost
        # answer would send the message twice; the outbox retries, and can know what went out.
        self._client = boto3.client(
            "sesv2",
            region_name=region,
            endpoint_url=endpoint_url,
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )
        self._configuration_set = configuration_set
        self.knows_what_was_sent = bool(configuration_set)

    def send(self, email: OutgoingEmail) -> str:
        """Send, returning SES's message id; raise SendError on failure."""
        request: dict = {
            "FromEmailAddress": email.sender,
            "Destination": {"ToAddresses": [email.to]},
            "Content": {"Raw": {"Data": mime_message(email)}},
            "EmailTags": [
                {"Name": "idempotency_key", "Value": _tag_value(email.idempotency_key)},
                {"Name": MESSAGE_TAG, "Value": _tag_value(email.reference or "0")},
            ],
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(**request)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            raise SendError(
                f"SES {code or status}", transient=code in TRANSIENT_CODES or status >= 500
            ) from None
        except BotoCoreError as exc:
            raise SendError(f"SES unreachable: {type(exc).__name__}", transient=True) from None
        return str(response["MessageId"])


def _tag_value(value: str) -> str:
    """SES tag values allow letters, digits, '_' and '-' only."""
    return "".join(ch if ch.isalnum() or ch in "_-" else "-" for ch in value)[:256]


class LocalOutbox:
    """The embedded default: nothing leaves the machine; the outbox row is the mailbox."""

    name = "outbox"
    knows_what_was_sent = True

    def send(self, email: OutgoingEmail) -> str:
        """Keep the message where it is; its id is derived from its idempotency key."""
        return f"local-{email.idempotency_key}"
