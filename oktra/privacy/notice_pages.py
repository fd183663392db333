"""The in-app notice of a substantial policy change (replaced by the policy-versions work)."""

from __future__ import annotations

import reflex as rx


def policy_banner(lang: str) -> rx.Component:
    """The notice shown until the user acknowledges it."""
    return rx.fragment()
