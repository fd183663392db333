"""The end of a deletion: the receipt (what was erased, when, its reference), shown on the
"My data" page once the account is erased and on /{lang}/my-data/erased after the sign-out."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import t
from oktra.privacy.mydata_state import MyDataState
from oktra.ui.layout import href, page_frame

S = MyDataState


def receipt(lang: str) -> rx.Component:
    """The deletion receipt: its reference, when, and what was done."""
    return rx.card(
        rx.heading(t(lang, "Your account is deleted"), as_="h2", size="5"),
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label(t(lang, "Reference")),
                rx.data_list.value(S.receipt_reference, id="receipt-reference"),
            ),
            rx.data_list.item(
                rx.data_list.label(t(lang, "Deleted on")),
                rx.data_list.value(S.receipt_when),
            ),
            orientation={"initial": "vertical", "sm": "horizontal"},
            margin_y="1rem",
        ),
        rx.el.ul(
            rx.foreach(S.receipt_lines, lambda line: rx.el.li(line)),
            style={"padding_inline_start": "1.25rem", "list_style": "disc"},
        ),
        rx.text(
            t(lang, "Keep this reference: our DPO answers for this deletion with it."),
            size="2",
            color_scheme="gray",
            margin_top="1rem",
        ),
        id="receipt",
        role="status",
        max_width="40rem",
    )


def my_data_erased(lang: str) -> rx.Component:
    """The page the user lands on once the account is deleted and the session ended."""
    return page_frame(
        lang,
        rx.heading(t(lang, "My data"), as_="h1", size="7"),
        rx.cond(
            S.receipt_reference != "",
            receipt(lang),
            rx.text(t(lang, "This receipt link is invalid or has expired."), id="receipt-missing"),
        ),
        rx.link(t(lang, "Back to the home page"), href=href(lang), margin_top="1.5rem"),
    )
