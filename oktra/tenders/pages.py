"""The tender page: one tender in full (demo-generated fields marked), its history and
similar past awards."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import t
from oktra.tenders.state import TenderDetailState
from oktra.ui.layout import href, page_frame


def demo_badge(lang: str, condition) -> rx.Component:
    return rx.cond(
        condition,
        rx.badge(t(lang, "Demo data"), color_scheme="amber", variant="soft", class_name="demo"),
    )


def _source(lang: str) -> rx.Component:
    return rx.box(
        rx.heading(t(lang, "Source"), as_="h2", size="4", margin_top="2rem"),
        rx.text(TenderDetailState.source, size="2", id="tender-source"),
        rx.cond(
            TenderDetailState.documents_url != "",
            rx.link(
                t(lang, "Open the tender documents"),
                href=TenderDetailState.documents_url,
                is_external=True,
                rel="noopener noreferrer",
                id="tender-documents",
                size="2",
            ),
        ),
    )


def _award(lang: str, award) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(award["title"], href=href(lang, "tenders/") + award["id"]),
            rx.text(award["buyer"], size="1", color_scheme="gray"),
        ),
        rx.table.cell(award["company"]),
        rx.table.cell(award["amount"], white_space="nowrap"),
        rx.table.cell(award["published"], white_space="nowrap"),
    )


def _awards(lang: str) -> rx.Component:
    return rx.box(
        rx.heading(t(lang, "Similar past awards"), as_="h2", size="4", margin_top="2rem"),
        rx.cond(
            TenderDetailState.awards.length() == 0,
            rx.text(t(lang, "No similar award on record yet."), color_scheme="gray", size="2"),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t(lang, "Tender")),
                            rx.table.column_header_cell(t(lang, "Awarded to")),
                            rx.table.column_header_cell(t(lang, "Amount")),
                            rx.table.column_header_cell(t(lang, "Published")),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(TenderDetailState.awards, lambda award: _award(lang, award))
                    ),
                    size="1",
                    id="similar-awards",
                ),
                overflow_x="auto",
            ),
        ),
    )


def tender_detail(lang: str) -> rx.Component:
    """One tender, every field on its own row."""
    row = lambda field: rx.data_list.item(  # noqa: E731
        rx.data_list.label(field["label"]),
        rx.data_list.value(
            rx.flex(
                rx.text(field["value"]),
                demo_badge(lang, field["demo"] != ""),
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
        rx.link(t(lang, "Search tenders"), href=href(lang, "tenders"), size="2"),
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
                rx.cond(
                    TenderDetailState.history.length() == 0,
                    rx.text(t(lang, "No change since publication."), color_scheme="gray", size="2"),
                ),
                _source(lang),
                _awards(lang),
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
