"""The Reflex app: pages in every language, HTTP routes, and the scheduler's lifespan task."""

from __future__ import annotations

import functools

import reflex as rx

from oktra.api import build_api
from oktra.i18n import LANGUAGES, N_, t
from oktra.lifespan import scheduler_lifespan
from oktra.logging_setup import configure_logging
from oktra.privacy import pages as privacy_pages
from oktra.public import pages as public_pages
from oktra.ui.state import LanguageState
from oktra.ui.theme import STYLE

configure_logging()

# (slug, page builder, title message); every page exists once per language.
PAGES = (
    ("", public_pages.home, N_("OKTRA: Moroccan public tender alerts")),
    ("contact", public_pages.contact, N_("Contact us")),
    ("signup", public_pages.signup, N_("Create your account")),
    ("privacy", privacy_pages.privacy, N_("Privacy policy")),
    ("cookies", privacy_pages.cookies, N_("Cookie policy")),
    ("terms", privacy_pages.terms, N_("Terms of use")),
)


def entry() -> rx.Component:
    """The bare address: sends the visitor to their language."""
    return rx.center(rx.spinner(size="3"), height="100vh", aria_busy="true")


app = rx.App(style=STYLE, api_transformer=build_api())
app.register_lifespan_task(scheduler_lifespan)
app.add_page(entry, route="/", title="OKTRA", on_load=LanguageState.enter)
for lang in LANGUAGES:
    for slug, builder, title in PAGES:
        app.add_page(
            functools.partial(builder, lang),
            route=f"/{lang}/{slug}" if slug else f"/{lang}",
            title=t(lang, title) if slug == "" else f"{t(lang, title)} · OKTRA",
            description=t(lang, PAGES[0][2]),
        )
