"""The staff statistics page (/staff/statistics, /fr/…, /ar/…): audience charts and tables,
k-anonymous."""

from __future__ import annotations

import re

import reflex as rx

from oktra.admin.statistics_state import StaffStatisticsState
from oktra.admin.widgets import staff_header
from oktra.i18n import N_, direction, t

CHART_HEIGHT = 260
PLACEHOLDER = re.compile(r"\{(\w+)\}")
DAILY_COLUMNS = (
    N_("Day"),
    N_("Page views"),
    N_("Visitors"),
    N_("Sessions"),
    N_("Median session (min)"),
)
PAGE_COLUMNS = (N_("Page"), N_("Page views"), N_("Visitors (summed per day)"))


def _sentence(template: str, **values: rx.Var) -> list[str | rx.Var]:
    """A translated sentence with state values in its placeholders, in the language's order:
    the text pieces and the values, to pass as children of one rx.text."""
    parts: list[str | rx.Var] = []
    for index, piece in enumerate(PLACEHOLDER.split(template)):
        if index % 2:
            parts.append(values[piece])
        elif piece:
            parts.append(piece)
    return parts


def _frame(lang: str, *children: rx.Component) -> rx.Component:
    return rx.container(
        rx.vstack(
            staff_header(
                t(lang, "OKTRA back office · Statistics"), StaffStatisticsState, lang, "statistics"
            ),
            *children,
            spacing="4",
        ),
        size="3",
        padding_y="2rem",
        lang=lang,
        dir=direction(lang),
    )


def _table(lang: str, headers: tuple[str, ...], rows: rx.Var, cells: list[str]) -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(lang, h)) for h in headers])),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(*[rx.table.cell(row[key]) for key in cells]),
            )
        ),
        variant="surface",
        width="100%",
    )


def daily_charts(lang: str) -> rx.Component:
    """Page views and visitors per day (bars), median session duration per day (line)."""
    return rx.vstack(
        rx.heading(t(lang, "Page views and visitors per day"), size="4", as_="h2"),
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            rx.recharts.bar(data_key="page_views", name=t(lang, "Page views"), fill="#0d9488"),
            rx.recharts.bar(data_key="visitors", name=t(lang, "Visitors"), fill="#64748b"),
            data=StaffStatisticsState.daily,
            width="100%",
            height=CHART_HEIGHT,
        ),
        rx.heading(t(lang, "Median session duration per day (minutes)"), size="4", as_="h2"),
        rx.recharts.line_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(),
            rx.recharts.graphing_tooltip(),
            rx.recharts.line(
                data_key="median_minutes", name=t(lang, "Median minutes"), stroke="#0d9488"
            ),
            data=StaffStatisticsState.daily,
            width="100%",
            height=CHART_HEIGHT,
        ),
        _table(
            lang,
            DAILY_COLUMNS,
            StaffStatisticsState.daily,
            ["day", "page_views", "visitors", "sessions", "median_minutes"],
        ),
        width="100%",
        id="statistics-daily",
    )


def small_groups(lang: str) -> rx.Component:
    """Days and pages under the threshold: named, never counted."""
    threshold = StaffStatisticsState.threshold.to_string()
    return rx.vstack(
        rx.cond(
            StaffStatisticsState.small_days.length() > 0,
            rx.text(
                *_sentence(
                    t(lang, "Days with fewer than {threshold} visitors (not shown): {days}"),
                    threshold=threshold,
                    days=StaffStatisticsState.small_days.join(", "),
                ),
                id="statistics-small-days",
            ),
        ),
        rx.cond(
            StaffStatisticsState.small_pages > 0,
            rx.text(
                *_sentence(
                    t(
                        lang,
                        "{pages} page(s) never reached {threshold} visitors on one day "
                        "(not shown).",
                    ),
                    pages=StaffStatisticsState.small_pages.to_string(),
                    threshold=threshold,
                ),
            ),
        ),
        width="100%",
    )


def staff_statistics(lang: str) -> rx.Component:
    """Audience figures: anonymous page views of visitors who consented to analytics."""
    return _frame(
        lang,
        rx.cond(
            StaffStatisticsState.denied,
            rx.callout(
                t(lang, "Your role does not allow reading statistics."), color_scheme="gray"
            ),
            rx.vstack(
                rx.text(
                    *_sentence(
                        t(
                            lang,
                            "Last 30 days ({period}). Only visitors who consented to analytics "
                            "are counted; any group of fewer than {threshold} visitors is "
                            "suppressed.",
                        ),
                        period=StaffStatisticsState.period,
                        threshold=StaffStatisticsState.threshold.to_string(),
                    ),
                    color_scheme="gray",
                ),
                rx.cond(
                    StaffStatisticsState.daily.length() > 0,
                    daily_charts(lang),
                    rx.callout(
                        t(lang, "No day reached the threshold: nothing to show."),
                        color_scheme="gray",
                        id="statistics-empty",
                    ),
                ),
                small_groups(lang),
                rx.heading(t(lang, "Pages"), size="4", as_="h2"),
                _table(
                    lang,
                    PAGE_COLUMNS,
                    StaffStatisticsState.pages,
                    ["path", "page_views", "daily_visitors"],
                ),
                width="100%",
                spacing="4",
            ),
        ),
    )
