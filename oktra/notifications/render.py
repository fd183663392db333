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
    "alert_instant": N_("New tenders for your OKTRA alerts"),
    "alert_daily": N_("Your daily OKTRA digest"),
    "alert_weekly": N_("Your weekly OKTRA digest"),
    "tender_change": N_("A tender you follow changed: %(title)s"),
    "tender_reminder": N_("Reminder: %(title)s"),
    "policy_change": N_("%(title)s: an important change"),
    "service_update": N_("OKTRA service update: %(title)s"),
    "product_news": N_("OKTRA news: %(title)s"),
    "deletion_receipt": N_("Your OKTRA account was deleted"),
    "dpo_verify": N_("Confirm your request to our data protection officer"),
    "dpo_received": N_("Your request %(title)s is registered"),
    "dpo_status": N_("Your request %(title)s has a new status"),
    "dpo_answer": N_("Answer to your request %(title)s"),
    "inactivity_warning": N_("Your OKTRA account will be closed for inactivity"),
    "renewal_reminder": N_("Your OKTRA subscription ends soon"),
    # Staff-only, always in English: not a message to translate.
    "anomaly_alert": "OKTRA security alert: %(title)s",
}
# Kinds sharing one template pair.
TEMPLATE_OF = {"alert_instant": "alerts", "alert_daily": "alerts", "alert_weekly": "alerts"}
SUBJECT_TITLE_LIMIT = 90


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
    if "%(title)s" in subject:
        subject = subject % {"title": _shortened(str(context.get("title", "")))}
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
    template = TEMPLATE_OF.get(kind, kind)
    text = environment.get_template(f"{template}.txt").render(values)
    html = environment.get_template(f"{template}.html").render(values)
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)


def _shortened(title: str) -> str:
    """A title short enough for a subject line."""
    title = " ".join(title.split())
    if len(title) <= SUBJECT_TITLE_LIMIT:
        return title
    return title[: SUBJECT_TITLE_LIMIT - 1].rstrip() + "…"
