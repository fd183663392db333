"""The tender search page: words and criteria, facets with counts, result cards, pages.

Filters, sorts and pages are links: the address carries the whole query (docs/search.md).
"""

from __future__ import annotations

import reflex as rx

from oktra.i18n import t
from oktra.tenders.pages import demo_badge
from oktra.tenders.state import TenderSearchState
from oktra.ui.layout import href, notice, page_frame

S = TenderSearchState


def result_card(lang: str, tender) -> rx.Component:
    """One result: status, title, buyer, place, deadline countdown and estimate."""
    return rx.card(
        rx.flex(
            rx.badge(tender["status"], color_scheme="green", class_name="status"),
            demo_badge(lang, tender["demo"] == "yes"),
            rx.cond(
                tender["countdown"] != "",
                rx.badge(tender["countdown"], color_scheme="orange", variant="outline"),
            ),
            gap="0.5rem",
            wrap="wrap",
        ),
        rx.heading(
            rx.link(
                tender["title"],
                href=href(lang, "tenders/") + tender["id"],
                class_name="tender-link",
            ),
            as_="h2",
            size="3",
            margin_top="0.5rem",
        ),
        rx.text(tender["buyer"], size="2", color_scheme="gray"),
        rx.flex(
            rx.text(tender["place"], size="2"),
            rx.cond(
                tender["deadline"] != "",
                rx.text(t(lang, "Deadline") + ": ", tender["deadline"], size="2", weight="medium"),
            ),
            rx.text(tender["estimate"], size="2"),
            gap="1rem",
            wrap="wrap",
            margin_top="0.5rem",
        ),
        class_name="tender-card",
    )


def _facet_link(item) -> rx.Component:
    return rx.el.li(
        rx.link(
            rx.flex(
                rx.cond(
                    item["selected"] == "yes",
                    rx.icon("square_check", size=16, aria_hidden="true"),
                    rx.icon("square", size=16, aria_hidden="true"),
                ),
                rx.text(item["label"], as_="span", flex="1"),
                rx.text(item["count"], as_="span", color_scheme="gray", size="1"),
                gap="0.4rem",
                align="center",
            ),
            href=item["href"],
            underline="none",
            weight=rx.cond(item["selected"] == "yes", "bold", "regular"),
            aria_current=rx.cond(item["selected"] == "yes", "true", "false"),
            size="2",
            class_name="facet-value",
            data_facet=item["key"],
        ),
        style={"list_style": "none", "padding_y": "0.15rem"},
    )


def _facet_row(row) -> rx.Component:
    return rx.cond(
        row["kind"] == "title",
        rx.el.li(
            rx.heading(row["label"], as_="h3", size="2", margin_top="1rem", margin_bottom="0.3rem"),
            style={"list_style": "none"},
        ),
        _facet_link(row),
    )


def _facets(lang: str, suffix: str) -> rx.Component:
    return rx.el.ul(
        rx.foreach(S.facets, _facet_row),
        id=f"facets-{suffix}",
        style={"padding": "0", "margin": "0"},
    )


def _filters_panel(lang: str) -> rx.Component:
    title = t(lang, "Filters")
    return rx.fragment(
        rx.mobile_only(
            rx.el.details(
                rx.el.summary(title, style={"cursor": "pointer", "font_weight": "600"}),
                _facets(lang, "mobile"),
                margin_bottom="1rem",
            )
        ),
        rx.tablet_and_desktop(
            rx.el.aside(
                rx.heading(title, as_="h2", size="4", margin_bottom="0.75rem"),
                _facets(lang, "wide"),
                aria_label=title,
            )
        ),
    )


def _labelled_input(label: str, name: str, kind: str, **props) -> rx.Component:
    return rx.flex(
        rx.el.label(label, html_for=f"search-{name}", style={"font_size": "0.85rem"}),
        rx.input(
            name=name,
            id=f"search-{name}",
            type=kind,
            value=getattr(S, name),
            on_change=lambda value: S.edit(name, value),
            **props,
        ),
        direction="column",
        gap="0.2rem",
    )


def _search_form(lang: str) -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.label(
                t(lang, "Words to search"),
                html_for="search-q",
                class_name="visually-hidden",
                style={
                    "position": "absolute",
                    "width": "1px",
                    "height": "1px",
                    "overflow": "hidden",
                },
            ),
            rx.input(
                name="q",
                id="search-q",
                type="search",
                value=S.text,
                on_change=lambda value: S.edit("text", value),
                placeholder=t(
                    lang, 'e.g. fourniture informatique, "matériel de bureau", -location'
                ),
                max_length=500,
                size="3",
                flex="1",
                min_width="12rem",
            ),
            rx.button(t(lang, "Search"), type="submit", size="3", id="search-submit"),
            gap="0.5rem",
            wrap="wrap",
        ),
        rx.el.details(
            rx.el.summary(
                t(lang, "More criteria: amounts and dates"),
                style={"cursor": "pointer", "margin_top": "0.5rem"},
            ),
            rx.grid(
                _labelled_input(t(lang, "Minimum estimate (MAD)"), "budget_min", "number", min="0"),
                _labelled_input(t(lang, "Maximum estimate (MAD)"), "budget_max", "number", min="0"),
                _labelled_input(t(lang, "Published from"), "published_from", "date"),
                _labelled_input(t(lang, "Published until"), "published_to", "date"),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                gap="0.75rem",
                margin_top="0.5rem",
            ),
            rx.button(t(lang, "Apply"), type="submit", variant="soft", margin_top="0.5rem"),
        ),
        on_submit=S.submit,
        role="search",
        id="search-form",
    )


def _chips(lang: str) -> rx.Component:
    return rx.cond(
        S.chips.length() > 0,
        rx.flex(
            rx.foreach(
                S.chips,
                lambda chip: rx.link(
                    rx.badge(chip["label"], " ✕", size="2", variant="surface"),
                    href=chip["href"],
                    aria_label=t(lang, "Remove filter") + ": " + chip["label"],
                    underline="none",
                    class_name="active-filter",
                ),
            ),
            rx.link(t(lang, "Clear all"), href=S.clear_href, size="2", id="clear-filters"),
            gap="0.5rem",
            wrap="wrap",
            align="center",
            margin_y="0.75rem",
            id="active-filters",
        ),
    )


def _empty_states(lang: str) -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.failed,
            notice(
                "triangle_alert",
                t(lang, "Search is unavailable right now. Please try again in a minute."),
                color_scheme="red",
                id="search-failed",
            ),
        ),
        rx.cond(
            S.common_words_only,
            notice(
                "info",
                t(lang, "Your search holds only common words"),
                " (",
                S.ignored,
                "). ",
                t(lang, "Add a more specific word, such as a product or a service."),
                id="common-words",
            ),
        ),
        rx.cond(
            (S.total == 0) & ~S.common_words_only & ~S.failed,
            notice(
                "inbox",
                t(lang, "No tender matches these criteria."),
                " ",
                t(lang, "Try fewer words or remove a filter."),
                id="no-results",
            ),
        ),
    )


def _pagination(lang: str) -> rx.Component:
    return rx.cond(
        S.page_label != "",
        rx.flex(
            rx.cond(
                S.previous_href != "",
                rx.link(t(lang, "Previous page"), href=S.previous_href, id="previous-page"),
            ),
            rx.text(S.page_label, size="2", color_scheme="gray"),
            rx.cond(
                S.next_href != "",
                rx.link(t(lang, "Next page"), href=S.next_href, id="next-page"),
            ),
            gap="1rem",
            justify="center",
            align="center",
            margin_top="1.5rem",
            aria_label=t(lang, "Pages"),
            as_="nav",
        ),
    )


def _results(lang: str) -> rx.Component:
    return rx.box(
        rx.cond(
            S.total > 0,
            rx.flex(
                rx.text(S.summary, weight="bold", id="result-count", role="status"),
                rx.flex(
                    rx.text(t(lang, "Sort") + ":", size="2"),
                    rx.foreach(
                        S.sorts,
                        lambda sort: rx.link(
                            sort["label"],
                            href=sort["href"],
                            size="2",
                            weight=rx.cond(sort["selected"] == "yes", "bold", "regular"),
                            aria_current=rx.cond(sort["selected"] == "yes", "true", "false"),
                            class_name="sort-link",
                        ),
                    ),
                    gap="0.75rem",
                    wrap="wrap",
                ),
                justify="between",
                wrap="wrap",
                gap="0.5rem",
                margin_bottom="1rem",
            ),
        ),
        rx.cond(
            (S.ignored != "") & ~S.common_words_only,
            rx.text(
                t(lang, "Common words ignored") + ": ", S.ignored, size="1", color_scheme="gray"
            ),
        ),
        _empty_states(lang),
        rx.flex(
            rx.foreach(S.cards, lambda tender: result_card(lang, tender)),
            direction="column",
            gap="0.75rem",
            id="results",
            data_query=S.loaded_query,
        ),
        _pagination(lang),
        min_width="0",
    )


def tender_search(lang: str) -> rx.Component:
    """The search page."""
    return page_frame(
        lang,
        rx.flex(
            rx.heading(t(lang, "Search tenders"), as_="h1", size="7"),
            rx.link(
                rx.button(rx.icon("bell", size=16), t(lang, "Save as alert"), variant="outline"),
                href=S.alert_href,
                id="save-as-alert",
            ),
            justify="between",
            align="center",
            wrap="wrap",
            gap="0.75rem",
            margin_bottom="1rem",
        ),
        _search_form(lang),
        rx.foreach(
            S.problems,
            lambda problem: notice("info", problem, color_scheme="amber", margin_top="0.5rem"),
        ),
        _chips(lang),
        rx.grid(
            _filters_panel(lang),
            _results(lang),
            columns=rx.breakpoints(initial="1", sm="14rem 1fr", md="16rem 1fr"),
            gap="1.5rem",
            margin_top="1rem",
        ),
    )
