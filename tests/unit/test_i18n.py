"""Languages: complete catalogs, right-to-left Arabic, Moroccan formats and time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from oktra.i18n import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    catalog,
    direction,
    format_date,
    format_datetime,
    format_money,
    localized_path,
    normalize_language,
    t,
)

PACKAGE = Path(__file__).resolve().parents[2] / "oktra"


def _source_messages() -> set[str]:
    found = extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords={"t": (2,), "N_": None, "_t": None}
    )
    return {message for _file, _line, message, _comments, _context in found}


def test_extraction_finds_the_messages_of_pages_and_data():
    messages = _source_messages()
    assert "Never miss a Moroccan public tender again." in messages
    assert "As long as the account exists" in messages


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != SOURCE_LANGUAGE])
def test_every_message_is_translated(lang):
    translated = {
        str(message.id)
        for message in catalog(lang)
        if message.id and message.string and not message.fuzzy
    }
    missing = sorted(_source_messages() - translated)
    assert missing == [], f"{lang}: run `make i18n-update` and translate {missing[:5]}"


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != SOURCE_LANGUAGE])
def test_translations_keep_the_source_placeholders(lang):
    for message in catalog(lang):
        if message.id and message.string:
            assert str(message.id).count("{") + str(message.id).count("%(") == str(
                message.string
            ).count("{") + str(message.string).count("%("), message.id


def test_translation_falls_back_to_english_source_text():
    assert t("fr", "Contact us") == "Contactez-nous"
    assert t("en", "Contact us") == "Contact us"
    assert t("ar", "a message nobody wrote") == "a message nobody wrote"


def test_arabic_is_right_to_left_and_the_others_left_to_right():
    assert [direction(code) for code in LANGUAGES] == ["ltr", "ltr", "rtl"]


@pytest.mark.parametrize(
    ("value", "expected"), [("en", "en"), ("AR", "ar"), ("en-US", "en"), ("de", "fr"), (None, "fr")]
)
def test_unknown_languages_fall_back_to_french(value, expected):
    assert normalize_language(value) == expected


def test_amounts_are_written_in_dirhams_per_locale():
    amount = Decimal("1234567.50")
    assert format_money(amount, "fr") == "1\u202f234\u202f567,50\xa0MAD"
    assert format_money(amount, "en") == "MAD1,234,567.50"
    assert "د.م." in format_money(amount, "ar")


def test_times_are_shown_on_casablanca_time():
    stored = datetime(2025, 7, 6, 22, 50, tzinfo=UTC)
    assert "23:50" in format_datetime(stored, "fr")
    assert "11:50" in format_datetime(stored, "en")


def test_dates_use_the_language_month_names():
    assert format_date(date(2026, 2, 27), "fr") == "27 février 2026"
    assert format_date(date(2026, 2, 27), "en") == "February 27, 2026"
    assert "فبراير" in format_date(date(2026, 2, 27), "ar")


@pytest.mark.parametrize(
    ("path", "lang", "expected"),
    [
        ("/fr/privacy", "en", "/en/privacy"),
        ("/", "ar", "/ar"),
        ("/en", "fr", "/fr"),
        ("/ar/terms/", "fr", "/fr/terms"),
    ],
)
def test_the_same_page_in_another_language(path, lang, expected):
    assert localized_path(path, lang) == expected


def test_no_translation_call_hides_inside_an_f_string():
    """Message extraction cannot see t() inside f-strings: such a message would stay English."""
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""\bf["'].*\{t\([\w.]+, *["']""", line)
    ]
    assert offenders == []
