"""Pieces the English-only back-office pages share: a labelled field and the page frame
(who is signed in, the role refusal, the outcome messages)."""

from __future__ import annotations

import reflex as rx


def staff_input(
    label: str, name: str, *, errors: rx.Var | None = None, area: bool = False, **props: object
) -> rx.Component:
    """A labelled input (or text area), with its error under it when `errors` names it."""
    control = rx.text_area if area else rx.input
    error = (
        rx.cond(errors.contains(name), rx.text(errors[name], color_scheme="red", size="2"))
        if errors is not None
        else rx.fragment()
    )
    return rx.vstack(
        rx.text(label, as_="label", html_for=name, weight="medium"),
        control(id=name, name=name, width="100%", **props),
        error,
        width="100%",
        spacing="1",
    )


def staff_frame(title: str, state: type[rx.State], *children: rx.Component) -> rx.Component:
    """A back-office page: its title, the staff member and role, then either the refusal
    (role not allowed) or the outcome messages and the children."""
    return rx.container(
        rx.vstack(
            rx.heading(title, size="6"),
            rx.text(state.staff_name, " · ", state.staff_role),
            rx.cond(
                state.denied,
                rx.callout("Your role does not allow this page.", color_scheme="gray"),
                rx.vstack(
                    rx.cond(state.message != "", rx.callout(state.message, color_scheme="green")),
                    rx.cond(
                        state.error != "", rx.callout(state.error, color_scheme="red", role="alert")
                    ),
                    *children,
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
        ),
        size="3",
        padding_y="2rem",
        lang="en",
        dir="ltr",
    )
