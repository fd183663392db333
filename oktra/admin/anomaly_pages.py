"""/staff/anomalies (and /fr/…, /ar/…): the incidents of the access monitoring, open first, and
their acknowledgement with a note. A rule's description stays in English (the rules module
writes it for the alert emails too)."""

from __future__ import annotations

import reflex as rx

from oktra.admin.anomaly_state import STATUS_FILTERS, StaffAnomaliesState
from oktra.admin.widgets import staff_frame
from oktra.i18n import N_, t

S = StaffAnomaliesState
SELECT_STYLE = {"padding": "0.4rem", "border_radius": "6px"}
COLUMNS = (N_("rule"), N_("subject"), N_("first seen"), N_("last seen"), N_("events"), N_("status"))


def _acknowledge_form(item: rx.Var, lang: str) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="anomaly_id", value=item["id"]),
            rx.text_area(
                name="note",
                placeholder=t(lang, "What was checked, what was done (required)"),
                aria_label=t(lang, "Note"),
                required=True,
                max_length=1000,
                width="100%",
            ),
            rx.button(t(lang, "Acknowledge"), type="submit", size="1"),
            width="100%",
            align="center",
        ),
        on_submit=S.acknowledge,
        reset_on_submit=True,
        width="100%",
    )


def _row(item: rx.Var, lang: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["description"]),
        rx.table.cell(rx.code(item["subject"])),
        rx.table.cell(item["first"]),
        rx.table.cell(item["last"]),
        rx.table.cell(item["events"]),
        rx.table.cell(
            rx.cond(
                item["status"] == "open",
                rx.vstack(
                    rx.badge(t(lang, STATUS_FILTERS["open"]), color_scheme="red"),
                    _acknowledge_form(item, lang),
                ),
                rx.vstack(
                    rx.badge(t(lang, STATUS_FILTERS["acknowledged"]), color_scheme="gray"),
                    rx.text(item["note"], size="2", white_space="pre-wrap"),
                ),
            )
        ),
    )


def _incidents(lang: str) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(t(lang, "Incidents"), size="4"),
            rx.el.select(
                *[
                    rx.el.option(t(lang, text), value=value)
                    for value, text in STATUS_FILTERS.items()
                ],
                aria_label=t(lang, "Status"),
                value=S.status_filter,
                on_change=S.filter_by,
                style=SELECT_STYLE,
            ),
            justify="between",
            width="100%",
        ),
        rx.text(
            t(
                lang,
                "Subjects are keyed hashes, staff ids or site-wide: look an account up from the "
                "security events only when the incident requires it.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(t(lang, label)) for label in COLUMNS])
            ),
            rx.table.body(rx.foreach(S.rows, lambda item: _row(item, lang))),
            variant="surface",
            margin_top="0.75rem",
            key=S.form_key,
        ),
        rx.cond(S.rows.length() == 0, rx.text(t(lang, "No incident."), color_scheme="gray")),
        width="100%",
    )


def staff_anomalies(lang: str) -> rx.Component:
    """The access monitoring page of the back office, in a language."""
    return staff_frame(
        t(lang, "OKTRA back office · anomalies"), S, _incidents(lang), lang=lang, slug="anomalies"
    )
