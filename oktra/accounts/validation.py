"""Checks of every account form field; errors are English messages that pages translate."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn

from oktra.i18n import LANGUAGES, N_

NAME_MIN, NAME_MAX = 2, 120
COMPANY_MAX = 160
EMAIL_MAX = 254
PHONE_MAX = 40
PASSWORD_MIN = 10
PASSWORD_MAX_BYTES = 72
PASSWORD_MIN_SCORE = 2
DEFAULT_REGION = "MA"
# zxcvbn's dictionaries are English: these French and Moroccan favourites count as common too.
LOCAL_COMMON_WORDS = (
    "motdepasse",
    "azerty",
    "soleil",
    "bonjour",
    "maroc",
    "morocco",
    "casablanca",
    "rabat",
    "marrakech",
    "tanger",
    "agadir",
    "fes",
    "oktra",
    "marchespublics",
    "appeldoffres",
    "bismillah",
    "inchallah",
    "hamdoulah",
    "admin",
    "societe",
    "entreprise",
)

INVALID = N_("This value is not valid.")
REQUIRED = N_("This field is required.")
NAME_LENGTH = N_("Enter between 2 and 120 characters.")
COMPANY_LENGTH = N_("Enter at most 160 characters.")
EMAIL_INVALID = N_("Enter a valid email address, such as name@company.ma.")
PHONE_INVALID = N_("Enter a valid phone number, such as 06 12 34 56 78 or +212 6 12 34 56 78.")
PASSWORD_SHORT = N_("Use at least 10 characters.")
PASSWORD_LONG = N_("Use at most 72 bytes (about 72 letters, fewer with accents or Arabic).")
PASSWORD_WEAK = N_("This password is too common or too easy to guess: add words or symbols.")
TERMS_REQUIRED = N_("You must accept the terms of use and the privacy policy to create an account.")
LANGUAGE_INVALID = N_("Choose French, English or Arabic.")


class ValidationFailedError(ValueError):
    """One or more fields are invalid: field name -> English message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(", ".join(sorted(errors)))


@dataclass
class Checked:
    """Cleaned values and the errors found so far."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def raise_if_any(self) -> dict[str, Any]:
        """The cleaned values, or ValidationFailedError when a field failed."""
        if self.errors:
            raise ValidationFailedError(self.errors)
        return self.values


def _text(value: object) -> str | None:
    """Form text: a string with controls removed and blanks trimmed; None for another type."""
    if not isinstance(value, str):
        return None
    kept = "".join(ch for ch in value if unicodedata.category(ch) != "Cc" or ch in "\t")
    return unicodedata.normalize("NFC", kept).strip()


def check_name(form: Mapping[str, object], checked: Checked, key: str = "full_name") -> None:
    """A person's name: 2 to 120 characters, any script."""
    value = _text(form.get(key, ""))
    if value is None:
        checked.errors[key] = INVALID
    elif not value:
        checked.errors[key] = REQUIRED
    elif not NAME_MIN <= len(value) <= NAME_MAX:
        checked.errors[key] = NAME_LENGTH
    else:
        checked.values[key] = value


def check_company(form: Mapping[str, object], checked: Checked) -> None:
    """An optional company name."""
    value = _text(form.get("company_name", ""))
    if value is None:
        checked.errors["company_name"] = INVALID
    elif len(value) > COMPANY_MAX:
        checked.errors["company_name"] = COMPANY_LENGTH
    else:
        checked.values["company_name"] = value or None


def normalize_email(value: object) -> str | None:
    """The normalized, lower-cased address, or None when it is not a valid address."""
    text = _text(value)
    if not text or len(text) > EMAIL_MAX:
        return None
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def check_email(form: Mapping[str, object], checked: Checked) -> None:
    """A required, valid email address."""
    raw = form.get("email", "")
    if isinstance(raw, str) and not raw.strip():
        checked.errors["email"] = REQUIRED
        return
    email = normalize_email(raw)
    if email is None:
        checked.errors["email"] = EMAIL_INVALID
    else:
        checked.values["email"] = email


def check_phone(form: Mapping[str, object], checked: Checked) -> None:
    """An optional phone number, stored in E.164 (Morocco when no country code is given)."""
    value = _text(form.get("phone", ""))
    if value is None or len(value) > PHONE_MAX:
        checked.errors["phone"] = PHONE_INVALID
        return
    if not value:
        checked.values["phone"] = None
        return
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        checked.errors["phone"] = PHONE_INVALID
        return
    if not phonenumbers.is_valid_number(number):
        checked.errors["phone"] = PHONE_INVALID
        return
    checked.values["phone"] = phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164
    )


def _hint_words(hints: list[str]) -> list[str]:
    """The user's own words (name, email) as zxcvbn should know them: whole, split, joined."""
    words: list[str] = []
    for hint in hints:
        parts = [part for part in re.split(r"[\W_]+", hint.lower()) if part]
        words.extend([hint.lower(), "".join(parts), *parts])
    return [word for word in words if word]


def password_problem(password: object, hints: list[str]) -> str | None:
    """Why a new password is refused, or None when it is strong enough."""
    if not isinstance(password, str) or not password:
        return REQUIRED if password in ("", None) else INVALID
    if len(password.encode("utf-8")) > PASSWORD_MAX_BYTES:
        return PASSWORD_LONG
    if len(password) < PASSWORD_MIN:
        return PASSWORD_SHORT
    inputs = [*LOCAL_COMMON_WORDS, *_hint_words(hints)]
    if zxcvbn(password, user_inputs=inputs)["score"] < PASSWORD_MIN_SCORE:
        return PASSWORD_WEAK
    return None


def check_new_password(form: Mapping[str, object], checked: Checked, key: str = "password") -> None:
    """A new password: long enough, at most 72 bytes for bcrypt, not common."""
    hints = [str(checked.values.get("email", "")), str(checked.values.get("full_name", ""))]
    problem = password_problem(form.get(key), hints)
    if problem:
        checked.errors[key] = problem
    else:
        checked.values[key] = form[key]


def check_language(form: Mapping[str, object], checked: Checked) -> None:
    """One of the three languages."""
    value = form.get("language", "fr")
    if value not in LANGUAGES:
        checked.errors["language"] = LANGUAGE_INVALID
    else:
        checked.values["language"] = value


def is_checked(value: object) -> bool:
    """Whether a checkbox came back ticked."""
    return value is True or value in ("on", "true", "1")


def check_signup(form: Mapping[str, object]) -> dict[str, Any]:
    """Every sign-up field; raises ValidationFailedError with one message per bad field."""
    checked = Checked()
    check_name(form, checked)
    check_email(form, checked)
    check_company(form, checked)
    check_phone(form, checked)
    check_new_password(form, checked)
    if not is_checked(form.get("accept_terms")):
        checked.errors["accept_terms"] = TERMS_REQUIRED
    checked.values["product_news"] = is_checked(form.get("product_news"))
    return checked.raise_if_any()


def check_profile(form: Mapping[str, object], *, sectors: set[str], regions: set[str]) -> dict:
    """The editable profile: name, email, company, phone, language, interests."""
    checked = Checked()
    check_name(form, checked)
    check_email(form, checked)
    check_company(form, checked)
    check_phone(form, checked)
    check_language(form, checked)
    for key, allowed in (("sectors", sectors), ("regions", regions)):
        chosen = form.get(key, [])
        if (
            not isinstance(chosen, list)
            or not all(isinstance(item, str) for item in chosen)
            or set(chosen) - allowed
        ):
            checked.errors[key] = INVALID
        else:
            checked.values[key] = sorted(set(chosen))
    return checked.raise_if_any()
