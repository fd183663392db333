"""Building an email: Jinja2 templates with HTML and text parts, in the recipient's language."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from oktra.i18n import N_, direction, normalize_language, t
from oktra.settings import get_settings

TEMPLATES = Path(__file__).parent / "templates"
SUBJECTS = {
    "verify_email": N_("Confirm your email address"),
    "reset_password": N_("Reset your OKTRA password"),
    "email_changed": N_("Your OKTRA email address was changed"),
    "password_changed": N_("Your OKTRA password was changed"),
    "account_exists": N_("You already have an OKTRA account"),
    "signin_failures": N_("Sign-in attempts on your OKTRA account were paused"),
}


@dataclass(frozen=True)
class RenderedEmail:
    """Subject, text part and HTML part, ready for the outbox."""

    subject: str
    text: str
    html: str


@functools.cache
def _environment(lang: str) -> Environment:
    """Templates of one language; .html parts are escaped, .txt parts are plain text."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )
    environment.install_gettext_callables(
        gettext=lambda message: t(lang, message),
        ngettext=lambda singular, plural, n: t(lang, singular if n == 1 else plural),
        newstyle=True,
    )
    return environment


def render_email(kind: str, lang: str, context: dict[str, object]) -> RenderedEmail:
    """One message of a kind, in a language; values in the context are escaped in HTML."""
    lang = normalize_language(lang)
    settings = get_settings()
    subject = t(lang, SUBJECTS[kind])
    values = {
        "lang": lang,
        "direction": direction(lang),
        "subject": subject,
        "company": settings.company_name,
        "city": settings.city,
        "dpo_email": settings.dpo_email,
        "contact_email": settings.contact_email,
        **context,
    }
    environment = _environment(lang)
    text = environment.get_template(f"{kind}.txt").render(values)
    html = environment.get_template(f"{kind}.html").render(values)
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)
