"""The staff sign-in page (English only, see docs/staff-roles.md)."""

from __future__ import annotations

import reflex as rx

from oktra.admin.state import StaffSignInState
from oktra.admin.widgets import staff_input


def _frame(*children: rx.Component) -> rx.Component:
    return rx.container(
        rx.vstack(rx.heading("OKTRA back office", size="6"), *children, spacing="4"),
        size="2",
        padding_y="2rem",
        lang="en",
        dir="ltr",
    )


def staff_signin() -> rx.Component:
    """Email, password and the six-digit code of the authenticator app."""
    return _frame(
        rx.form(
            rx.vstack(
                staff_input(
                    "Email", "email", type="email", auto_complete="username", required=True
                ),
                staff_input(
                    "Password", "password", type="password", auto_complete="current-password"
                ),
                staff_input(
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
