"""The users page (/staff/users, /fr/staff/users, /ar/staff/users): search with masked
results, a reason asked before a user is opened, the role's categories, and suspending or
lifting a suspension."""

from __future__ import annotations

import reflex as rx

from oktra.admin.users_state import StaffUsersState as S
from oktra.admin.widgets import staff_frame, staff_input
from oktra.i18n import N_, t

HIT_COLUMNS = (N_("Id"), N_("Email"), N_("Status"))


def _around(text: str, name: str, value: rx.Var) -> list:
    """A translated text with its `{name}` placeholder replaced by a state value, as pieces."""
    before, _, after = text.partition("{" + name + "}")
    return [piece for piece in (before, value, after) if not isinstance(piece, str) or piece]


def _counts() -> rx.Component:
    return rx.hstack(
        rx.foreach(S.counts, lambda item: rx.badge(item["label"], ": ", item["value"])),
        wrap="wrap",
    )


def _search(lang: str) -> rx.Component:
    return rx.cond(
        S.can_search,
        rx.form(
            rx.hstack(
                rx.box(
                    staff_input(
                        t(lang, "Email, company or user id"),
                        "query",
                        required=True,
                        min_length=1,
                        max_length=254,
                    ),
                    flex="1",
                ),
                rx.button(t(lang, "Search"), type="submit"),
                align="end",
                width="100%",
            ),
            on_submit=S.search,
            reset_on_submit=False,
            width="100%",
        ),
    )


def _hit(lang: str, hit: rx.Var) -> rx.Component:
    open_user = t(lang, "Open user {id}")
    before, _, after = open_user.partition("{id}")
    return rx.table.row(
        rx.table.cell(hit["id"]),
        rx.table.cell(hit["email"]),
        rx.table.cell(rx.badge(hit["status"])),
        rx.table.cell(
            rx.button(
                t(lang, "Open…"),
                size="1",
                on_click=S.choose(hit["id"]),
                aria_label=before + hit["id"].to(str) + after,
                id="open-user-" + hit["id"].to(str),
            )
        ),
    )


def _hits(lang: str) -> rx.Component:
    return rx.cond(
        S.hits.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(t(lang, h)) for h in HIT_COLUMNS],
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(rx.foreach(S.hits, lambda hit: _hit(lang, hit))),
            variant="surface",
            width="100%",
        ),
        rx.cond(
            S.searched,
            rx.text(t(lang, "No account matches."), color_scheme="gray", id="no-hits"),
        ),
    )


def _reason_form(lang: str) -> rx.Component:
    return rx.cond(
        S.chosen_id > 0,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(
                        *_around(t(lang, "Open user #{id}"), "id", S.chosen_id.to_string()),
                        size="4",
                        as_="h2",
                    ),
                    staff_input(
                        t(lang, "Why do you need this user's data?"),
                        "reason",
                        area=True,
                        required=True,
                        max_length=500,
                        placeholder=t(
                            lang, "e.g. ticket #4711: the customer asks why alerts stopped"
                        ),
                    ),
                    rx.text(
                        t(lang, "Your reason is written to the audit trail with your name."),
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.hstack(
                        rx.button(t(lang, "Open the record"), type="submit", id="confirm-open"),
                        rx.button(
                            t(lang, "Cancel"), type="button", variant="soft", on_click=S.cancel
                        ),
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


def _suspension_form(
    lang: str, title: str, text: str, label: str, handler, color: str
) -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(title, size="3", as_="h3"),
                rx.text(text, size="2"),
                staff_input(t(lang, "Reason"), "reason", required=True, max_length=500),
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


def _suspension(lang: str) -> rx.Component:
    return rx.cond(
        S.can_suspend,
        rx.cond(
            S.user_status == "suspended",
            _suspension_form(
                lang,
                t(lang, "Lift the suspension"),
                t(lang, "The owner will be able to sign in again and receive emails."),
                t(lang, "Lift suspension"),
                S.lift,
                "green",
            ),
            _suspension_form(
                lang,
                t(lang, "Suspend this account"),
                t(
                    lang,
                    "Every session ends at once; sign-in and all emails stop until the "
                    "suspension is lifted. Nothing is deleted.",
                ),
                t(lang, "Suspend account"),
                S.suspend,
                "red",
            ),
        ),
    )


def _user(lang: str) -> rx.Component:
    return rx.cond(
        S.user_id > 0,
        rx.vstack(
            rx.hstack(
                rx.heading(
                    *_around(t(lang, "User #{id}"), "id", S.user_id.to_string()),
                    size="5",
                    as_="h2",
                ),
                rx.badge(S.user_status, id="user-status"),
                align="center",
            ),
            rx.foreach(
                S.sections,
                lambda section: rx.card(
                    rx.heading(section["label"], size="3", as_="h3"),
                    rx.text(section["text"], white_space="pre-wrap", font_family="monospace"),
                    width="100%",
                ),
            ),
            _suspension(lang),
            width="100%",
            id="user-record",
        ),
    )


def staff_users(lang: str) -> rx.Component:
    """Find an account; nothing personal is shown before a reason is given."""
    return staff_frame(
        t(lang, "OKTRA back office · users"),
        S,
        _counts(),
        _search(lang),
        _hits(lang),
        _reason_form(lang),
        _user(lang),
        lang=lang,
        slug="users",
    )
