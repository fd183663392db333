"""/dev/mailbox: the messages a laptop deployment keeps instead of sending them."""

from __future__ import annotations

import reflex as rx

from oktra.notifications.state import MailboxState


def _row(message) -> rx.Component:
    return rx.table.row(
        rx.table.cell(message["created"]),
        rx.table.cell(message["to"]),
        rx.table.cell(
            rx.link(
                message["subject"],
                on_click=MailboxState.open(message["id"]),
                href="#read",
                class_name="mail-subject",
            )
        ),
        rx.table.cell(rx.badge(message["status"])),
    )


def mailbox() -> rx.Component:
    """The outbox, newest first, and the message being read (development and test only)."""
    return rx.box(
        rx.heading("Developer mailbox", as_="h1", size="6"),
        rx.text(
            "Emails kept in the local outbox (OKTRA_EMAIL_BACKEND=outbox). "
            "Not served in production.",
            color_scheme="gray",
        ),
        rx.cond(
            MailboxState.messages.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Created", "To", "Subject", "Status")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(MailboxState.messages, _row)),
                variant="surface",
                margin_y="1rem",
            ),
            rx.text("The outbox is empty.", margin_y="1rem", id="mailbox-empty"),
        ),
        rx.cond(
            MailboxState.subject != "",
            rx.card(
                rx.heading(MailboxState.subject, as_="h2", size="4"),
                rx.el.pre(
                    MailboxState.headers,
                    id="mail-headers",
                    style={"white_space": "pre-wrap", "font_size": "0.75rem", "color": "#60646c"},
                ),
                rx.el.pre(
                    MailboxState.text,
                    id="mail-text",
                    style={"white_space": "pre-wrap", "font_size": "0.85rem"},
                ),
                rx.el.iframe(
                    src_doc=MailboxState.html,
                    title="HTML part",
                    sandbox="",
                    style={"width": "100%", "height": "420px", "border": "1px solid #ddd"},
                ),
                id="read",
            ),
        ),
        padding="2rem",
        max_width="72rem",
        margin_x="auto",
    )
