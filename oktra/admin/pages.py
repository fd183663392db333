"""The staff sign-in page, in the back office's three languages (see docs/staff-roles.md):
/staff/signin in English, /fr/staff/signin and /ar/staff/signin."""

from __future__ import annotations

import reflex as rx

from oktra.admin.state import StaffSignInState
from oktra.admin.widgets import staff_input
from oktra.i18n import direction, t


def _frame(lang: str, *children: rx.Component) -> rx.Component:
    return rx.container(
        rx.vstack(rx.heading(t(lang, "OKTRA back office"), size="6"), *children, spacing="4"),
        size="2",
        padding_y="2rem",
        lang=lang,
        dir=direction(lang),
    )


def staff_signin(lang: str) -> rx.Component:
    """Email, password and the six-digit code of the authenticator app."""
    return _frame(
        lang,
        rx.form(
            rx.vstack(
                staff_input(
                    t(lang, "Email"), "email", type="email", auto_complete="username", required=True
                ),
                staff_input(
                    t(lang, "Password"),
                    "password",
                    type="password",
                    auto_complete="current-password",
                ),
                staff_input(
                    t(lang, "Authenticator code"),
                    "code",
                    input_mode="numeric",
                    auto_complete="one-time-code",
                    max_length=7,
                ),
                rx.cond(
                    StaffSignInState.error != "",
                    rx.callout(StaffSignInState.error, color_scheme="red", role="alert"),
                ),
                rx.button(t(lang, "Sign in"), type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=StaffSignInState.submit,
            reset_on_submit=False,
        ),
    )
