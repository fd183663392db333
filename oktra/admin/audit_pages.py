"""/staff/audit (and /fr/…, /ar/…): the audit trail filtered by staff member, user, action and
days, newest first, with a CSV export of everything the filters match."""

from __future__ import annotations

import reflex as rx

from oktra.admin.audit_state import StaffAuditState as S
from oktra.admin.widgets import staff_frame, staff_input, staff_label
from oktra.i18n import N_, t

COLUMNS = (
    N_("time (Casablanca)"),
    N_("staff"),
    N_("action"),
    N_("category"),
    N_("user"),
    N_("subject"),
    N_("reason"),
)
SELECT_STYLE = {"padding": "0.4rem", "border_radius": "6px", "width": "100%"}


def _action_select(lang: str) -> rx.Component:
    return rx.vstack(
        staff_label(t(lang, "Action"), "action"),
        rx.el.select(
            rx.el.option(t(lang, "every action"), value=""),
            rx.foreach(S.actions, lambda action: rx.el.option(action, value=action)),
            id="action",
            name="action",
            style=SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def _filters(lang: str) -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.grid(
                staff_input(t(lang, "Staff member (email or id)"), "staff"),
                staff_input(t(lang, "User (email or id)"), "user"),
                _action_select(lang),
                staff_input(t(lang, "From (day)"), "since", type="date"),
                staff_input(t(lang, "To (day)"), "until", type="date"),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button(t(lang, "Filter"), type="submit", id="audit-filter"),
                rx.button(
                    t(lang, "Download CSV"),
                    type="button",
                    variant="soft",
                    on_click=S.export_csv,
                    id="audit-csv",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.apply,
        reset_on_submit=False,
        width="100%",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(row["staff"]),
        rx.table.cell(rx.code(row["action"])),
        rx.table.cell(row["category"]),
        rx.table.cell(row["user"]),
        rx.table.cell(rx.code(row["subject"])),
        rx.table.cell(rx.text(row["reason"], size="2", white_space="pre-wrap")),
    )


def _events(lang: str) -> rx.Component:
    return rx.cond(
        S.rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(t(lang, c)) for c in COLUMNS])
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                variant="surface",
                width="100%",
                id="audit-events",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.text(t(lang, "No event matches these filters."), color_scheme="gray", id="audit-empty"),
    )


def staff_audit(lang: str) -> rx.Component:
    """The newest 500 events matching the filters; the CSV holds every match."""
    return staff_frame(
        t(lang, "OKTRA back office · audit trail"),
        S,
        rx.text(
            t(
                lang,
                "Every read of personal data, every change made in the back office, and every "
                "read of this trail. Showing the newest 500; the CSV holds every match.",
            ),
            size="2",
            color_scheme="gray",
        ),
        _filters(lang),
        _events(lang),
        lang=lang,
        slug="audit",
    )
