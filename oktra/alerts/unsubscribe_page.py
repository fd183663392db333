"""/{lang}/unsubscribe: one click stops an email, one more undoes it."""

from __future__ import annotations

import reflex as rx

from oktra.alerts.unsubscribe_state import UnsubscribeState
from oktra.i18n import t
from oktra.ui.layout import href, notice, page_frame

U = UnsubscribeState


def unsubscribe_page(lang: str) -> rx.Component:
    """The question, the one button, the outcome and its undo."""
    return page_frame(
        lang,
        rx.heading(t(lang, "Email preferences"), as_="h1", size="7"),
        rx.cond(U.problem != "", notice("triangle-alert", U.problem, margin_top="1rem")),
        rx.cond(
            (U.question != "") & ~U.stopped & (U.outcome == ""),
            rx.box(
                rx.text(U.question, id="unsubscribe-question", margin_y="1rem"),
                rx.button(
                    t(lang, "Stop these emails"), on_click=U.stop, size="3", id="unsubscribe"
                ),
            ),
        ),
        rx.cond(
            U.outcome != "",
            rx.box(
                notice("check", U.outcome, margin_top="1rem", id="unsubscribe-outcome"),
                rx.cond(
                    U.stopped,
                    rx.button(
                        t(lang, "Undo"),
                        on_click=U.undo,
                        variant="soft",
                        margin_top="1rem",
                        id="undo",
                    ),
                ),
            ),
        ),
        rx.text(
            rx.link(t(lang, "Manage your alerts"), href=href(lang, "alerts")),
            margin_top="1.5rem",
        ),
    )
