"""The state every page shares: the visitor's language choice, kept in an essential cookie."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import localized_path, normalize_language
from oktra.privacy.cookies import LANGUAGE_COOKIE, ONE_YEAR_SECONDS


class LanguageState(rx.State):
    """The language switch and the redirect from / to the chosen language."""

    lang: str = rx.Cookie(
        "", name=LANGUAGE_COOKIE, max_age=ONE_YEAR_SECONDS, same_site="lax", path="/"
    )

    @rx.event
    def choose(self, lang: str):
        """Keep the choice and show the same page in that language."""
        self.lang = normalize_language(lang)
        return rx.redirect(localized_path(self.router.url.path, self.lang))

    @rx.event
    def enter(self):
        """From the bare address, go to the visitor's language (French by default)."""
        return rx.redirect(localized_path("/", normalize_language(self.lang)), replace=True)
