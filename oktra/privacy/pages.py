"""The published texts: privacy policy, terms of use and cookie policy."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import LANGUAGE_NAMES, N_, format_date, t
from oktra.privacy.cookies import CATEGORY_DESCRIPTIONS, CATEGORY_TITLES, keys_by_category
from oktra.privacy.legal_state import LegalState
from oktra.privacy.policy import Block, Document, render_document
from oktra.privacy.version_pages import stored_legal_text, versions_link
from oktra.settings import get_settings
from oktra.ui.layout import href, notice, page_frame

TITLES = {"privacy": N_("Privacy policy"), "terms": N_("Terms of use")}
COLUMNS = (N_("Name"), N_("Storage"), N_("Purpose"), N_("Lifetime"), N_("Set by"))


def block(item: Block) -> rx.Component:
    """One block of a legal text."""
    if item.kind == "h3":
        return rx.heading(item.text, as_="h3", size="3", margin_top="1rem")
    if item.kind == "ul":
        return rx.list.unordered(*[rx.list.item(text) for text in item.items])
    return rx.text(item.text, as_="p", margin_y="0.5rem")


def prevailing_notice(document: Document) -> rx.Component:
    """Which text prevails, and a link to it, on every translation."""
    reference = document.reference_language
    if document.lang == reference:
        return rx.text(
            t(document.lang, "This English text is the reference version."),
            size="2",
            color_scheme="gray",
        )
    statement = t(
        document.lang,
        "This is a translation provided for convenience; in case of discrepancy, "
        "the English text prevails.",
    )
    return notice(
        "info",
        f"{statement} ",
        rx.link(LANGUAGE_NAMES[reference], href=href(reference, document.name), lang=reference),
        size="1",
        id="prevailing-notice",
    )


def legal_text(name: str, lang: str) -> rx.Component:
    """A legal text rendered section by section, with its version and date."""
    document = render_document(name, lang, get_settings())
    header = [
        rx.heading(t(lang, TITLES[name]), as_="h1", size="8"),
        rx.text(
            t(lang, "Last updated: {date} · Version {version}").format(
                date=format_date(document.last_updated, lang), version=document.version
            ),
            color_scheme="gray",
            id="document-version",
        ),
    ]
    if document.draft:
        header.append(
            rx.callout(
                t(lang, "Draft: this text is under legal review and may still change."),
                icon="triangle_alert",
                color_scheme="amber",
                id="draft-notice",
            )
        )
    header.append(prevailing_notice(document))
    header.append(versions_link(name, lang))
    contents = rx.el.nav(
        rx.heading(t(lang, "Contents"), as_="h2", size="3"),
        rx.list.ordered(
            *[
                rx.list.item(rx.link(section.title, href=f"#{section.id}"))
                for section in document.sections
            ]
        ),
        aria_label=t(lang, "Contents"),
        margin_y="1.5rem",
    )
    sections = [
        rx.el.section(
            rx.heading(f"{section.number}. {section.title}", as_="h2", size="5"),
            *[block(item) for item in section.blocks],
            id=section.id,
            margin_top="1.75rem",
        )
        for section in document.sections
    ]
    return page_frame(
        lang,
        rx.flex(*header, direction="column", gap="0.75rem"),
        *[block(item) for item in document.intro],
        contents,
        *sections,
    )


def published_text(name: str, lang: str) -> rx.Component:
    """The text built into the page, or the stored version in force when it differs (a new
    text deployed but not yet published in the back office)."""
    return rx.cond(LegalState.stored_shown, stored_legal_text(name, lang), legal_text(name, lang))


def privacy(lang: str) -> rx.Component:
    """The privacy policy page."""
    return published_text("privacy", lang)


def terms(lang: str) -> rx.Component:
    """The terms of use page (a draft, versioned like the policy)."""
    return published_text("terms", lang)


def cookies(lang: str) -> rx.Component:
    """The cookie policy, rendered from the registry of cookies and storage keys."""
    groups = []
    for category, keys in keys_by_category().items():
        rows = [
            rx.table.row(
                rx.table.row_header_cell(rx.code(key.name)),
                rx.table.cell(key.storage),
                rx.table.cell(t(lang, key.purpose)),
                rx.table.cell(t(lang, key.lifetime)),
                rx.table.cell(key.written_by),
            )
            for key in keys
        ]
        table = (
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(t(lang, label)) for label in COLUMNS]
                    )
                ),
                rx.table.body(*rows),
                variant="surface",
            )
            if rows
            else rx.text(t(lang, "OKTRA sets none of these today."), color_scheme="gray")
        )
        groups.append(
            rx.el.section(
                rx.heading(t(lang, CATEGORY_TITLES[category]), as_="h2", size="5"),
                rx.text(t(lang, CATEGORY_DESCRIPTIONS[category]), margin_y="0.5rem"),
                rx.box(table, overflow_x="auto"),
                id=f"cookies-{category.value}",
                margin_top="1.75rem",
            )
        )
    return page_frame(
        lang,
        rx.heading(t(lang, "Cookie policy"), as_="h1", size="8"),
        rx.text(
            t(
                lang,
                "Every cookie and browser storage key that OKTRA writes is listed here, with "
                "its purpose and lifetime.",
            ),
            color_scheme="gray",
            margin_top="0.75rem",
        ),
        *groups,
    )
