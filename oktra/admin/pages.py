"""Staff pages (English only, see docs/staff-roles.md): sign-in and the user look-up."""

from __future__ import annotations

import reflex as rx

from oktra.admin.state import StaffSignInState, StaffUsersState


def _frame(*children: rx.Component) -> rx.Component:
    return rx.container(
        rx.vstack(rx.heading("OKTRA back office", size="6"), *children, spacing="4"),
        size="2",
        padding_y="2rem",
        lang="en",
        dir="ltr",
    )


def _field(label: str, name: str, kind: str = "text", **props: object) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", html_for=name, weight="medium"),
        rx.input(id=name, name=name, type=kind, width="100%", **props),
        width="100%",
        spacing="1",
    )


def staff_signin() -> rx.Component:
    """Email, password and the six-digit code of the authenticator app."""
    return _frame(
        rx.form(
            rx.vstack(
                _field("Email", "email", "email", auto_complete="username", required=True),
                _field("Password", "password", "password", auto_complete="current-password"),
                _field(
                    "Authenticator code",
                    "code",
                    input_mode="numeric",
                    auto_complete="one-time-code",
                    max_length=7,
                ),
                rx.cond(
                    StaffSignInState.error != "",
                    rx.callout(StaffSignInState.error, color_scheme="red", role="alert"),
                ),
                rx.button("Sign in", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=StaffSignInState.submit,
            reset_on_submit=False,
        )
    )


def staff_users() -> rx.Component:
    """Look up a user: the reason is asked before anything is shown."""
    return _frame(
        rx.hstack(
            rx.text(StaffUsersState.staff_name, " · ", StaffUsersState.staff_role),
            rx.form(
                rx.button("Sign out", type="submit", variant="soft"),
                action=StaffUsersState.signout_url,
                method="post",
            ),
            justify="between",
            width="100%",
        ),
        rx.hstack(
            rx.foreach(
                StaffUsersState.statistics,
                lambda item: rx.badge(item[0], ": ", item[1].to_string()),
            ),
            wrap="wrap",
        ),
        rx.cond(
            StaffUsersState.denied,
            rx.callout("Your role does not allow looking up users.", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    _field("Exact email or user id", "query", required=True),
                    _field("Why do you need this user's data?", "reason", required=True),
                    rx.button("Look up", type="submit"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=StaffUsersState.look_up,
                reset_on_submit=False,
            ),
        ),
        rx.cond(
            StaffUsersState.error != "",
            rx.callout(StaffUsersState.error, color_scheme="red", role="alert"),
        ),
        rx.foreach(
            StaffUsersState.sections,
            lambda section: rx.card(
                rx.heading(section["category"], size="3"),
                rx.text(section["text"], white_space="pre-wrap", font_family="monospace"),
                width="100%",
            ),
        ),
    )
