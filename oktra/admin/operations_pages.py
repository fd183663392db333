"""/staff/operations (and /fr/…, /ar/…): the tender catalogue and its imports, scheduled job
runs, the email outbox (with a chart of the last two weeks) and suppressions. No personal
data."""

from __future__ import annotations

import reflex as rx

from oktra.admin.operations_state import StaffOperationsState as S
from oktra.admin.widgets import staff_frame
from oktra.i18n import N_, t

TENDER_COLUMNS = (N_("Status"), N_("Tenders"))
IMPORT_COLUMNS = (N_("File"), N_("Imported at"), N_("Counts"))
JOB_COLUMNS = (
    N_("Job"),
    N_("Started"),
    N_("Seconds"),
    N_("Outcome"),
    N_("Counts"),
    N_("Error"),
    N_("Failures (7 d)"),
)
OUTBOX_COLUMNS = (N_("Status"), N_("Emails"))
FAILED_COLUMNS = (
    N_("Id"),
    N_("Kind"),
    N_("Domain"),
    N_("Status"),
    N_("Attempts"),
    N_("Error"),
    N_("Created"),
)
SUPPRESSION_COLUMNS = (N_("Reason"), N_("Addresses"))
RECENT_SUPPRESSION_COLUMNS = (N_("Domain"), N_("Reason"), N_("Since"))


def _around(text: str, name: str, value: rx.Var) -> list:
    """A translated text with its `{name}` placeholder replaced by a state value, as pieces."""
    before, _, after = text.partition("{" + name + "}")
    return [piece for piece in (before, value, after) if not isinstance(piece, str) or piece]


def _table(
    lang: str,
    headers: tuple[str, ...],
    rows: rx.Var,
    keys: tuple[str, ...],
    empty: str,
    name: str,
):
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(t(lang, h)) for h in headers])
                ),
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


def _emails_chart(lang: str) -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        rx.recharts.x_axis(data_key="day"),
        rx.recharts.y_axis(allow_decimals=False),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        rx.recharts.bar(data_key="sent", name=t(lang, "Sent"), stack_id="a", fill="#0d9488"),
        rx.recharts.bar(data_key="failed", name=t(lang, "Failed"), stack_id="a", fill="#dc2626"),
        rx.recharts.bar(data_key="other", name=t(lang, "Other"), stack_id="a", fill="#94a3b8"),
        data=S.emails_per_day,
        width="100%",
        height=240,
    )


def staff_operations(lang: str) -> rx.Component:
    """Everything a technical person checks in the morning, on one page."""
    return staff_frame(
        t(lang, "OKTRA back office · operations"),
        S,
        rx.hstack(
            rx.text(
                *_around(t(lang, "Read at {time} (Casablanca)"), "time", S.read_at),
                size="2",
                color_scheme="gray",
            ),
            rx.button(t(lang, "Refresh"), size="1", variant="soft", on_click=S.open_page),
            align="center",
        ),
        _section(
            t(lang, "Tenders"),
            rx.text(
                *_around(
                    t(lang, "Published in the last 7 days: {count}"),
                    "count",
                    S.published_7_days.to_string(),
                )
            ),
            _table(
                lang,
                TENDER_COLUMNS,
                S.tenders,
                ("status", "count"),
                t(lang, "No tender yet."),
                "t",
            ),
        ),
        _section(
            t(lang, "Imports (newest 20 files)"),
            _table(
                lang,
                IMPORT_COLUMNS,
                S.imports,
                ("name", "at", "counts"),
                t(lang, "No file imported yet."),
                "imports",
            ),
        ),
        _section(
            t(lang, "Scheduled jobs (last run of each)"),
            _table(
                lang,
                JOB_COLUMNS,
                S.jobs,
                ("job", "started", "seconds", "outcome", "counts", "error", "failures"),
                t(lang, "No job has run yet."),
                "jobs",
            ),
        ),
        _section(
            t(lang, "Email outbox"),
            rx.cond(
                S.oldest_pending != "",
                rx.text(
                    *_around(t(lang, "Oldest message waiting: {wait}"), "wait", S.oldest_pending),
                    size="2",
                ),
            ),
            _table(
                lang,
                OUTBOX_COLUMNS,
                S.outbox,
                ("status", "count"),
                t(lang, "No email yet."),
                "outbox",
            ),
            rx.text(t(lang, "Emails per day, last two weeks"), size="2", weight="medium"),
            _emails_chart(lang),
            rx.text(t(lang, "Failed or uncertain (newest 20)"), size="2", weight="medium"),
            _table(
                lang,
                FAILED_COLUMNS,
                S.failed_emails,
                ("id", "kind", "domain", "status", "attempts", "error", "created"),
                t(lang, "No failure."),
                "failed-emails",
            ),
        ),
        _section(
            t(lang, "Suppressed addresses"),
            _table(
                lang,
                SUPPRESSION_COLUMNS,
                S.suppressions,
                ("reason", "count"),
                t(lang, "No address is suppressed."),
                "suppressions",
            ),
            _table(
                lang,
                RECENT_SUPPRESSION_COLUMNS,
                S.recent_suppressions,
                ("domain", "reason", "created"),
                "",
                "recent-suppressions",
            ),
        ),
        lang=lang,
        slug="operations",
    )
