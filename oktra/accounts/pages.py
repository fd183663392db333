"""Sign-up, sign-in, password reset and email verification pages."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.state import PasswordResetState, SignInState, SignUpState, VerifyState
from oktra.i18n import t
from oktra.privacy.service import PRODUCT_NEWS, TERMS_AND_PRIVACY, WORDINGS
from oktra.ui.forms import checkbox_field, field_error, form_card, stacked_form, text_field
from oktra.ui.layout import href, notice, page_frame


def _title(title: str, subtitle: str = "") -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h1", size="7"),
        rx.text(subtitle, color_scheme="gray", margin_top="0.5rem") if subtitle else None,
        margin_bottom="1.5rem",
    )


def _submit(label: str, busy=False) -> rx.Component:
    return rx.button(label, type="submit", size="3", loading=busy, width="100%")


def account_fields(lang: str, errors, values=None, email_hint: str = "") -> list[rx.Component]:
    """Name, email, company and phone: the same fields at sign-up and in the profile."""
    values = values or {}
    return [
        text_field(
            t(lang, "Full name"),
            "full_name",
            errors,
            autocomplete="name",
            required=True,
            default_value=values.get("full_name", ""),
        ),
        text_field(
            t(lang, "Email address"),
            "email",
            errors,
            kind="email",
            autocomplete="email",
            required=True,
            dir_="ltr",
            hint=email_hint,
            default_value=values.get("email", ""),
        ),
        text_field(
            t(lang, "Company (optional)"),
            "company_name",
            errors,
            autocomplete="organization",
            default_value=values.get("company_name", ""),
        ),
        text_field(
            t(lang, "Phone (optional)"),
            "phone",
            errors,
            kind="tel",
            autocomplete="tel",
            dir_="ltr",
            default_value=values.get("phone", ""),
            hint=t(lang, "Only if you want us to be able to call you."),
        ),
    ]


def new_password_field(lang: str, errors, name: str = "password", label: str = "") -> rx.Component:
    """A new password, with the rule a user must meet."""
    return text_field(
        label or t(lang, "Password"),
        name,
        errors,
        kind="password",
        autocomplete="new-password",
        required=True,
        hint=t(lang, "At least 10 characters; a few words make a strong password."),
    )


def signup(lang: str) -> rx.Component:
    """Create an account: only what the service needs, consent asked explicitly."""
    errors = SignUpState.errors
    terms_label = rx.text(t(lang, WORDINGS[TERMS_AND_PRIVACY]), as_="span", size="2")
    legal_links = rx.flex(
        rx.link(t(lang, "Terms of use"), href=href(lang, "terms"), is_external=True, size="2"),
        rx.link(t(lang, "Privacy policy"), href=href(lang, "privacy"), is_external=True, size="2"),
        gap="1rem",
        padding_inline_start="1.6rem",
    )
    return page_frame(
        lang,
        _title(
            t(lang, "Create your account"),
            t(lang, "Free, without a card. Alerts start once your email is confirmed."),
        ),
        rx.cond(
            SignUpState.sent_to != "",
            notice(
                "mail_check",
                t(lang, "Almost done: we have sent a confirmation link to") + " ",
                rx.el.strong(SignUpState.sent_to, dir="ltr"),
                ". " + t(lang, "Open it, then sign in."),
                color_scheme="green",
                id="signup-done",
                max_width="34rem",
            ),
            form_card(
                stacked_form(
                    *account_fields(lang, errors),
                    new_password_field(lang, errors),
                    checkbox_field(terms_label, "accept_terms", errors),
                    legal_links,
                    checkbox_field(
                        rx.text(
                            t(lang, WORDINGS[PRODUCT_NEWS]),
                            as_="span",
                            size="2",
                        ),
                        "product_news",
                        errors,
                    ),
                    field_error(errors, "form"),
                    _submit(t(lang, "Create my account"), SignUpState.submitting),
                    rx.text(
                        t(lang, "Already have an account?"),
                        " ",
                        rx.link(t(lang, "Sign in"), href=href(lang, "signin")),
                        size="2",
                    ),
                    on_submit=SignUpState.submit,
                    id="signup-form",
                )
            ),
        ),
    )


def signin(lang: str) -> rx.Component:
    """Sign in with email and password."""
    errors = SignInState.errors
    return page_frame(
        lang,
        _title(t(lang, "Sign in")),
        form_card(
            stacked_form(
                text_field(
                    t(lang, "Email address"),
                    "email",
                    errors,
                    kind="email",
                    autocomplete="email",
                    required=True,
                    dir_="ltr",
                ),
                text_field(
                    t(lang, "Password"),
                    "password",
                    errors,
                    kind="password",
                    autocomplete="current-password",
                    required=True,
                ),
                _submit(t(lang, "Sign in"), SignInState.submitting),
                rx.flex(
                    rx.link(t(lang, "Forgot your password?"), href=href(lang, "forgot"), size="2"),
                    rx.link(t(lang, "Create an account"), href=href(lang, "signup"), size="2"),
                    justify="between",
                    wrap="wrap",
                    gap="0.5rem",
                ),
                on_submit=SignInState.submit,
                id="signin-form",
            )
        ),
    )


def forgot(lang: str) -> rx.Component:
    """Ask for a password reset link."""
    return page_frame(
        lang,
        _title(
            t(lang, "Forgot your password?"),
            t(lang, "Enter your email address: we will send you a link to choose a new one."),
        ),
        form_card(
            stacked_form(
                text_field(
                    t(lang, "Email address"),
                    "email",
                    PasswordResetState.errors,
                    kind="email",
                    autocomplete="email",
                    required=True,
                    dir_="ltr",
                ),
                _submit(t(lang, "Send the link")),
                on_submit=PasswordResetState.request_link,
                reset_on_submit=True,
                id="forgot-form",
            ),
            rx.cond(
                PasswordResetState.message != "",
                rx.callout(PasswordResetState.message, icon="mail", id="forgot-message"),
            ),
        ),
    )


def reset(lang: str) -> rx.Component:
    """Choose a new password from the emailed link."""
    errors = PasswordResetState.errors
    return page_frame(
        lang,
        _title(t(lang, "Choose a new password")),
        form_card(
            rx.cond(
                PasswordResetState.done,
                notice(
                    "check",
                    t(lang, "Your password is changed. Every device was signed out.") + " ",
                    rx.link(t(lang, "Sign in"), href=href(lang, "signin")),
                    color_scheme="green",
                    id="reset-done",
                ),
                stacked_form(
                    new_password_field(lang, errors, label=t(lang, "New password")),
                    rx.cond(
                        errors.contains("token"),
                        rx.callout(
                            errors["token"],
                            icon="triangle_alert",
                            color_scheme="red",
                            id="token-error",
                        ),
                    ),
                    _submit(t(lang, "Save the new password")),
                    on_submit=PasswordResetState.choose_password,
                    id="reset-form",
                ),
            ),
        ),
    )


def verify(lang: str) -> rx.Component:
    """The page an email verification link opens."""
    return page_frame(
        lang,
        _title(t(lang, "Email confirmation")),
        rx.cond(
            VerifyState.checked,
            rx.cond(
                VerifyState.verified,
                rx.callout(
                    VerifyState.message, icon="check", color_scheme="green", id="verify-result"
                ),
                rx.callout(
                    VerifyState.message,
                    icon="triangle_alert",
                    color_scheme="red",
                    id="verify-result",
                ),
            ),
            rx.spinner(size="3"),
        ),
        rx.link(
            t(lang, "Go to my account"),
            href=href(lang, "account"),
            margin_top="1rem",
            display="block",
        ),
    )
