"""CMI (NestPay 3D_PAY_HOSTING): the signed checkout form and the callback's ver3 hash check.

The store key is a secret shared with CMI: it signs, it is never posted, logged or returned.
Field names are ordered as PHP's `natcasesort` orders them (CMI's reference implementation):
natural order on ASCII upper-cased names. Names equal under that order (`amount` and `Amount`,
`x01` and `x1`) then follow plain code-point order of the original names, so `Amount` comes
before `amount`; PHP would keep the posting order there, which no caller can rely on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

UNSIGNED_NAMES = frozenset({"hash", "encoding"})
LANGUAGES = frozenset({"fr", "ar", "en"})
DEFAULT_LANGUAGE = "fr"
CENTS = Decimal("0.01")
DIGIT_RUN = re.compile(r"[0-9]+|[^0-9]")
# A digit run ranks, against a single character, as a digit character does in strnatcasecmp.
DIGIT_RANK = ord("0")
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _natural_key(name: str) -> tuple[tuple[tuple[int, int], ...], str]:
    """Sort key of a field name: strnatcasecmp order, then the original name for ties.

    Each character becomes (code, -1) and each ASCII digit run (ord("0"), value): runs compare
    by value with each other and like a digit character against anything else."""
    folded = name.translate(ASCII_UPPER)
    tokens = tuple(
        (DIGIT_RANK, int(token)) if "0" <= token[0] <= "9" else (ord(token), -1)
        for token in DIGIT_RUN.findall(folded)
    )
    return tokens, name


def _escape(value: str) -> str:
    r"""Backslashes first, then pipes: `a\|b` becomes `a\\\|b`."""
    return value.replace("\\", "\\\\").replace("|", "\\|")


def ver3_hash(fields: Mapping[str, str], store_key: str) -> str:
    """CMI's ver3 hash: base64 of SHA-512 over the escaped values in natcasesort order + key."""
    names = sorted(
        (name for name in fields if name.lower() not in UNSIGNED_NAMES), key=_natural_key
    )
    plaintext = "|".join([*(_escape(fields[name]) for name in names), _escape(store_key)])
    digest = hashlib.sha512(plaintext.encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii")


def _callback_value(value: str) -> str:
    """One posted value as CMI's sample signs it: one trailing newline less, entities decoded."""
    if value.endswith("\n"):
        value = value[:-1]
    return html.unescape(value)


def callback_values(form: Mapping[str, str]) -> dict[str, str]:
    """Every posted callback field, normalised for the hash (values are never trimmed)."""
    return {name: _callback_value(value) for name, value in form.items()}


def verify_callback(form: Mapping[str, str], store_key: str) -> bool:
    """Whether the posted `HASH` (or `hash`) signs every posted field with this store key."""
    posted = form.get("HASH", form.get("hash"))
    if not posted or not store_key:
        return False
    expected = ver3_hash(callback_values(form), store_key)
    return hmac.compare_digest(expected.encode("utf-8"), posted.encode("utf-8"))


def format_amount(amount: Decimal) -> str:
    """The gateway's amount: dot, exactly two decimals, in dirhams ("199.00"), never centimes.

    Raises ValueError for a negative, NaN or infinite amount, or one with a fraction of a cent."""
    if not isinstance(amount, Decimal):
        raise TypeError("amount must be a Decimal")
    if not amount.is_finite() or (amount.is_signed() and amount != 0):
        raise ValueError("amount must be a finite, non-negative Decimal")
    try:
        cents = amount.quantize(CENTS)
    except InvalidOperation as exc:
        raise ValueError("amount is too large") from exc
    if cents != amount:
        raise ValueError("amount has a fraction of a cent")
    return format(cents.copy_abs(), "f")


@dataclass(frozen=True, kw_only=True)
class CheckoutForm:
    """What one payment attempt posts to the gateway, besides the fixed fields and the hash."""

    client_id: str
    oid: str
    amount: Decimal
    ok_url: str
    fail_url: str
    callback_url: str
    shop_url: str
    bill_to_name: str
    bill_to_company: str
    email: str
    tel: str
    description: str
    lang: str = DEFAULT_LANGUAGE


def checkout_fields(
    *, form: CheckoutForm, store_key: str, rnd: str | None = None
) -> dict[str, str]:
    """The signed fields of the browser's POST to the gateway; a fresh `rnd` unless given.

    The store key only signs: it is never among the returned fields."""
    if not store_key:
        raise ValueError("the CMI store key is empty")
    fields = {
        "clientid": form.client_id,
        "oid": form.oid,
        "amount": format_amount(form.amount),
        "currency": "504",
        "TranType": "PreAuth",
        "storetype": "3D_PAY_HOSTING",
        "hashAlgorithm": "ver3",
        "rnd": secrets.token_hex(16) if rnd is None else rnd,
        "lang": form.lang if form.lang in LANGUAGES else DEFAULT_LANGUAGE,
        "encoding": "UTF-8",
        "okUrl": form.ok_url,
        "failUrl": form.fail_url,
        "callbackUrl": form.callback_url,
        "shopurl": form.shop_url,
        "BillToName": form.bill_to_name,
        "BillToCompany": form.bill_to_company,
        "email": form.email,
        "tel": form.tel,
        "AutoRedirect": "true",
        "CallbackResponse": "true",
        "description": form.description,
    }
    fields["hash"] = ver3_hash(fields, store_key)
    return fields
