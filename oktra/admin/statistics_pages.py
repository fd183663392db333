"""The staff statistics page (English only): audience charts and tables, k-anonymous."""

from __future__ import annotations

import reflex as rx

from oktra.admin.statistics_state import StaffStatisticsState
from oktra.admin.widgets import staff_header

CHART_HEIGHT = 260


def _frame(*children: rx.Component) -> rx.Component:
    return rx.container(
        rx.vstack(
            staff_header("OKTRA back office · Statistics", StaffStatisticsState),
            *children,
            spacing="4",
        ),
        size="3",
        padding_y="2rem",
        lang="en",
        dir="ltr",
    )


def _table(headers: list[str], rows: rx.Var, cells: list[str]) -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(*[rx.table.cell(row[key]) for key in cells]),
            )
        ),
        variant="surface",
        width="100%",
    )


def daily_charts() -> rx.Component:
    """Page views and visitors per day (bars), median session duration per day (line)."""
    return rx.vstack(
        rx.heading("Page views and visitors per day", size="4", as_="h2"),
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            rx.recharts.bar(data_key="page_views", name="Page views", fill="#0d9488"),
            rx.recharts.bar(data_key="visitors", name="Visitors", fill="#64748b"),
            data=StaffStatisticsState.daily,
            width="100%",
            height=CHART_HEIGHT,
        ),
        rx.heading("Median session duration per day (minutes)", size="4", as_="h2"),
        rx.recharts.line_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key="day"),
            rx.recharts.y_axis(),
            rx.recharts.graphing_tooltip(),
            rx.recharts.line(data_key="median_minutes", name="Median minutes", stroke="#0d9488"),
            data=StaffStatisticsState.daily,
            width="100%",
            height=CHART_HEIGHT,
        ),
        _table(
            ["Day", "Page views", "Visitors", "Sessions", "Median session (min)"],
            StaffStatisticsState.daily,
            ["day", "page_views", "visitors", "sessions", "median_minutes"],
        ),
        width="100%",
        id="statistics-daily",
    )


def small_groups() -> rx.Component:
    """Days and pages under the threshold: named, never counted."""
    return rx.vstack(
        rx.cond(
            StaffStatisticsState.small_days.length() > 0,
            rx.text(
                "Days with fewer than ",
                StaffStatisticsState.threshold.to_string(),
                " visitors (not shown): ",
                StaffStatisticsState.small_days.join(", "),
                id="statistics-small-days",
            ),
        ),
        rx.cond(
            StaffStatisticsState.small_pages > 0,
            rx.text(
                StaffStatisticsState.small_pages.to_string(),
                " page(s) never reached ",
                StaffStatisticsState.threshold.to_string(),
                " visitors on one day (not shown).",
            ),
        ),
        width="100%",
    )


def staff_statistics() -> rx.Component:
    """Audience figures: anonymous page views of visitors who consented to analytics."""
    return _frame(
        rx.cond(
            StaffStatisticsState.denied,
            rx.callout("Your role does not allow reading statistics.", color_scheme="gray"),
            rx.vstack(
                rx.text(
                    "Last 30 days (",
                    StaffStatisticsState.period,
                    "). Only visitors who consented to analytics are counted; any group of "
                    "fewer than ",
                    StaffStatisticsState.threshold.to_string(),
                    " visitors is suppressed.",
                    color_scheme="gray",
                ),
                rx.cond(
                    StaffStatisticsState.daily.length() > 0,
                    daily_charts(),
                    rx.callout(
                        "No day reached the threshold: nothing to show.",
                        color_scheme="gray",
                        id="statistics-empty",
                    ),
                ),
                small_groups(),
                rx.heading("Pages", size="4", as_="h2"),
                _table(
                    ["Page", "Page views", "Visitors (summed per day)"],
                    StaffStatisticsState.pages,
                    ["path", "page_views", "daily_visitors"],
                ),
                width="100%",
                spacing="4",
            ),
        ),
    )
