"""/staff/anomalies (English only): the incidents of the access monitoring, open first, and
their acknowledgement with a note."""

from __future__ import annotations

import reflex as rx

from oktra.admin.anomaly_state import STATUS_FILTERS, StaffAnomaliesState
from oktra.admin.widgets import staff_frame

S = StaffAnomaliesState
SELECT_STYLE = {"padding": "0.4rem", "border_radius": "6px"}
COLUMNS = ("rule", "subject", "first seen", "last seen", "events", "status")


def _acknowledge_form(item: rx.Var) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="anomaly_id", value=item["id"]),
            rx.text_area(
                name="note",
                placeholder="What was checked, what was done (required)",
                aria_label="Note",
                required=True,
                max_length=1000,
                width="100%",
            ),
            rx.button("Acknowledge", type="submit", size="1"),
            width="100%",
            align="center",
        ),
        on_submit=S.acknowledge,
        reset_on_submit=True,
        width="100%",
    )


def _row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["description"]),
        rx.table.cell(rx.code(item["subject"])),
        rx.table.cell(item["first"]),
        rx.table.cell(item["last"]),
        rx.table.cell(item["events"]),
        rx.table.cell(
            rx.cond(
                item["status"] == "open",
                rx.vstack(rx.badge("open", color_scheme="red"), _acknowledge_form(item)),
                rx.vstack(
                    rx.badge("acknowledged", color_scheme="gray"),
                    rx.text(item["note"], size="2", white_space="pre-wrap"),
                ),
            )
        ),
    )


def _incidents() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading("Incidents", size="4"),
            rx.el.select(
                *[rx.el.option(text, value=value) for value, text in STATUS_FILTERS.items()],
                aria_label="Status",
                value=S.status_filter,
                on_change=S.filter_by,
                style=SELECT_STYLE,
            ),
            justify="between",
            width="100%",
        ),
        rx.text(
            "Subjects are keyed hashes, staff ids or site-wide: look an account up from the "
            "security events only when the incident requires it.",
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(label) for label in COLUMNS])
            ),
            rx.table.body(rx.foreach(S.rows, _row)),
            variant="surface",
            margin_top="0.75rem",
            key=S.form_key,
        ),
        rx.cond(S.rows.length() == 0, rx.text("No incident.", color_scheme="gray")),
        width="100%",
    )


def staff_anomalies() -> rx.Component:
    """The access monitoring page of the back office."""
    return staff_frame("OKTRA back office · anomalies", S, _incidents())
