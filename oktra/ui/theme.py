"""Colours, widths and the few styles every page shares."""

from __future__ import annotations

import reflex as rx

ACCENT = "teal"
MAX_WIDTH = "72rem"
FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", '
    '"Helvetica Neue", Arial, sans-serif'
)

THEME = rx.theme(accent_color=ACCENT, gray_color="slate", radius="medium", scaling="100%")

STYLE = {
    "font_family": FONT_STACK,
    "::selection": {"background_color": rx.color(ACCENT, 5)},
    "a:focus-visible, button:focus-visible": {
        "outline": f"3px solid {rx.color(ACCENT, 8)}",
        "outline_offset": "2px",
    },
}

CONTAINER = {"width": "100%", "max_width": MAX_WIDTH, "margin_x": "auto", "padding_x": "1.25rem"}
