"""The "My data" page: what OKTRA holds (access), objections, a copy of the data (portability)
and the deletion of the account, with its receipt."""

from __future__ import annotations

import reflex as rx

from oktra.i18n import t
from oktra.privacy.erased_pages import receipt
from oktra.privacy.mydata_state import DataCategory, MyDataState
from oktra.privacy.objections import HINTS, LABELS, PURPOSES
from oktra.ui.forms import field_error, form_card, stacked_form, text_field
from oktra.ui.layout import page_frame

S = MyDataState
WORKING = (S.export_status == "pending") | (S.export_status == "building")


def _section(anchor: str, title: str, intro: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h2", size="5", id=f"{anchor}-title"),
        rx.text(intro, size="2", color_scheme="gray", margin_y="0.5rem"),
        *children,
        id=anchor,
        aria_labelledby=f"{anchor}-title",
        margin_top="2.5rem",
    )


def _row(row) -> rx.Component:
    return rx.card(
        rx.data_list.root(
            rx.foreach(
                row,
                lambda cell: rx.data_list.item(
                    rx.data_list.label(cell.label, min_width="8rem"),
                    rx.data_list.value(cell.value, overflow_wrap="anywhere"),
                ),
            ),
            orientation={"initial": "vertical", "sm": "horizontal"},
            size="1",
        ),
        margin_bottom="0.5rem",
        class_name="data-row",
    )


def _category(lang: str, category: DataCategory) -> rx.Component:
    """One category, folded: its name and how many rows; open it to read them."""
    return rx.el.details(
        rx.el.summary(
            rx.text(category.title, as_="span", weight="medium"),
            rx.badge(category.count, margin_inline_start="0.5rem"),
            style={"cursor": "pointer", "padding_y": "0.6rem"},
        ),
        rx.cond(
            category.count > 0,
            rx.foreach(
                category.tables,
                lambda table: rx.box(
                    rx.heading(table.title, as_="h3", size="3", margin_top="0.75rem"),
                    rx.text(t(lang, "Kept:"), " ", table.retention, size="1", color_scheme="gray"),
                    rx.box(
                        rx.cond(
                            table.rows.length() > 0,
                            rx.foreach(table.rows, _row),
                            rx.text(t(lang, "Nothing stored here."), size="2", color_scheme="gray"),
                        ),
                        margin_top="0.5rem",
                    ),
                    rx.cond(
                        table.more > 0,
                        rx.text(
                            t(lang, "Older rows not shown here, all in your export:"),
                            " ",
                            table.more,
                            size="2",
                        ),
                    ),
                ),
            ),
            rx.text(
                t(lang, "OKTRA holds nothing about you in this category."),
                size="2",
                color_scheme="gray",
            ),
        ),
        class_name="data-category",
        style={"border_bottom": f"1px solid {rx.color('gray', 5)}", "padding_inline": "0.25rem"},
    )


def access_section(lang: str) -> rx.Component:
    """Every category of data OKTRA holds about the user."""
    return _section(
        "access",
        t(lang, "What OKTRA holds about you"),
        t(lang, "Everything linked to your account, grouped by category. Open one to read it."),
        rx.cond(
            S.categories.length() > 0,
            rx.box(rx.foreach(S.categories, lambda category: _category(lang, category))),
            rx.text(t(lang, "OKTRA holds no data about you."), id="access-empty"),
        ),
    )


def _switch(lang: str, purpose: str) -> rx.Component:
    switch_id = f"switch-{purpose.replace('_', '-')}"
    return rx.flex(
        rx.box(
            rx.el.label(t(lang, LABELS[purpose]), html_for=switch_id, style={"font_weight": "500"}),
            rx.text(t(lang, HINTS[purpose]), size="2", color_scheme="gray", id=f"{switch_id}-hint"),
            flex="1",
            min_width="0",
        ),
        rx.switch(
            id=switch_id,
            checked=S.switches[purpose],
            on_change=lambda value: S.toggle(purpose, value),
            aria_describedby=f"{switch_id}-hint",
            size="3",
        ),
        justify="between",
        align="center",
        gap="1rem",
        padding_y="0.75rem",
        style={"border_bottom": f"1px solid {rx.color('gray', 4)}"},
    )


def objection_section(lang: str) -> rx.Component:
    """One switch per purpose the user may object to; each applies at once."""
    return _section(
        "objection",
        t(lang, "Your choices"),
        t(lang, "Turn off what you object to; it stops at once and the change is recorded."),
        rx.card(*[_switch(lang, purpose) for purpose in PURPOSES], max_width="44rem"),
        rx.text(
            S.switch_notice, role="status", size="2", color_scheme="green", margin_top="0.5rem"
        ),
    )


def _download(lang: str) -> rx.Component:
    return rx.box(
        rx.cond(
            S.download_url != "",
            rx.link(
                rx.button(t(lang, "Download the file"), size="3", as_="span"),
                href=S.download_url,
                id="export-download",
            ),
            rx.button(
                t(lang, "Get a download link"),
                on_click=S.new_download_link,
                size="3",
                variant="outline",
                id="export-link",
            ),
        ),
        rx.cond(
            S.export_expires != "",
            rx.text(
                t(lang, "The file is deleted on"),
                " ",
                S.export_expires,
                ".",
                size="2",
                color_scheme="gray",
                id="export-expires",
            ),
        ),
        margin_top="1rem",
    )


def portability_section(lang: str) -> rx.Component:
    """Ask for a copy of the data, follow its building, download it."""
    return _section(
        "portability",
        t(lang, "A copy of your data"),
        t(
            lang,
            "A ZIP file with your data in JSON and CSV, usually ready in a few minutes; this "
            "page shows its progress.",
        ),
        rx.button(
            t(lang, "Download my data"),
            on_click=S.request_export,
            disabled=WORKING,
            size="3",
            id="export-request",
        ),
        rx.box(
            rx.cond(
                WORKING,
                rx.box(
                    rx.flex(
                        rx.text(t(lang, "Preparing your file:"), " ", S.export_progress, " %"),
                        rx.button(
                            t(lang, "Check again"),
                            on_click=S.refresh_export,
                            size="1",
                            variant="ghost",
                            id="export-refresh",
                        ),
                        justify="between",
                        align="center",
                        gap="1rem",
                        wrap="wrap",
                    ),
                    rx.progress(
                        value=S.export_progress,
                        max=100,
                        aria_label=t(lang, "Progress of your export"),
                        id="export-progress",
                        margin_top="0.5rem",
                    ),
                    max_width="30rem",
                ),
            ),
            rx.cond(S.export_status == "ready", _download(lang)),
            rx.cond(
                S.export_message != "",
                rx.callout(S.export_message, icon="triangle_alert", color_scheme="amber"),
            ),
            role="status",
            margin_top="1rem",
            id="export-status",
        ),
    )


def _plan_list(title: str, items, list_id: str) -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h3", size="3", margin_bottom="0.4rem"),
        rx.el.ul(
            rx.foreach(items, lambda item: rx.el.li(item, style={"margin_bottom": "0.3rem"})),
            id=list_id,
            style={"padding_inline_start": "1.25rem", "list_style": "disc"},
        ),
        flex="1",
        min_width="min(100%, 16rem)",
    )


def _delete_form(lang: str) -> rx.Component:
    errors = S.delete_errors
    return stacked_form(
        text_field(
            t(lang, "Your password"),
            "password",
            errors,
            kind="password",
            autocomplete="current-password",
            required=True,
        ),
        rx.box(
            rx.el.label(
                t(lang, "To confirm, type your email address"),
                html_for="confirm_email",
                style={"font_weight": "500", "font_size": "0.9rem"},
            ),
            rx.text(S.account_email, size="2", color_scheme="gray", id="confirm_email-hint"),
            rx.input(
                name="confirm_email",
                id="confirm_email",
                type="email",
                auto_complete="off",
                required=True,
                aria_describedby="confirm_email-hint confirm_email-error",
                dir="ltr",
                size="3",
            ),
            field_error(errors, "confirm_email"),
            display="flex",
            flex_direction="column",
            gap="0.3rem",
        ),
        rx.button(
            t(lang, "Delete my account for good"),
            type="submit",
            color_scheme="red",
            size="3",
            loading=S.deleting,
            id="delete-account",
        ),
        on_submit=S.delete_account,
        reset_on_submit=False,
        id="delete-form",
    )


def deletion_section(lang: str) -> rx.Component:
    """What a deletion erases and keeps, then the password and the typed confirmation."""
    return _section(
        "deletion",
        t(lang, "Delete your account"),
        t(
            lang,
            "Deletion cannot be undone. Your alerts stop and you are signed out; we email you "
            "a receipt.",
        ),
        rx.flex(
            _plan_list(t(lang, "Erased"), S.erased_items, "erased-items"),
            _plan_list(t(lang, "Kept, as the law requires"), S.kept_items, "kept-items"),
            gap="1.5rem",
            wrap="wrap",
            margin_y="1rem",
        ),
        form_card(_delete_form(lang)),
    )


def _signout_after_erasure(lang: str) -> rx.Component:
    """The sign-out form the deletion submits once the receipt is shown: outside the sections,
    which the receipt replaces."""
    return rx.el.form(
        rx.el.input(type="hidden", name="next", value=f"/{lang}"),
        action=S.signout_url,
        method="post",
        id="erase-signout",
    )


def my_data(lang: str) -> rx.Component:
    """The signed-in user's data and rights."""
    sections = [
        (t(lang, "What OKTRA holds about you"), "access"),
        (t(lang, "Your choices"), "objection"),
        (t(lang, "A copy of your data"), "portability"),
        (t(lang, "Delete your account"), "deletion"),
    ]
    return page_frame(
        lang,
        rx.heading(t(lang, "My data"), as_="h1", size="7"),
        rx.cond(
            S.receipt_reference != "",
            receipt(lang),
            rx.cond(
                S.loaded,
                rx.box(
                    rx.el.nav(
                        *[rx.link(label, href=f"#{anchor}") for label, anchor in sections],
                        aria_label=t(lang, "On this page"),
                        style={"display": "flex", "gap": "1rem", "flex_wrap": "wrap"},
                        margin_top="1rem",
                    ),
                    access_section(lang),
                    objection_section(lang),
                    portability_section(lang),
                    deletion_section(lang),
                ),
                rx.center(rx.spinner(size="3"), aria_busy="true", padding="3rem"),
            ),
        ),
        _signout_after_erasure(lang),
    )
