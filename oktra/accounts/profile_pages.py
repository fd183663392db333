"""The account page: every field editable in place, password, devices, sign-out."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.interests import REGIONS, SECTORS
from oktra.accounts.pages import account_fields, new_password_field
from oktra.accounts.profile_state import AccountState
from oktra.i18n import LANGUAGE_NAMES, LANGUAGES, t
from oktra.ui.forms import choice_boxes, field_error, form_card, stacked_form, text_field
from oktra.ui.layout import page_frame


def _section(title: str, *children: rx.Component, **props: object) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h2", size="5", margin_bottom="0.75rem"),
        *children,
        margin_top="2rem",
        **props,
    )


def _choices(lang: str, legend: str, prefix: str, options, chosen) -> rx.Component:
    translated = [(code, t(lang, label)) for code, label in options]
    error = field_error(AccountState.errors, f"{prefix}s")
    return choice_boxes(legend, prefix, translated, chosen, error=error)


def profile_form(lang: str) -> rx.Component:
    """Name, email, company, phone, language and interests, saved together."""
    errors = AccountState.errors
    return stacked_form(
        *account_fields(
            lang,
            errors,
            values={
                "full_name": AccountState.full_name,
                "email": AccountState.email,
                "company_name": AccountState.company_name,
                "phone": AccountState.phone,
            },
            email_hint=t(lang, "A new address must be confirmed again."),
        ),
        rx.box(
            rx.el.label(
                t(lang, "Language of emails"),
                html_for="language",
                style={"font_weight": "500", "font_size": "0.9rem"},
            ),
            rx.el.select(
                *[rx.el.option(LANGUAGE_NAMES[code], value=code) for code in LANGUAGES],
                name="language",
                id="language",
                default_value=AccountState.language,
                style={"padding": "0.5rem", "border_radius": "6px", "width": "100%"},
            ),
            field_error(errors, "language"),
            display="flex",
            flex_direction="column",
            gap="0.3rem",
        ),
        _choices(lang, t(lang, "Sectors of interest"), "sector", SECTORS, AccountState.sectors),
        _choices(lang, t(lang, "Regions of interest"), "region", REGIONS, AccountState.regions),
        rx.button(t(lang, "Save my changes"), type="submit", size="3"),
        on_submit=AccountState.save_profile,
        key=AccountState.form_key,
        id="profile-form",
    )


def password_form(lang: str) -> rx.Component:
    """Change the password (ends every other session)."""
    errors = AccountState.password_errors
    return stacked_form(
        text_field(
            t(lang, "Current password"),
            "current_password",
            errors,
            kind="password",
            autocomplete="current-password",
            required=True,
        ),
        new_password_field(lang, errors, "new_password", t(lang, "New password")),
        rx.button(t(lang, "Change my password"), type="submit", size="3", variant="outline"),
        on_submit=AccountState.change_password,
        reset_on_submit=True,
        id="password-form",
    )


def devices(lang: str) -> rx.Component:
    """Signed-in devices, each with a way to sign it out."""
    return rx.box(
        rx.foreach(
            AccountState.devices,
            lambda device: rx.card(
                rx.flex(
                    rx.box(
                        rx.text(device["agent"], size="2", weight="medium", trim="both"),
                        rx.data_list.root(
                            rx.data_list.item(
                                rx.data_list.label(t(lang, "Signed in")),
                                rx.data_list.value(device["since"]),
                            ),
                            rx.data_list.item(
                                rx.data_list.label(t(lang, "Last used")),
                                rx.data_list.value(device["seen"]),
                            ),
                            size="1",
                            margin_top="0.25rem",
                        ),
                        min_width="0",
                        flex="1",
                        overflow_wrap="anywhere",
                    ),
                    rx.cond(
                        device["current"] == "yes",
                        rx.badge(t(lang, "This device"), color_scheme="green"),
                        rx.button(
                            t(lang, "Sign out this device"),
                            on_click=AccountState.revoke(device["id"]),
                            variant="soft",
                            color_scheme="red",
                            size="1",
                            class_name="revoke-device",
                        ),
                    ),
                    justify="between",
                    align="center",
                    gap="1rem",
                ),
                margin_bottom="0.5rem",
            ),
        ),
        id="devices",
    )


def account(lang: str) -> rx.Component:
    """The signed-in user's account."""
    return page_frame(
        lang,
        rx.heading(t(lang, "My account"), as_="h1", size="7"),
        rx.cond(
            AccountState.notice != "",
            rx.callout(
                AccountState.notice,
                icon="check",
                color_scheme="green",
                id="account-notice",
                margin_top="1rem",
            ),
        ),
        rx.cond(
            AccountState.signed_in & ~AccountState.email_verified,
            rx.callout.root(
                rx.callout.icon(rx.icon("mail_warning")),
                rx.callout.text(t(lang, "Confirm your email address: no alert is sent before.")),
                rx.button(
                    t(lang, "Send a new link"),
                    on_click=AccountState.resend_verification,
                    size="1",
                    variant="outline",
                ),
                color_scheme="amber",
                id="verify-banner",
                margin_top="1rem",
            ),
        ),
        _section(t(lang, "Profile"), form_card(profile_form(lang))),
        _section(t(lang, "Password"), form_card(password_form(lang))),
        _section(t(lang, "Signed-in devices"), devices(lang)),
        _section(
            t(lang, "Plan and billing"),
            rx.text(
                t(lang, "Your plan, payments and invoices."),
                " ",
                rx.link(t(lang, "Go to billing"), href=f"/{lang}/billing", id="account-billing"),
            ),
        ),
        _section(
            t(lang, "My data"),
            rx.text(
                t(lang, "See what OKTRA holds about you, object, get a copy or delete it all."),
                " ",
                rx.link(t(lang, "Go to My data"), href=f"/{lang}/my-data", id="account-my-data"),
            ),
        ),
        rx.el.form(
            rx.el.input(type="hidden", name="next", value=f"/{lang}"),
            rx.button(
                t(lang, "Sign out"),
                type="button",
                variant="outline",
                color_scheme="gray",
                # form.submit() posts natively: Reflex's own submit handler would keep the page.
                on_click=rx.call_script("document.getElementById('signout-form').submit()"),
            ),
            action=AccountState.signout_url,
            method="post",
            id="signout-form",
            style={"margin_top": "2rem"},
        ),
    )
