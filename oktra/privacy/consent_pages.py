"""The cookie banner (replaced by the consent work)."""

from __future__ import annotations

import reflex as rx


def consent_banner(lang: str) -> rx.Component:
    """The first-visit cookie choice."""
    return rx.fragment()
