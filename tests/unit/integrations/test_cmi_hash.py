"""CMI's ver3 hash, callback verification and the signed checkout form.

Expected hashes are computed here from a plaintext spelled out by hand (ordered, escaped values,
then the escaped store key), so these tests check the ordering and escaping rules themselves
rather than the implementation against itself.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from decimal import Decimal

import pytest

from oktra.integrations.cmi import (
    CheckoutForm,
    callback_values,
    checkout_fields,
    format_amount,
    ver3_hash,
    verify_callback,
)

STORE_KEY = "TEST_store_KEY"


def _sha512_b64(plaintext: str) -> str:
    """The ver3 hash of an already ordered and escaped plaintext."""
    return base64.b64encode(hashlib.sha512(plaintext.encode("utf-8")).digest()).decode("ascii")


def _form(**changes: object) -> CheckoutForm:
    form = CheckoutForm(
        client_id="600000000",
        oid="OKT-2024-0001",
        amount=Decimal("199"),
        ok_url="https://oktra.ma/payment/ok",
        fail_url="https://oktra.ma/payment/fail",
        callback_url="https://oktra.ma/api/cmi/callback",
        shop_url="https://oktra.ma/pricing",
        bill_to_name="Salma Alaoui",
        bill_to_company="Atlas BTP",
        email="salma@example.ma",
        tel="+212600000000",
        description="OKTRA Pro, 1 mois",
    )
    return replace(form, **changes)


def _signed(fields: dict[str, str], store_key: str = STORE_KEY) -> dict[str, str]:
    return {**fields, "HASH": ver3_hash(fields, store_key)}


def test_known_answer_orders_by_upper_case_natural_order_and_escapes() -> None:
    fields = {
        "rnd": "abc123",
        "oid": "A-1",
        "_charset_": "UTF-8",
        "BillToName": "Ali|Co",
        "currency": "504",
        "amount": "100.00",
        "clientid": "600000000",
        "hash": "ignored",
        "encoding": "UTF-8",
    }
    plaintext = "100.00|Ali\\|Co|600000000|504|A-1|abc123|UTF-8|store\\|key"
    assert ver3_hash(fields, "store|key") == _sha512_b64(plaintext)


def test_hash_is_base64_of_the_raw_64_byte_digest() -> None:
    assert len(base64.b64decode(ver3_hash({"amount": "1.00"}, "k"), validate=True)) == 64


def test_pipe_in_value_is_escaped() -> None:
    assert ver3_hash({"a": "x|y"}, "k") == _sha512_b64("x\\|y|k")


def test_backslash_in_value_is_doubled() -> None:
    assert ver3_hash({"a": "x\\y"}, "k") == _sha512_b64("x\\\\y|k")


def test_backslash_is_escaped_before_pipe() -> None:
    assert ver3_hash({"a": "a\\|b"}, "k") == _sha512_b64("a\\\\\\|b|k")


def test_arabic_text_is_hashed_as_utf8() -> None:
    name = "شركة الأطلس"
    expected = base64.b64encode(hashlib.sha512(name.encode("utf-8") + b"|k").digest()).decode(
        "ascii"
    )
    assert ver3_hash({"BillToCompany": name}, "k") == expected


def test_empty_value_keeps_its_slot() -> None:
    fields = {"a": "1", "b": "", "c": "3"}
    assert ver3_hash(fields, "k") == _sha512_b64("1||3|k")
    assert ver3_hash(fields, "k") != ver3_hash({"a": "1", "c": "3"}, "k")


def test_keys_differing_only_by_case_sort_upper_case_first() -> None:
    # Equal under natcasesort: the tie falls back to code-point order, so "Amount" < "amount".
    expected = _sha512_b64("upper|lower|k")
    assert ver3_hash({"amount": "lower", "Amount": "upper"}, "k") == expected
    assert ver3_hash({"Amount": "upper", "amount": "lower"}, "k") == expected


def test_sort_ignores_case_unlike_plain_sort() -> None:
    # Plain sort puts "Zeta" before "alpha"; natcasesort does not.
    assert ver3_hash({"Zeta": "z", "alpha": "a"}, "k") == _sha512_b64("a|z|k")


def test_digits_in_keys_sort_as_numbers() -> None:
    fields = {"BillToStreet12": "twelve", "BillToStreet2": "two", "BillToStreet1": "one"}
    assert ver3_hash(fields, "k") == _sha512_b64("one|two|twelve|k")


def test_underscore_sorts_after_letters() -> None:
    # Upper-cased, "_" (0x5F) comes after "Z" (0x5A); lower-case sorting would put it first.
    fields = {"_charset_": "UTF-8", "zone": "z", "amount": "1.00"}
    assert ver3_hash(fields, "k") == _sha512_b64("1.00|z|UTF-8|k")


def test_hash_and_encoding_fields_are_excluded_in_any_case() -> None:
    base = {"amount": "1.00"}
    noisy = {**base, "hash": "a", "HASH": "b", "encoding": "UTF-8", "ENCODING": "x", "Hash": "c"}
    assert ver3_hash(noisy, "k") == ver3_hash(base, "k") == _sha512_b64("1.00|k")


def test_store_key_is_escaped() -> None:
    assert ver3_hash({"a": "1"}, "k\\e|y") == _sha512_b64("1|k\\\\e\\|y")


def test_verify_callback_accepts_a_correctly_signed_callback() -> None:
    form = _signed({"oid": "A-1", "amount": "199.00", "ProcReturnCode": "00"})
    assert verify_callback(form, STORE_KEY)


def test_verify_callback_accepts_lower_case_hash_field() -> None:
    fields = {"oid": "A-1", "amount": "199.00"}
    assert verify_callback({**fields, "hash": ver3_hash(fields, STORE_KEY)}, STORE_KEY)


def test_verify_callback_refuses_a_tampered_value() -> None:
    form = _signed({"oid": "A-1", "amount": "199.00"})
    assert not verify_callback({**form, "amount": "1.00"}, STORE_KEY)


def test_verify_callback_refuses_a_hash_made_with_another_key() -> None:
    form = _signed({"oid": "A-1", "amount": "199.00"}, store_key="other-key")
    assert not verify_callback(form, STORE_KEY)


def test_verify_callback_refuses_a_missing_or_empty_hash() -> None:
    fields = {"oid": "A-1", "amount": "199.00"}
    assert not verify_callback(fields, STORE_KEY)
    assert not verify_callback({**fields, "HASH": ""}, STORE_KEY)


def test_verify_callback_refuses_a_field_added_after_signing() -> None:
    form = _signed({"oid": "A-1", "amount": "199.00"})
    assert not verify_callback({**form, "ProcReturnCode": "00"}, STORE_KEY)


def test_verify_callback_refuses_non_ascii_garbage_hash() -> None:
    assert not verify_callback({"oid": "A-1", "HASH": "é"}, STORE_KEY)


def test_callback_values_remove_one_trailing_newline_and_decode_entities() -> None:
    form = {"a": "x\n", "b": "y\n\n", "c": " Atlas &amp; Fils ", "d": "&lt;b&gt;\n"}
    assert callback_values(form) == {"a": "x", "b": "y\n", "c": " Atlas & Fils ", "d": "<b>"}


def test_verify_callback_normalises_newline_and_entities_before_hashing() -> None:
    signed_over = {"oid": "A-1", "BillToCompany": "Atlas & Fils", "description": "Pro"}
    posted = {
        "oid": "A-1",
        "BillToCompany": "Atlas &amp; Fils",
        "description": "Pro\n",
        "HASH": ver3_hash(signed_over, STORE_KEY),
    }
    assert verify_callback(posted, STORE_KEY)


def test_format_amount_uses_a_dot_and_two_decimals() -> None:
    assert format_amount(Decimal("199")) == "199.00"
    assert format_amount(Decimal("1990.5")) == "1990.50"
    assert format_amount(Decimal("0")) == "0.00"


@pytest.mark.parametrize("amount", ["-1", "-0.01", "NaN", "Infinity", "1.005"])
def test_format_amount_rejects_negative_nan_infinite_and_sub_cent(amount: str) -> None:
    with pytest.raises(ValueError):
        format_amount(Decimal(amount))


def test_checkout_fields_format_the_amount_in_dirhams() -> None:
    assert checkout_fields(form=_form(), store_key=STORE_KEY)["amount"] == "199.00"
    fields = checkout_fields(form=_form(amount=Decimal("1990.50")), store_key=STORE_KEY)
    assert fields["amount"] == "1990.50"


def test_checkout_fields_reject_a_negative_amount() -> None:
    with pytest.raises(ValueError):
        checkout_fields(form=_form(amount=Decimal("-199")), store_key=STORE_KEY)


def test_checkout_fields_carry_the_fixed_gateway_fields() -> None:
    fields = checkout_fields(form=_form(), store_key=STORE_KEY)
    assert fields["currency"] == "504"
    assert fields["TranType"] == "PreAuth"
    assert fields["storetype"] == "3D_PAY_HOSTING"
    assert fields["hashAlgorithm"] == "ver3"
    assert fields["encoding"] == "UTF-8"
    assert fields["AutoRedirect"] == fields["CallbackResponse"] == "true"
    assert fields["clientid"] == "600000000"
    assert fields["shopurl"] == "https://oktra.ma/pricing"


def test_checkout_fields_use_a_fresh_rnd_per_call() -> None:
    first = checkout_fields(form=_form(), store_key=STORE_KEY)
    second = checkout_fields(form=_form(), store_key=STORE_KEY)
    assert first["rnd"] != second["rnd"]
    assert first["hash"] != second["hash"]
    assert checkout_fields(form=_form(), store_key=STORE_KEY, rnd="fixed")["rnd"] == "fixed"


def test_checkout_fields_never_contain_the_store_key() -> None:
    fields = checkout_fields(form=_form(), store_key=STORE_KEY)
    assert all(STORE_KEY not in value for value in fields.values())


def test_checkout_fields_reject_an_empty_store_key() -> None:
    with pytest.raises(ValueError):
        checkout_fields(form=_form(), store_key="")


def test_checkout_hash_verifies_with_ver3_hash() -> None:
    fields = checkout_fields(form=_form(), store_key=STORE_KEY)
    unsigned = {name: value for name, value in fields.items() if name != "hash"}
    assert fields["hash"] == ver3_hash(unsigned, STORE_KEY)
    assert verify_callback(fields, STORE_KEY)


@pytest.mark.parametrize(("lang", "expected"), [("ar", "ar"), ("en", "en"), ("de", "fr")])
def test_checkout_lang_is_limited_to_fr_ar_en(lang: str, expected: str) -> None:
    assert checkout_fields(form=_form(lang=lang), store_key=STORE_KEY)["lang"] == expected
