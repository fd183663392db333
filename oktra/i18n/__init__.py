"""Languages: gettext catalogs (English source text), locale formats, right-to-left Arabic."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from oktra.core.clock import MOROCCO, as_utc

LANGUAGES: tuple[str, ...] = ("fr", "en", "ar")
DEFAULT_LANGUAGE = "fr"
SOURCE_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar"})
LOCALES = {"fr": "fr_MA", "en": "en", "ar": "ar_MA"}
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}
CATALOG_DIR = Path(__file__).parent / "locales"
CURRENCY = "MAD"


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; translate it later with t()."""
    return message


def normalize_language(value: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """A supported language code from a cookie, a header or a user's choice."""
    code = (value or "").strip().lower()[:2]
    return code if code in LANGUAGES else default


def direction(lang: str) -> str:
    """The text direction of a language: 'rtl' or 'ltr'."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def catalog_path(lang: str) -> Path:
    """Where a language's gettext catalog lives."""
    return CATALOG_DIR / lang / "LC_MESSAGES" / "messages.po"


@functools.cache
def catalog(lang: str) -> Catalog:
    """A language's parsed catalog."""
    with catalog_path(lang).open("rb") as handle:
        return read_po(handle, locale=LOCALES[lang])


@functools.cache
def _translations(lang: str) -> dict[str, str]:
    if lang == SOURCE_LANGUAGE:
        return {}
    return {
        str(message.id): str(message.string)
        for message in catalog(lang)
        if message.id and message.string and not message.fuzzy
    }


def t(lang: str, message: str) -> str:
    """The message in a language; the English source text when no translation exists."""
    return _translations(normalize_language(lang)).get(message, message)


def format_money(amount: Decimal | int, lang: str) -> str:
    """An amount in Moroccan dirhams, written the way the language writes it."""
    return format_currency(Decimal(amount), CURRENCY, locale=LOCALES[normalize_language(lang)])


def format_datetime(value: datetime, lang: str, fmt: str = "medium") -> str:
    """A stored UTC instant shown on Moroccan time."""
    local = as_utc(value).astimezone(MOROCCO)
    return babel_format_datetime(
        local, fmt, tzinfo=MOROCCO, locale=LOCALES[normalize_language(lang)]
    )


def format_date(value: date, lang: str, fmt: str = "long") -> str:
    """A calendar date in the language's long form."""
    return babel_format_date(value, fmt, locale=LOCALES[normalize_language(lang)])


def localized_path(path: str, lang: str) -> str:
    """The same page in another language: /fr/privacy -> /en/privacy; / -> /en."""
    parts = [part for part in path.split("/") if part]
    if parts and parts[0] in LANGUAGES:
        parts = parts[1:]
    return "/" + "/".join([lang, *parts])
