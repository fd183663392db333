"""/staff/requests (and /fr/…, /ar/…): the DPO queue, one opened request, registering a
request received by email or post."""

from __future__ import annotations

from functools import partial

import reflex as rx

from oktra.admin.dpo_state import STAFF_STATUS_LABELS, StaffDpoState
from oktra.admin.widgets import staff_frame, staff_input, staff_label
from oktra.i18n import N_, t
from oktra.privacy.requests import RIGHTS

S = StaffDpoState
_input = partial(staff_input, errors=S.errors)
SELECT_STYLE = {"padding": "0.4rem", "border_radius": "6px"}
QUEUE_COLUMNS = (
    N_("reference"),
    N_("right"),
    N_("channel"),
    N_("status"),
    N_("received"),
    N_("due"),
    "",
    "",
)
FACTS = (
    (N_("Right"), "right"),
    (N_("Status"), "status"),
    (N_("Channel"), "channel"),
    (N_("Requester"), "name"),
    (N_("Email"), "email"),
    (N_("Language"), "language"),
    (N_("Account"), "user"),
    (N_("Received"), "received"),
    (N_("Identity checked"), "verified"),
    (N_("Due"), "due"),
)
CHANNEL_LABELS = (("email", N_("email")), ("post", N_("post")))
LANGUAGE_LABELS = (("fr", N_("French")), ("en", N_("English")), ("ar", N_("Arabic")))
OVERDUE = N_("overdue")


def _select(label: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    return rx.vstack(
        staff_label(label, name),
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            id=name,
            name=name,
            style=SELECT_STYLE,
        ),
        rx.cond(S.errors.contains(name), rx.text(S.errors[name], color_scheme="red", size="2")),
        spacing="1",
    )


def _row(item: rx.Var, lang: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["reference"]),
        rx.table.cell(item["right"]),
        rx.table.cell(item["channel"]),
        rx.table.cell(item["status"]),
        rx.table.cell(item["received"]),
        rx.table.cell(item["due"]),
        rx.table.cell(
            rx.cond(item["overdue"] != "", rx.badge(t(lang, OVERDUE), color_scheme="red"))
        ),
        rx.table.cell(
            rx.button(
                t(lang, "Open the request"),
                size="1",
                variant="soft",
                on_click=S.open_request(item["id"]),
            )
        ),
    )


def _queue(lang: str) -> rx.Component:
    filters = [
        ("", t(lang, "every verified request")),
        *[(value, t(lang, text)) for value, text in STAFF_STATUS_LABELS.items()],
    ]
    return rx.card(
        rx.hstack(
            rx.heading(t(lang, "Queue"), size="4"),
            rx.el.select(
                *[rx.el.option(text, value=value) for value, text in filters],
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
                "Unverified requests (email link not yet opened) are not due: the filter shows "
                "them.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(t(lang, label) if label else "")
                        for label in QUEUE_COLUMNS
                    ]
                )
            ),
            rx.table.body(rx.foreach(S.rows, lambda item: _row(item, lang))),
            variant="surface",
            margin_top="0.75rem",
        ),
        width="100%",
    )


def _fact(label: str, key: str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(S.detail[key]))


def _event_row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["at"]),
        rx.table.cell(item["status"]),
        rx.table.cell(item["by"]),
        rx.table.cell(rx.text(item["note"], white_space="pre-wrap")),
    )


def _opened(lang: str) -> rx.Component:
    # The next statuses are codes; each option shows its label in the page's language.
    status_labels = rx.Var.create(
        {value: t(lang, text) for value, text in STAFF_STATUS_LABELS.items()}
    )
    return rx.card(
        rx.hstack(
            rx.heading(S.detail["reference"], size="4"),
            rx.cond(S.detail["overdue"] != "", rx.badge(t(lang, OVERDUE), color_scheme="red")),
        ),
        rx.data_list.root(
            *[_fact(t(lang, label), key) for label, key in FACTS],
            margin_y="0.75rem",
        ),
        rx.text(t(lang, "Message"), weight="medium"),
        rx.text(S.detail["message"], white_space="pre-wrap"),
        rx.cond(
            S.detail["answer"] != "",
            rx.box(
                rx.text(t(lang, "Answer sent"), weight="medium", margin_top="0.75rem"),
                rx.text(S.detail["answer"], white_space="pre-wrap"),
            ),
        ),
        rx.heading(t(lang, "Steps"), size="3", margin_top="1rem"),
        rx.table.root(
            rx.table.body(rx.foreach(S.events, _event_row)),
            variant="surface",
            margin_y="0.5rem",
        ),
        rx.form(
            rx.vstack(
                _input(t(lang, "Internal note (not sent to the requester)"), "note", area=True),
                rx.button(t(lang, "Add the note"), type="submit", variant="soft"),
                width="100%",
            ),
            on_submit=S.add_note,
            reset_on_submit=True,
        ),
        rx.cond(
            S.next_statuses.length() > 0,
            rx.form(
                rx.vstack(
                    staff_label(t(lang, "New status"), "status"),
                    rx.el.select(
                        rx.foreach(
                            S.next_statuses,
                            lambda status: rx.el.option(
                                status_labels[status].to(str), value=status
                            ),
                        ),
                        id="status",
                        name="status",
                        style=SELECT_STYLE,
                    ),
                    _input(
                        t(
                            lang,
                            "Answer to the requester (needed to answer or refuse; emailed as "
                            "written)",
                        ),
                        "answer",
                        area=True,
                        rows="8",
                    ),
                    rx.button(t(lang, "Change the status and email the requester"), type="submit"),
                    width="100%",
                    margin_top="1rem",
                ),
                on_submit=S.change_status,
                reset_on_submit=True,
            ),
            rx.text(t(lang, "This request is closed."), color_scheme="gray", margin_top="1rem"),
        ),
        key=S.form_key,
        width="100%",
    )


def _register(lang: str) -> rx.Component:
    return rx.card(
        rx.heading(t(lang, "Register a request received by email or post"), size="4"),
        rx.text(
            t(
                lang,
                "Check the requester's identity first: a registered request is verified at "
                "once, due from its date of receipt, and the requester is emailed an "
                "acknowledgement.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                rx.hstack(
                    _select(
                        t(lang, "Channel"),
                        "channel",
                        [(value, t(lang, text)) for value, text in CHANNEL_LABELS],
                    ),
                    _select(
                        t(lang, "Right"),
                        "right",
                        [(value, t(lang, text)) for value, text in RIGHTS.items()],
                    ),
                    _select(
                        t(lang, "Language"),
                        "language",
                        [(value, t(lang, text)) for value, text in LANGUAGE_LABELS],
                    ),
                    wrap="wrap",
                    spacing="4",
                ),
                _input(t(lang, "Date of receipt"), "received_on", type="date"),
                _input(t(lang, "Requester's full name"), "full_name"),
                _input(t(lang, "Requester's email (the answer goes there)"), "email", type="email"),
                _input(t(lang, "The request, as received"), "message", area=True, rows="6"),
                rx.button(t(lang, "Register"), type="submit"),
                width="100%",
                spacing="3",
            ),
            on_submit=S.register,
            reset_on_submit=False,
        ),
        width="100%",
    )


def staff_requests(lang: str) -> rx.Component:
    """The DPO's requests page of the back office, in a language."""
    return staff_frame(
        t(lang, "OKTRA back office · requests to the DPO"),
        S,
        _queue(lang),
        rx.cond(S.detail.contains("id"), _opened(lang)),
        _register(lang),
        lang=lang,
        slug="requests",
    )
