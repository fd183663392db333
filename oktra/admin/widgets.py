"""Pieces the back-office pages share: a labelled field and the page frame (the menu, the
language links, who is signed in, the role refusal, the outcome messages). Pages are built per
language: `/staff/{slug}` is English, `/fr/staff/{slug}` and `/ar/staff/{slug}` the others."""

from __future__ import annotations

import reflex as rx

from oktra.admin.navigation import STAFF_LANGUAGE, staff_href
from oktra.i18n import LANGUAGE_NAMES, LANGUAGES, N_, direction, t

LABEL_STYLE = {"font_weight": "500"}


def staff_label(text: str | rx.Var, name: str) -> rx.Component:
    """A real <label for=…> (rx.text(as_="label") drops the `for`)."""
    return rx.el.label(text, html_for=name, style=LABEL_STYLE)


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
        staff_label(label, name),
        control(id=name, name=name, width="100%", **props),
        error,
        width="100%",
        spacing="1",
    )


def _languages(lang: str, slug: str) -> rx.Component:
    return rx.hstack(
        *[
            rx.link(
                LANGUAGE_NAMES[code],
                href=staff_href(code, slug),
                lang=code,
                size="1",
                weight="bold" if code == lang else "regular",
                aria_current="page" if code == lang else None,
            )
            for code in LANGUAGES
        ],
        spacing="3",
    )


def staff_header(title: str, state: type[rx.State], lang: str, slug: str) -> rx.Component:
    """The page title, the menu of the pages the role may use, the language links, who is
    signed in, sign-out."""
    prefix = "" if lang == STAFF_LANGUAGE else f"/{lang}"
    return rx.vstack(
        rx.hstack(
            rx.el.nav(
                rx.hstack(
                    rx.foreach(
                        state.staff_links,
                        lambda page: rx.link(page["label"], href=prefix + page["href"], size="2"),
                    ),
                    wrap="wrap",
                    spacing="4",
                ),
                aria_label=t(lang, N_("Back office")),
            ),
            _languages(lang, slug),
            justify="between",
            wrap="wrap",
            width="100%",
        ),
        rx.heading(title, size="6", as_="h1"),
        rx.hstack(
            rx.text(state.staff_name, " · ", state.staff_role, size="2", color_scheme="gray"),
            rx.cond(
                state.staff_role != "",
                rx.form(
                    rx.button(t(lang, N_("Sign out")), type="submit", variant="soft", size="1"),
                    action=state.signout_url,
                    method="post",
                ),
            ),
            align="center",
            spacing="3",
        ),
        spacing="2",
        width="100%",
    )


def staff_frame(
    title: str, state: type[rx.State], *children: rx.Component, lang: str, slug: str
) -> rx.Component:
    """A back-office page: its header, then either the refusal (role not allowed) or the
    outcome messages and the children."""
    return rx.container(
        rx.vstack(
            staff_header(title, state, lang, slug),
            rx.cond(
                state.denied,
                rx.callout(t(lang, N_("Your role does not allow this page.")), color_scheme="gray"),
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
        lang=lang,
        dir=direction(lang),
    )
