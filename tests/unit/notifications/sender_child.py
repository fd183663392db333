"""A sender process for the kill test: the configured SES sender sending the outbox in a loop.

It reads its settings from the environment (OKTRA_EMAIL_BACKEND=ses, OKTRA_SES_ENDPOINT_URL...),
as the `send_emails` job does. After SES accepts each message it waits `pause` seconds before the
outbox records it as sent, so that a kill lands in the worst window: SES has the message, the
outbox row still says "sending".
"""

from __future__ import annotations

import sys
import time

import oktra.models  # noqa: F401  (every table, as the app and `oktra jobs run` load them)
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.integrations.ses import OutgoingEmail
from oktra.notifications.service import send_pending, sender_for
from oktra.settings import get_settings


class SlowToRecord:
    """The configured sender, pausing after each accepted message."""

    def __init__(self, pause: float) -> None:
        self.inner = sender_for(get_settings())
        self.knows_what_was_sent = self.inner.knows_what_was_sent
        self.pause = pause

    def send(self, email: OutgoingEmail) -> str:
        message_id = self.inner.send(email)
        time.sleep(self.pause)
        return message_id


if __name__ == "__main__":
    sender = SlowToRecord(float(sys.argv[1]))
    while True:
        with session_scope() as session:
            counts = send_pending(session=session, now=utc_now(), sender=sender)
        sys.stdout.write(f"{counts}\n")
        sys.stdout.flush()
        time.sleep(0.1)
