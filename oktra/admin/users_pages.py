"""The users page (English only): search with masked results, a reason asked before a user is
opened, the role's categories, and suspending or lifting a suspension."""

from __future__ import annotations

import reflex as rx

from oktra.admin.users_state import StaffUsersState as S
from oktra.admin.widgets import staff_frame, staff_input


def _counts() -> rx.Component:
    return rx.hstack(
        rx.foreach(S.statistics, lambda item: rx.badge(item[0], ": ", item[1].to_string())),
        wrap="wrap",
    )


def _search() -> rx.Component:
    return rx.cond(
        S.can_search,
        rx.form(
            rx.hstack(
                rx.box(
                    staff_input(
                        "Email, company or user id",
                        "query",
                        required=True,
                        min_length=1,
                        max_length=254,
                    ),
                    flex="1",
                ),
                rx.button("Search", type="submit"),
                align="end",
                width="100%",
            ),
            on_submit=S.search,
            reset_on_submit=False,
            width="100%",
        ),
    )


def _hit(hit: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(hit["id"]),
        rx.table.cell(hit["email"]),
        rx.table.cell(rx.badge(hit["status"])),
        rx.table.cell(
            rx.button(
                "Open",
                size="1",
                on_click=S.choose(hit["id"]),
                aria_label="Open user " + hit["id"].to(str),
                id="open-user-" + hit["id"].to(str),
            )
        ),
    )


def _hits() -> rx.Component:
    return rx.cond(
        S.hits.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(h) for h in ("Id", "Email", "Status", "")]
                )
            ),
            rx.table.body(rx.foreach(S.hits, _hit)),
            variant="surface",
            width="100%",
        ),
        rx.cond(S.searched, rx.text("No account matches.", color_scheme="gray", id="no-hits")),
    )


def _reason_form() -> rx.Component:
    return rx.cond(
        S.chosen_id > 0,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Open user #", S.chosen_id.to_string(), size="4", as_="h2"),
                    staff_input(
                        "Why do you need this user's data?",
                        "reason",
                        area=True,
                        required=True,
                        max_length=500,
                        placeholder="e.g. ticket #4711: the customer asks why alerts stopped",
                    ),
                    rx.text(
                        "Your reason is written to the audit trail with your name.",
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.hstack(
                        rx.button("Open", type="submit", id="confirm-open"),
                        rx.button("Cancel", type="button", variant="soft", on_click=S.cancel),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.open_user,
                reset_on_submit=False,
                key=S.form_key,
            ),
            width="100%",
        ),
    )


def _suspension_form(title: str, text: str, label: str, handler, color: str) -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(title, size="3", as_="h3"),
                rx.text(text, size="2"),
                staff_input("Reason", "reason", required=True, max_length=500),
                rx.button(label, type="submit", color_scheme=color, id="suspension-submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=handler,
            reset_on_submit=False,
            key=S.form_key,
        ),
        width="100%",
    )


def _suspension() -> rx.Component:
    return rx.cond(
        S.can_suspend,
        rx.cond(
            S.user_status == "suspended",
            _suspension_form(
                "Lift the suspension",
                "The owner will be able to sign in again and receive emails.",
                "Lift suspension",
                S.lift,
                "green",
            ),
            _suspension_form(
                "Suspend this account",
                "Every session ends at once; sign-in and all emails stop until the suspension "
                "is lifted. Nothing is deleted.",
                "Suspend account",
                S.suspend,
                "red",
            ),
        ),
    )


def _user() -> rx.Component:
    return rx.cond(
        S.user_id > 0,
        rx.vstack(
            rx.hstack(
                rx.heading("User #", S.user_id.to_string(), size="5", as_="h2"),
                rx.badge(S.user_status, id="user-status"),
                align="center",
            ),
            rx.foreach(
                S.sections,
                lambda section: rx.card(
                    rx.heading(section["category"], size="3", as_="h3"),
                    rx.text(section["text"], white_space="pre-wrap", font_family="monospace"),
                    width="100%",
                ),
            ),
            _suspension(),
            width="100%",
            id="user-record",
        ),
    )


def staff_users() -> rx.Component:
    """Find an account; nothing personal is shown before a reason is given."""
    return staff_frame(
        "OKTRA back office · users", S, _counts(), _search(), _hits(), _reason_form(), _user()
    )
