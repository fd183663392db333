"""Amazon SES v2 (boto3): send one email, and say whether a failure is worth a retry."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError

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


class SesSender:
    """Sends through Amazon SES v2 `SendEmail` in the configured region."""

    name = "ses"

    def __init__(
        self, *, region: str, configuration_set: str = "", endpoint_url: str | None = None
    ):
        self._client = boto3.client("sesv2", region_name=region, endpoint_url=endpoint_url)
        self._configuration_set = configuration_set

    def send(self, email: OutgoingEmail) -> str:
        """Send, returning SES's message id; raise SendError on failure."""
        request: dict = {
            "FromEmailAddress": email.sender,
            "Destination": {"ToAddresses": [email.to]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": email.text, "Charset": "UTF-8"},
                        "Html": {"Data": email.html, "Charset": "UTF-8"},
                    },
                }
            },
            "EmailTags": [{"Name": "idempotency_key", "Value": _tag_value(email.idempotency_key)}],
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

    def send(self, email: OutgoingEmail) -> str:
        """Keep the message where it is; its id is derived from its idempotency key."""
        return f"local-{email.idempotency_key}"
