"""The developer mailbox: the outbox shown in the browser, never in production."""

from __future__ import annotations

import reflex as rx

from oktra.db import session_scope
from oktra.notifications.service import get_message, recent_messages
from oktra.settings import get_settings


class MailboxState(rx.State):
    """Recent outbox messages and the one being read."""

    messages: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    subject: str = ""
    text: str = ""
    html: str = ""
    headers: str = ""

    @rx.event
    def load(self):
        """List the newest messages (refused in production); no message is open yet."""
        self.subject = self.text = self.html = self.headers = ""
        if get_settings().env == "production":
            self.messages = []
            return
        with session_scope() as session:
            rows = recent_messages(session=session)
        self.messages = [
            {
                "id": str(row.id),
                "to": row.to_address,
                "subject": row.subject,
                "kind": row.kind,
                "status": row.status,
                "created": row.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            }
            for row in rows
        ]

    @rx.event
    def open(self, message_id: str):
        """Show one message, text and HTML parts."""
        if get_settings().env == "production" or not str(message_id).isdigit():
            return
        with session_scope() as session:
            row = get_message(session=session, message_id=int(message_id))
        if row is not None:
            self.subject, self.text, self.html = row.subject, row.text_body, row.html_body
            self.headers = "\n".join(f"{name}: {value}" for name, value in row.headers.items())
