"""What every customer page carries over its content: the cookie choice and the notice of a
substantial policy change."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from oktra.privacy.consent_pages import consent_banner
from oktra.privacy.notice_pages import policy_banner


def with_banners(
    builder: Callable[[str], rx.Component], lang: str, route: str
) -> Callable[[], rx.Component]:
    """A page builder whose page also shows the banners, in the page's language."""

    def page() -> rx.Component:
        return rx.fragment(builder(lang), policy_banner(lang), consent_banner(lang, route))

    return page
