"""/staff/operations (English only): the tender catalogue and its imports, scheduled job runs,
the email outbox (with a chart of the last two weeks) and suppressions. No personal data."""

from __future__ import annotations

import reflex as rx

from oktra.admin.operations_state import StaffOperationsState as S
from oktra.admin.widgets import staff_frame


def _table(headers: tuple[str, ...], rows: rx.Var, keys: tuple[str, ...], empty: str, name: str):
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(
                    rx.foreach(
                        rows, lambda row: rx.table.row(*[rx.table.cell(row[k]) for k in keys])
                    )
                ),
                variant="surface",
                size="1",
                width="100%",
                id=name,
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.text(empty, color_scheme="gray", size="2"),
    )


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.heading(title, size="4", as_="h2"), *children, width="100%", spacing="2")


def _emails_chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        rx.recharts.x_axis(data_key="day"),
        rx.recharts.y_axis(allow_decimals=False),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        rx.recharts.bar(data_key="sent", name="Sent", stack_id="a", fill="#0d9488"),
        rx.recharts.bar(data_key="failed", name="Failed", stack_id="a", fill="#dc2626"),
        rx.recharts.bar(data_key="other", name="Other", stack_id="a", fill="#94a3b8"),
        data=S.emails_per_day,
        width="100%",
        height=240,
    )


def staff_operations() -> rx.Component:
    """Everything a technical person checks in the morning, on one page."""
    return staff_frame(
        "OKTRA back office · operations",
        S,
        rx.hstack(
            rx.text("Read at ", S.read_at, " (Casablanca)", size="2", color_scheme="gray"),
            rx.button("Refresh", size="1", variant="soft", on_click=S.open_page),
            align="center",
        ),
        _section(
            "Tenders",
            rx.text("Published in the last 7 days: ", S.published_7_days.to_string()),
            _table(("Status", "Tenders"), S.tenders, ("status", "count"), "No tender yet.", "t"),
        ),
        _section(
            "Imports (newest 20 files)",
            _table(
                ("File", "Imported at", "Counts"),
                S.imports,
                ("name", "at", "counts"),
                "No file imported yet.",
                "imports",
            ),
        ),
        _section(
            "Scheduled jobs (last run of each)",
            _table(
                ("Job", "Started", "Seconds", "Outcome", "Counts", "Error", "Failures (7 d)"),
                S.jobs,
                ("job", "started", "seconds", "outcome", "counts", "error", "failures"),
                "No job has run yet.",
                "jobs",
            ),
        ),
        _section(
            "Email outbox",
            rx.cond(
                S.oldest_pending != "",
                rx.text("Oldest message waiting: ", S.oldest_pending, size="2"),
            ),
            _table(("Status", "Emails"), S.outbox, ("status", "count"), "No email yet.", "outbox"),
            rx.text("Emails per day, last two weeks", size="2", weight="medium"),
            _emails_chart(),
            rx.text("Failed or uncertain (newest 20)", size="2", weight="medium"),
            _table(
                ("Id", "Kind", "Domain", "Status", "Attempts", "Error", "Created"),
                S.failed_emails,
                ("id", "kind", "domain", "status", "attempts", "error", "created"),
                "No failure.",
                "failed-emails",
            ),
        ),
        _section(
            "Suppressed addresses",
            _table(
                ("Reason", "Addresses"),
                S.suppressions,
                ("reason", "count"),
                "No address is suppressed.",
                "suppressions",
            ),
            _table(
                ("Domain", "Reason", "Since"),
                S.recent_suppressions,
                ("domain", "reason", "created"),
                "",
                "recent-suppressions",
            ),
        ),
    )
