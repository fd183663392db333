"""/staff/policy (English only): publish a version of a legal text, send a service update or
product news after seeing how many users it reaches."""

from __future__ import annotations

import reflex as rx

from oktra.admin.policy_state import StaffPolicyState
from oktra.admin.widgets import staff_frame, staff_input

S = StaffPolicyState
LANGUAGE_LABELS = (("en", "English"), ("fr", "French"), ("ar", "Arabic"))


def _text_row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["document"]),
        rx.table.cell(item["published"]),
        rx.table.cell(item["published_at"]),
        rx.table.cell(item["shipped"]),
        rx.table.cell(rx.cond(item["publishable"] != "", "ready to publish", "–")),
    )


def _publish_form() -> rx.Component:
    return rx.card(
        rx.heading("Legal texts", size="4"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(label)
                        for label in ("text", "in force", "published", "shipped", "")
                    ]
                )
            ),
            rx.table.body(rx.foreach(S.texts, _text_row)),
            variant="surface",
            margin_y="0.75rem",
        ),
        rx.text(
            "Publishing makes the shipped text (edited, version bumped and deployed) the version "
            "in force. A substantial change emails every active user and shows them a notice.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                rx.select.root(
                    rx.select.trigger(placeholder="Text"),
                    rx.select.content(
                        rx.select.item("Privacy policy", value="privacy"),
                        rx.select.item("Terms of use", value="terms"),
                    ),
                    name="document",
                    default_value="privacy",
                ),
                rx.checkbox("Substantial change (email and notice)", name="substantial"),
                *[
                    staff_input(f"Summary of the change ({label})", f"summary_{lang}", area=True)
                    for lang, label in LANGUAGE_LABELS
                ],
                rx.button("Publish the shipped version", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.publish,
            reset_on_submit=False,
        ),
        width="100%",
    )


def _announcement_form() -> rx.Component:
    return rx.card(
        rx.heading("Announcements", size="4"),
        rx.text(
            "A service update goes to every active user (no consent needed: it concerns the "
            "service). Product news goes only to users who consent to it, with a one-click "
            "unsubscribe link.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                rx.el.select(
                    rx.cond(S.can_service, rx.el.option("Service update", value="service_update")),
                    rx.cond(S.can_news, rx.el.option("Product news", value="product_news")),
                    name="kind",
                    id="kind",
                ),
                *[
                    item
                    for lang, label in LANGUAGE_LABELS
                    for item in (
                        staff_input(f"Subject ({label})", f"subject_{lang}", max_length=150),
                        staff_input(f"Message ({label})", f"body_{lang}", area=True, rows="6"),
                    )
                ],
                rx.button("Check the recipients", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.prepare,
            reset_on_submit=False,
        ),
        rx.cond(
            S.awaiting,
            rx.callout.root(
                rx.callout.text(S.confirm_text),
                rx.hstack(
                    rx.button("Send", on_click=S.confirm, id="confirm-send"),
                    rx.button("Cancel", on_click=S.cancel, variant="soft"),
                    margin_top="0.5rem",
                ),
                color_scheme="amber",
                margin_top="0.75rem",
            ),
        ),
        width="100%",
    )


def _history_row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["id"]),
        rx.table.cell(item["kind"]),
        rx.table.cell(item["subject"]),
        rx.table.cell(item["queued"]),
        rx.table.cell(item["state"]),
    )


def staff_policy() -> rx.Component:
    """The legal texts and announcements page of the back office."""
    return staff_frame(
        "OKTRA back office",
        S,
        rx.cond(S.can_publish, _publish_form()),
        rx.cond(S.can_service | S.can_news, _announcement_form()),
        rx.heading("Recent announcements", size="4"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(label)
                        for label in ("id", "kind", "subject", "emails queued", "")
                    ]
                )
            ),
            rx.table.body(rx.foreach(S.history, _history_row)),
            variant="surface",
        ),
    )
