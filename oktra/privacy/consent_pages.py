"""The cookie banner: fixed at the bottom of every customer page until the visitor answers, and
again from the footer's "Cookie settings". Its three answers look exactly alike."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import direction, t
from oktra.privacy.consent_state import ConsentState
from oktra.privacy.cookies import CATEGORY_DESCRIPTIONS, CATEGORY_TITLES, CookieCategory
from oktra.ui.layout import href
from oktra.ui.theme import ACCENT

BUTTON_PROPS = {"size": "2", "variant": "solid", "color_scheme": ACCENT}
BUTTON_STYLE = {"flex": "1 1 9rem", "min_height": "2.5rem"}


def answer_button(label: str, handler: rx.EventHandler, button_id: str) -> rx.Component:
    """One of the banner's answers: same size, variant and colour as the others."""
    return rx.button(
        label, on_click=handler, id=button_id, type="button", style=BUTTON_STYLE, **BUTTON_PROPS
    )


def category_switch(
    lang: str,
    category: CookieCategory,
    checked: rx.Var | None = None,
    on_change: rx.EventHandler | None = None,
) -> rx.Component:
    """A category's switch with its label and description (essential: always on)."""
    switch_id = f"consent-switch-{category.value}"
    if checked is None:
        switch = rx.switch(id=switch_id, default_checked=True, disabled=True)
    else:
        switch = rx.switch(id=switch_id, checked=checked, on_change=on_change)
    return rx.flex(
        switch,
        rx.box(
            rx.el.label(t(lang, CATEGORY_TITLES[category]), html_for=switch_id),
            rx.text(
                t(lang, CATEGORY_DESCRIPTIONS[category]),
                size="1",
                color_scheme="gray",
                as_="p",
            ),
        ),
        gap="0.75rem",
        align="start",
    )


def switches(lang: str) -> rx.Component:
    """The three categories, shown after "Choose"."""
    return rx.flex(
        category_switch(lang, CookieCategory.ESSENTIAL),
        category_switch(
            lang,
            CookieCategory.ANALYTICS,
            ConsentState.analytics_switch,
            ConsentState.set_analytics_switch,
        ),
        category_switch(
            lang,
            CookieCategory.FUNCTIONAL,
            ConsentState.functional_switch,
            ConsentState.set_functional_switch,
        ),
        id="consent-switches",
        direction="column",
        gap="0.75rem",
    )


def banner(lang: str) -> rx.Component:
    """The banner itself: a labelled region, right to left in Arabic, one column at 360 px."""
    return rx.el.section(
        rx.flex(
            rx.heading(t(lang, "Cookies and your privacy"), as_="h2", size="4", id="consent-title"),
            rx.text(
                t(
                    lang,
                    "OKTRA needs essential cookies to work. With your consent it also measures "
                    "its audience anonymously and remembers interface preferences. You can "
                    "change your choice at any time with the Cookie settings link at the "
                    "bottom of every page.",
                ),
                size="2",
                as_="p",
            ),
            rx.link(t(lang, "Cookie policy"), href=href(lang, "cookies"), size="2"),
            rx.cond(ConsentState.choosing, switches(lang)),
            rx.flex(
                answer_button(t(lang, "Accept all"), ConsentState.accept_all, "consent-accept"),
                answer_button(t(lang, "Reject all"), ConsentState.reject_all, "consent-reject"),
                rx.cond(
                    ConsentState.choosing,
                    answer_button(
                        t(lang, "Save my choices"), ConsentState.save_choices, "consent-save"
                    ),
                    answer_button(t(lang, "Choose"), ConsentState.choose, "consent-choose"),
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
            direction="column",
            gap="0.75rem",
            style={"max_width": "60rem", "margin": "0 auto"},
        ),
        id="consent-banner",
        role="region",
        aria_label=t(lang, "Cookie choice"),
        lang=lang,
        dir=direction(lang),
        style={
            "position": "fixed",
            "bottom": "0",
            "left": "0",
            "right": "0",
            "z_index": "20",
            "max_height": "85vh",
            "overflow_y": "auto",
            "padding": "1rem",
            "background": rx.color("gray", 1),
            "border_top": f"1px solid {rx.color('gray', 6)}",
            "box_shadow": "0 -4px 16px rgba(0, 0, 0, 0.12)",
        },
    )


def consent_banner(lang: str, route: str) -> rx.Component:
    """The first-visit cookie choice, the sync of a signed-in account's choice, and the page
    view that only a standing analytics consent renders (and so sends)."""
    return rx.fragment(
        rx.box(on_mount=ConsentState.sync, display="none"),
        rx.cond(
            ConsentState.analytics_on,
            rx.box(on_mount=ConsentState.page_view(route), display="none", id="analytics-on"),
        ),
        rx.cond(rx.State.is_hydrated & ConsentState.banner_open, banner(lang)),
    )
