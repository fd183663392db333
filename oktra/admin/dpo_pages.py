"""/staff/requests (English only): the DPO queue, one opened request, registering a request
received by email or post."""

from __future__ import annotations

from functools import partial

import reflex as rx

from oktra.admin.dpo_state import STAFF_STATUS_LABELS, StaffDpoState
from oktra.admin.widgets import staff_frame, staff_input, staff_label
from oktra.privacy.requests import RIGHTS

S = StaffDpoState
_input = partial(staff_input, errors=S.errors)
SELECT_STYLE = {"padding": "0.4rem", "border_radius": "6px"}


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


def _row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["reference"]),
        rx.table.cell(item["right"]),
        rx.table.cell(item["channel"]),
        rx.table.cell(item["status"]),
        rx.table.cell(item["received"]),
        rx.table.cell(item["due"]),
        rx.table.cell(rx.cond(item["overdue"] != "", rx.badge("overdue", color_scheme="red"))),
        rx.table.cell(
            rx.button("Open", size="1", variant="soft", on_click=S.open_request(item["id"]))
        ),
    )


def _queue() -> rx.Component:
    filters = [("", "every verified request"), *STAFF_STATUS_LABELS.items()]
    return rx.card(
        rx.hstack(
            rx.heading("Queue", size="4"),
            rx.el.select(
                *[rx.el.option(text, value=value) for value, text in filters],
                aria_label="Status",
                value=S.status_filter,
                on_change=S.filter_by,
                style=SELECT_STYLE,
            ),
            justify="between",
            width="100%",
        ),
        rx.text(
            "Unverified requests (email link not yet opened) are not due: the filter shows them.",
            size="2",
            color_scheme="gray",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(label)
                        for label in (
                            "reference",
                            "right",
                            "channel",
                            "status",
                            "received",
                            "due",
                            "",
                            "",
                        )
                    ]
                )
            ),
            rx.table.body(rx.foreach(S.rows, _row)),
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


def _opened() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(S.detail["reference"], size="4"),
            rx.cond(S.detail["overdue"] != "", rx.badge("overdue", color_scheme="red")),
        ),
        rx.data_list.root(
            *[
                _fact(label, key)
                for label, key in (
                    ("Right", "right"),
                    ("Status", "status"),
                    ("Channel", "channel"),
                    ("Requester", "name"),
                    ("Email", "email"),
                    ("Language", "language"),
                    ("Account", "user"),
                    ("Received", "received"),
                    ("Identity checked", "verified"),
                    ("Due", "due"),
                )
            ],
            margin_y="0.75rem",
        ),
        rx.text("Message", weight="medium"),
        rx.text(S.detail["message"], white_space="pre-wrap"),
        rx.cond(
            S.detail["answer"] != "",
            rx.box(
                rx.text("Answer sent", weight="medium", margin_top="0.75rem"),
                rx.text(S.detail["answer"], white_space="pre-wrap"),
            ),
        ),
        rx.heading("Steps", size="3", margin_top="1rem"),
        rx.table.root(
            rx.table.body(rx.foreach(S.events, _event_row)),
            variant="surface",
            margin_y="0.5rem",
        ),
        rx.form(
            rx.vstack(
                _input("Internal note (not sent to the requester)", "note", area=True),
                rx.button("Add the note", type="submit", variant="soft"),
                width="100%",
            ),
            on_submit=S.add_note,
            reset_on_submit=True,
        ),
        rx.cond(
            S.next_statuses.length() > 0,
            rx.form(
                rx.vstack(
                    staff_label("New status", "status"),
                    rx.el.select(
                        rx.foreach(
                            S.next_statuses, lambda status: rx.el.option(status, value=status)
                        ),
                        id="status",
                        name="status",
                        style=SELECT_STYLE,
                    ),
                    _input(
                        "Answer to the requester (needed to answer or refuse; emailed as written)",
                        "answer",
                        area=True,
                        rows="8",
                    ),
                    rx.button("Change the status and email the requester", type="submit"),
                    width="100%",
                    margin_top="1rem",
                ),
                on_submit=S.change_status,
                reset_on_submit=True,
            ),
            rx.text("This request is closed.", color_scheme="gray", margin_top="1rem"),
        ),
        key=S.form_key,
        width="100%",
    )


def _register() -> rx.Component:
    return rx.card(
        rx.heading("Register a request received by email or post", size="4"),
        rx.text(
            "Check the requester's identity first: a registered request is verified at once, due "
            "from its date of receipt, and the requester is emailed an acknowledgement.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                rx.hstack(
                    _select("Channel", "channel", [("email", "email"), ("post", "post")]),
                    _select("Right", "right", list(RIGHTS.items())),
                    _select(
                        "Language",
                        "language",
                        [("fr", "French"), ("en", "English"), ("ar", "Arabic")],
                    ),
                    wrap="wrap",
                    spacing="4",
                ),
                _input("Date of receipt", "received_on", type="date"),
                _input("Requester's full name", "full_name"),
                _input("Requester's email (the answer goes there)", "email", type="email"),
                _input("The request, as received", "message", area=True, rows="6"),
                rx.button("Register", type="submit"),
                width="100%",
                spacing="3",
            ),
            on_submit=S.register,
            reset_on_submit=False,
        ),
        width="100%",
    )


def staff_requests() -> rx.Component:
    """The DPO's requests page of the back office."""
    return staff_frame(
        "OKTRA back office · requests to the DPO",
        S,
        _queue(),
        rx.cond(S.detail.contains("id"), _opened()),
        _register(),
    )
