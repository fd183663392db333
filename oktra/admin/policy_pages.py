"""/staff/policy (and /fr/…, /ar/…): publish a version of a legal text, send a service update or
product news after seeing how many users it reaches."""

from __future__ import annotations

import reflex as rx

from oktra.admin.policy_state import StaffPolicyState
from oktra.admin.widgets import staff_frame, staff_input
from oktra.i18n import N_, t

S = StaffPolicyState
LANGUAGE_LABELS = (("en", N_("English")), ("fr", N_("French")), ("ar", N_("Arabic")))
TEXT_COLUMNS = (N_("text"), N_("in force"), N_("published"), N_("shipped"), "")
HISTORY_COLUMNS = (N_("id"), N_("kind"), N_("subject"), N_("emails queued"), "")


def _headers(lang: str, labels: tuple[str, ...]) -> rx.Component:
    return rx.table.header(
        rx.table.row(
            *[rx.table.column_header_cell(t(lang, label) if label else "") for label in labels]
        )
    )


def _text_row(item: rx.Var, lang: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["document"]),
        rx.table.cell(item["published"]),
        rx.table.cell(item["published_at"]),
        rx.table.cell(item["shipped"]),
        rx.table.cell(rx.cond(item["publishable"] != "", t(lang, "ready to publish"), "–")),
    )


def _publish_form(lang: str) -> rx.Component:
    return rx.card(
        rx.heading(t(lang, "Legal texts"), size="4"),
        rx.table.root(
            _headers(lang, TEXT_COLUMNS),
            rx.table.body(rx.foreach(S.texts, lambda item: _text_row(item, lang))),
            variant="surface",
            margin_y="0.75rem",
        ),
        rx.text(
            t(
                lang,
                "Publishing makes the shipped text (edited, version bumped and deployed) the "
                "version in force. A substantial change emails every active user and shows them "
                "a notice.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                rx.select.root(
                    rx.select.trigger(placeholder=t(lang, "Text")),
                    rx.select.content(
                        rx.select.item(t(lang, "Privacy policy"), value="privacy"),
                        rx.select.item(t(lang, "Terms of use"), value="terms"),
                    ),
                    name="document",
                    default_value="privacy",
                ),
                rx.checkbox(t(lang, "Substantial change (email and notice)"), name="substantial"),
                *[
                    staff_input(
                        t(lang, "Summary of the change ({language})").format(
                            language=t(lang, label)
                        ),
                        f"summary_{code}",
                        area=True,
                    )
                    for code, label in LANGUAGE_LABELS
                ],
                rx.button(t(lang, "Publish the shipped version"), type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.publish,
            reset_on_submit=False,
        ),
        width="100%",
    )


def _announcement_form(lang: str) -> rx.Component:
    return rx.card(
        rx.heading(t(lang, "Announcements"), size="4"),
        rx.text(
            t(
                lang,
                "A service update goes to every active user (no consent needed: it concerns the "
                "service). Product news goes only to users who consent to it, with a one-click "
                "unsubscribe link.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                rx.el.select(
                    rx.cond(
                        S.can_service,
                        rx.el.option(t(lang, "Service update"), value="service_update"),
                    ),
                    rx.cond(
                        S.can_news, rx.el.option(t(lang, "Product news"), value="product_news")
                    ),
                    name="kind",
                    id="kind",
                ),
                *[
                    item
                    for code, label in LANGUAGE_LABELS
                    for item in (
                        staff_input(
                            t(lang, "Subject ({language})").format(language=t(lang, label)),
                            f"subject_{code}",
                            max_length=150,
                        ),
                        staff_input(
                            t(lang, "Message ({language})").format(language=t(lang, label)),
                            f"body_{code}",
                            area=True,
                            rows="6",
                        ),
                    )
                ],
                rx.button(t(lang, "Check the recipients"), type="submit"),
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
                    rx.button(t(lang, "Send"), on_click=S.confirm, id="confirm-send"),
                    rx.button(t(lang, "Cancel"), on_click=S.cancel, variant="soft"),
                    margin_top="0.5rem",
                ),
                color_scheme="amber",
                margin_top="0.75rem",
            ),
        ),
        width="100%",
    )


def _history_row(item: rx.Var, lang: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["id"]),
        rx.table.cell(item["kind"]),
        rx.table.cell(item["subject"]),
        rx.table.cell(item["queued"]),
        rx.table.cell(
            rx.cond(item["state"] == "done", t(lang, "done"), t(lang, "queuing")),
        ),
    )


def staff_policy(lang: str) -> rx.Component:
    """The legal texts and announcements page of the back office, in a language."""
    return staff_frame(
        t(lang, "OKTRA back office"),
        S,
        rx.cond(S.can_publish, _publish_form(lang)),
        rx.cond(S.can_service | S.can_news, _announcement_form(lang)),
        rx.heading(t(lang, "Recent announcements"), size="4"),
        rx.table.root(
            _headers(lang, HISTORY_COLUMNS),
            rx.table.body(rx.foreach(S.history, lambda item: _history_row(item, lang))),
            variant="surface",
        ),
        lang=lang,
        slug="policy",
    )
