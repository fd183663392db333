"""The frame of every page: skip link, header with language switch, main, footer with identity.

Pages are compiled once per language (docs/i18n.md): `lang` is a plain string here, so every text
and the `dir` attribute are written into the page at build time.
"""

from __future__ import annotations

import reflex as rx

from oktra.accounts.state import AuthState
from oktra.i18n import LANGUAGE_NAMES, LANGUAGES, direction, t
from oktra.privacy.consent_state import ConsentState
from oktra.privacy.policy import identity_values
from oktra.settings import get_settings
from oktra.ui.state import LanguageState
from oktra.ui.theme import ACCENT, CONTAINER


def href(lang: str, slug: str = "") -> str:
    """The address of a page in a language."""
    return f"/{lang}/{slug}" if slug else f"/{lang}"


def language_switch(lang: str) -> rx.Component:
    """One button per language; the current one is marked and disabled."""
    return rx.el.nav(
        *[
            rx.button(
                LANGUAGE_NAMES[code],
                on_click=LanguageState.choose(code),
                variant="solid" if code == lang else "ghost",
                size="1",
                disabled=code == lang,
                lang=code,
                aria_pressed="true" if code == lang else "false",
                id=f"lang-{code}",
            )
            for code in LANGUAGES
        ],
        aria_label=t(lang, "Language"),
        style={"display": "flex", "gap": "0.5rem", "align_items": "center"},
    )


def header(lang: str) -> rx.Component:
    """Brand, main navigation and the language switch; wraps on narrow screens."""
    nav_links = [
        (t(lang, "Tenders"), href(lang, "tenders")),
        (t(lang, "Plans"), href(lang) + "#plans"),
        (t(lang, "Contact"), href(lang, "contact")),
    ]
    return rx.el.header(
        rx.flex(
            rx.link(
                rx.text("OKTRA", as_="span", size="6", weight="bold", color=rx.color(ACCENT, 11)),
                href=href(lang),
                underline="none",
                aria_label=t(lang, "OKTRA home page"),
            ),
            rx.flex(
                *[rx.link(label, href=url, color_scheme="gray") for label, url in nav_links],
                rx.cond(
                    AuthState.signed_in,
                    rx.link(t(lang, "My alerts"), href=href(lang, "alerts"), id="nav-alerts"),
                ),
                rx.cond(
                    AuthState.signed_in,
                    rx.link(t(lang, "My account"), href=href(lang, "account"), id="nav-account"),
                    rx.link(t(lang, "Sign in"), href=href(lang, "signin"), id="nav-signin"),
                ),
                language_switch(lang),
                gap="1.25rem",
                align="center",
                wrap="wrap",
            ),
            justify="between",
            align="center",
            wrap="wrap",
            gap="0.75rem",
            style={**CONTAINER, "padding_y": "0.9rem"},
        ),
        style={"border_bottom": f"1px solid {rx.color('gray', 5)}"},
    )


def cookie_settings_link(lang: str) -> rx.Component:
    """Reopens the cookie choice: a button (it opens no page) drawn as the footer's links."""
    return rx.link(
        rx.el.button(
            t(lang, "Cookie settings"),
            type="button",
            on_click=ConsentState.open_settings,
            id="cookie-settings",
            style={
                "background": "none",
                "border": "none",
                "padding": "0",
                "font": "inherit",
                "cursor": "pointer",
            },
        ),
        as_child=True,
        size="2",
    )


def footer(lang: str) -> rx.Component:
    """Legal identity (from the settings) and the legal links."""
    identity = identity_values(get_settings(), lang)
    lines = [
        " · ".join(
            [
                identity["company_name"],
                t(lang, "Share capital: {amount} MAD").format(amount=identity["share_capital"]),
                f"{identity['address']}, {identity['city']}",
            ]
        ),
        f"RC: {identity['rc_number']} · IF: {identity['if_number']} · ICE: "
        f"{identity['ice_number']}",
        f"{identity['contact_email']} · {identity['phone']} · DPO: {identity['dpo_email']}",
    ]
    links = [
        (t(lang, "Privacy policy"), "privacy"),
        (t(lang, "Cookie policy"), "cookies"),
        (t(lang, "Terms of use"), "terms"),
        (t(lang, "Contact"), "contact"),
    ]
    return rx.el.footer(
        rx.box(
            rx.flex(
                *[rx.link(label, href=href(lang, slug), size="2") for label, slug in links],
                cookie_settings_link(lang),
                gap="1.25rem",
                wrap="wrap",
            ),
            rx.box(
                *[rx.text(line, size="1", color_scheme="gray") for line in lines],
                margin_top="1rem",
            ),
            style={**CONTAINER, "padding_y": "2rem"},
        ),
        style={"border_top": f"1px solid {rx.color('gray', 5)}", "margin_top": "4rem"},
    )


def page_frame(lang: str, *children: rx.Component) -> rx.Component:
    """A whole page in one language, with its direction set for right-to-left Arabic."""
    return rx.el.div(
        rx.link(
            t(lang, "Skip to content"),
            href="#main",
            class_name="skip-link",
            style={
                "position": "absolute",
                "left": "-999px",
                "&:focus": {"left": "1rem", "top": "1rem", "z_index": "10"},
            },
        ),
        header(lang),
        rx.el.main(*children, id="main", style={**CONTAINER, "padding_y": "2rem"}),
        footer(lang),
        id="page",
        lang=lang,
        dir=direction(lang),
        style={"min_height": "100vh", "display": "flex", "flex_direction": "column"},
    )


def notice(icon: str, *children: rx.Component | str, **props: object) -> rx.Component:
    """A callout whose text may hold links (one paragraph, never a paragraph in a paragraph)."""
    return rx.callout.root(
        rx.callout.icon(rx.icon(icon)),
        rx.callout.text(*children),
        **props,
    )
