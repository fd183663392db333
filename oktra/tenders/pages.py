"""Tender pages: the open tenders, and one tender in full (demo-generated fields marked)."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import t
from oktra.tenders.state import TenderDetailState, TenderListState
from oktra.ui.layout import href, page_frame


def _demo_badge(lang: str, condition) -> rx.Component:
    return rx.cond(
        condition,
        rx.badge(t(lang, "Demo data"), color_scheme="amber", variant="soft", class_name="demo"),
    )


def _card(lang: str, tender) -> rx.Component:
    return rx.link(
        rx.card(
            rx.flex(
                rx.badge(tender["status"], color_scheme="green"),
                _demo_badge(lang, tender["demo"] == "yes"),
                gap="0.5rem",
            ),
            rx.heading(tender["title"], as_="h2", size="3", margin_top="0.5rem"),
            rx.text(tender["buyer"], size="2", color_scheme="gray"),
            rx.flex(
                rx.text(tender["place"], size="2"),
                rx.cond(
                    tender["deadline"] != "",
                    rx.text(
                        t(lang, "Deadline") + ": ", tender["deadline"], size="2", weight="medium"
                    ),
                ),
                rx.text(tender["estimate"], size="2"),
                gap="1rem",
                wrap="wrap",
                margin_top="0.5rem",
            ),
            class_name="tender-card",
        ),
        href=href(lang, "tenders/") + tender["id"],
        underline="none",
        color="inherit",
    )


def tender_list(lang: str) -> rx.Component:
    """The open tenders, nearest deadline first."""
    return page_frame(
        lang,
        rx.heading(t(lang, "Open tenders"), as_="h1", size="7"),
        rx.text(
            t(lang, "Nearest deadline first. Full search with filters comes next."),
            color_scheme="gray",
            margin_bottom="1.5rem",
        ),
        rx.cond(
            TenderListState.loaded & (TenderListState.tenders.length() == 0),
            rx.callout(t(lang, "No open tender right now."), icon="inbox", id="no-tenders"),
        ),
        rx.grid(
            rx.foreach(TenderListState.tenders, lambda tender: _card(lang, tender)),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="1rem",
            id="tender-list",
        ),
    )


def tender_detail(lang: str) -> rx.Component:
    """One tender, every field on its own row."""
    row = lambda field: rx.data_list.item(  # noqa: E731
        rx.data_list.label(field["label"]),
        rx.data_list.value(
            rx.flex(
                rx.text(field["value"]),
                _demo_badge(lang, field["demo"] != ""),
                gap="0.5rem",
                wrap="wrap",
                align="center",
                title=field["demo"],
            )
        ),
        class_name="tender-field",
    )
    return page_frame(
        lang,
        rx.link(t(lang, "All open tenders"), href=href(lang, "tenders"), size="2"),
        rx.cond(
            TenderDetailState.found,
            rx.box(
                rx.heading(TenderDetailState.title, as_="h1", size="6", margin_y="1rem"),
                rx.callout(
                    t(
                        lang,
                        "Fields marked “Demo data” were generated for the demonstration: "
                        "the source notice does not have them.",
                    ),
                    icon="info",
                    size="1",
                    margin_bottom="1rem",
                ),
                rx.data_list.root(
                    rx.foreach(TenderDetailState.fields, row),
                    orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                    id="tender-fields",
                ),
                rx.heading(t(lang, "History"), as_="h2", size="4", margin_top="2rem"),
                rx.el.ul(
                    rx.foreach(
                        TenderDetailState.history,
                        lambda change: rx.el.li(
                            change["when"], " · ", change["what"], " ", change["fields"]
                        ),
                    ),
                    id="tender-history",
                ),
            ),
            rx.callout(
                t(lang, "This tender does not exist."),
                icon="triangle_alert",
                color_scheme="red",
                id="tender-missing",
                margin_top="1rem",
            ),
        ),
    )
