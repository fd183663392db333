"""Legal texts as stored when published: the version in force when it is not the one built into
the pages, and every past version under /{lang}/privacy/versions and /{lang}/terms/versions."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import N_, t
from oktra.privacy.legal_state import LegalState
from oktra.ui.layout import href, notice, page_frame

S = LegalState
TITLES = {"privacy": N_("Privacy policy"), "terms": N_("Terms of use")}


def _row(row: rx.Var) -> rx.Component:
    return rx.match(
        row["kind"],
        (
            "h2",
            rx.heading(row["text"], as_="h2", size="5", margin_top="1.75rem", id=row["id"]),
        ),
        ("h3", rx.heading(row["text"], as_="h3", size="3", margin_top="1rem")),
        ("li", rx.text("• ", row["text"], as_="div", padding_inline_start="1rem")),
        rx.text(row["text"], as_="p", margin_y="0.5rem"),
    )


def stored_text() -> rx.Component:
    """A stored version, row by row, with its version line."""
    return rx.box(
        rx.text(S.heading, color_scheme="gray", id="document-version"),
        rx.foreach(S.rows, _row),
        id="stored-text",
    )


def versions_link(name: str, lang: str) -> rx.Component:
    """The link from a legal text to its past versions."""
    return rx.link(
        t(lang, "Previous versions"), href=href(lang, f"{name}/versions"), id="versions-link"
    )


def stored_legal_text(name: str, lang: str) -> rx.Component:
    """The version in force, as stored, while the pages were built from another one."""
    return page_frame(
        lang,
        rx.heading(t(lang, TITLES[name]), as_="h1", size="8"),
        stored_text(),
        rx.box(versions_link(name, lang), margin_top="1.5rem"),
    )


def versions_page(name: str, lang: str) -> rx.Component:
    """Every published version of a text, and the one asked for, exactly as published."""
    current_page = href(lang, name)
    return page_frame(
        lang,
        rx.heading(t(lang, TITLES[name]), as_="h1", size="8"),
        rx.heading(t(lang, "Previous versions"), as_="h2", size="5", margin_top="1rem"),
        rx.list.unordered(
            rx.foreach(
                S.versions,
                lambda item: rx.list.item(
                    rx.link(item["version"], href=item["url"]),
                    " · ",
                    item["published"],
                    rx.cond(
                        item["current"] != "",
                        rx.badge(t(lang, "in force"), margin_inline_start="0.5rem"),
                    ),
                ),
            ),
            id="version-list",
        ),
        rx.cond(
            S.missing,
            notice("triangle-alert", t(lang, "No version has this number."), margin_top="1rem"),
            rx.box(
                rx.cond(
                    S.selected != S.current,
                    notice(
                        "info",
                        t(lang, "This is a past version. The version in force is here:") + " ",
                        rx.link(t(lang, TITLES[name]), href=current_page),
                        margin_top="1rem",
                    ),
                ),
                stored_text(),
                margin_top="1.5rem",
            ),
        ),
    )


def privacy_versions(lang: str) -> rx.Component:
    """/{lang}/privacy/versions."""
    return versions_page("privacy", lang)


def terms_versions(lang: str) -> rx.Component:
    """/{lang}/terms/versions."""
    return versions_page("terms", lang)
