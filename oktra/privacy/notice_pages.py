"""The in-app notice of a substantial policy change, and the consents a change asks again."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import direction, t
from oktra.privacy.notice_state import PolicyNoticeState

S = PolicyNoticeState


def _notice(lang: str, item: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(
            rx.text.strong(item["title"]),
            " · ",
            t(lang, "Version"),
            " ",
            item["version"],
        ),
        rx.text(item["summary"], white_space="pre-line", size="2", margin_y="0.25rem"),
        rx.link(t(lang, "Read the new version"), href=item["url"], size="2"),
        margin_bottom="0.75rem",
    )


def _question(lang: str, item: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(item["wording"], size="2", margin_bottom="0.25rem"),
        rx.hstack(
            rx.button(t(lang, "Yes"), on_click=S.answer(item["purpose"], True), size="1"),
            rx.button(
                t(lang, "No"), on_click=S.answer(item["purpose"], False), size="1", variant="soft"
            ),
        ),
        margin_bottom="0.75rem",
    )


def policy_banner(lang: str) -> rx.Component:
    """The notice shown to a signed-in user until they acknowledge it, and the questions."""
    return rx.box(
        rx.cond(
            (S.notices.length() > 0) | (S.questions.length() > 0),
            rx.card(
                rx.heading(t(lang, "Our texts have changed"), as_="h2", size="4"),
                rx.box(
                    rx.foreach(S.notices, lambda item: _notice(lang, item)), margin_top="0.5rem"
                ),
                rx.cond(
                    S.questions.length() > 0,
                    rx.box(
                        rx.text(
                            t(lang, "This change concerns a choice you made. Please confirm it:"),
                            weight="medium",
                            size="2",
                            margin_bottom="0.5rem",
                        ),
                        rx.foreach(S.questions, lambda item: _question(lang, item)),
                    ),
                ),
                rx.cond(
                    S.notices.length() > 0,
                    rx.button(t(lang, "I have read it"), on_click=S.acknowledge, id="policy-ack"),
                ),
                id="policy-notice",
                role="region",
                aria_label=t(lang, "Our texts have changed"),
                max_width="36rem",
                box_shadow="0 8px 24px rgba(0,0,0,0.15)",
            ),
        ),
        on_mount=S.check,
        position="fixed",
        top="5rem",
        inset_inline_end="1rem",
        inset_inline_start="1rem",
        z_index="40",
        display="flex",
        justify_content="center",
        pointer_events="none",
        style={"& > *": {"pointer_events": "auto"}},
        lang=lang,
        dir=direction(lang),
    )
