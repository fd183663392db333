"""Invoice PDFs: readable back, legally complete, deterministic, totals rounded half up."""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from oktra.billing.invoice_pdf import (
    InvoiceDocument,
    InvoiceLine,
    Party,
    Seller,
    render_invoice,
)
from oktra.billing.plans import with_vat
from oktra.settings import get_settings

SELLER = Seller(
    name="EXOS DATA SARL",
    address="12 rue Ibn Batouta",
    city="Casablanca",
    rc="412345",
    if_="45678901",
    ice="001234567000089",
    share_capital="100 000",
    email="contact@oktra.ma",
)
CUSTOMER = Party(
    name="Karim Alaoui",
    company="Atlas Travaux SARL",
    ice="002345678000012",
    address="45 avenue Hassan II, Rabat",
    email="k.alaoui@atlas.ma",
)
ARABIC_NAME = "شركة الأطلس للأشغال"
# Totals of one Pro month (199 MAD before VAT), as each language writes them.
PRO_MONTH_TOTALS = {
    "fr": ("199,00", "39,80", "238,80"),
    "en": ("199.00", "39.80", "238.80"),
    "ar": ("199,00", "39,80", "238,80"),
}


def _document(**changes: object) -> InvoiceDocument:
    document = InvoiceDocument(
        number="OKT-2026-000001",
        issued_on=date(2026, 11, 29),
        lang="en",
        seller=SELLER,
        customer=CUSTOMER,
        lines=(InvoiceLine("Pro, monthly", 1, Decimal("199")),),
        payment_method="card",
        payment_reference="CMI-889900",
        paid_on=date(2026, 11, 30),
        period_label="Pro, monthly, 29/11/2026 – 28/12/2026",
    )
    return dataclasses.replace(document, **changes)


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """The extracted text, with compatibility forms folded and direction marks dropped."""
    raw = "\n".join(page.extract_text() for page in _reader(pdf).pages)
    text = unicodedata.normalize("NFKC", raw)
    for mark in ("\u200e", "\u200f"):
        text = text.replace(mark, "")
    return text


def test_the_invoice_is_a_one_page_pdf_that_pypdf_opens() -> None:
    pdf = render_invoice(_document())

    assert pdf.startswith(b"%PDF")
    assert len(_reader(pdf).pages) == 1


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_invoice_shows_number_identifiers_customer_and_totals(lang: str) -> None:
    text = _text(render_invoice(_document(lang=lang)))

    assert "OKT-2026-000001" in text
    for identifier in ("001234567000089", "412345", "45678901"):
        assert identifier in text
    assert "Atlas Travaux SARL" in text
    assert "002345678000012" in text
    assert "CMI-889900" in text
    for amount in PRO_MONTH_TOTALS[lang]:
        assert amount in text


def test_the_totals_are_computed_per_rate_and_rounded_to_the_centime() -> None:
    document = _document()

    assert document.total_before_vat == Decimal("199.00")
    assert document.vat == Decimal("39.80")
    assert document.total == Decimal("238.80") == with_vat(Decimal("199"))


def test_two_lines_with_a_yearly_business_plan_add_up() -> None:
    lines = (
        InvoiceLine("Business, yearly", 1, Decimal("4990")),
        InvoiceLine("Pro, monthly", 2, Decimal("199")),
    )
    document = _document(lines=lines)

    assert document.total_before_vat == Decimal("5388.00")
    assert document.vat == Decimal("1077.60")
    assert document.total == Decimal("6465.60") == with_vat(Decimal("5388"))
    text = _text(render_invoice(document))
    for amount in ("4,990.00", "398.00", "5,388.00", "1,077.60", "6,465.60"):
        assert amount in text


def test_amounts_round_half_up_to_the_centime() -> None:
    line = InvoiceLine("Half a centime", 1, Decimal("10.125"))
    reduced_rate = InvoiceLine("Reduced rate", 1, Decimal("10.05"), vat_rate=Decimal("0.10"))

    assert line.amount == Decimal("10.13")
    document = _document(lines=(reduced_rate,))
    assert document.vat == Decimal("1.01")
    assert document.total == Decimal("11.06")


def test_a_paid_invoice_says_when_it_was_paid() -> None:
    text = _text(render_invoice(_document()))

    assert "Paid on November 30, 2026" in text


def test_a_proforma_says_nothing_about_being_paid() -> None:
    proforma = _document(proforma=True, payment_method="transfer", number="PRO-2026-000007")
    text = _text(render_invoice(proforma))

    assert "PRO-2026-000007" in text
    assert "Paid on" not in text
    assert "November 30, 2026" not in text
    assert "238.80" in text


def test_a_proforma_names_the_account_to_pay_into_and_an_invoice_does_not() -> None:
    rib = "011780000012345678901234"
    proforma = _document(
        proforma=True, payment_method="transfer", paid_on=None, bank_account=f"BMCE · {rib}"
    )
    assert rib in _text(render_invoice(proforma))
    paid = _document(bank_account=f"BMCE · {rib}")
    assert rib not in _text(render_invoice(paid))


def test_an_arabic_invoice_renders_with_dejavu_and_keeps_the_arabic_name() -> None:
    customer = dataclasses.replace(CUSTOMER, name=ARABIC_NAME)
    pdf = render_invoice(_document(lang="ar", customer=customer))

    reader = _reader(pdf)
    assert len(reader.pages) == 1
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert all("DejaVu" in font.get_object()["/BaseFont"] for font in fonts.values())
    text = _text(pdf)
    letters = {char for char in ARABIC_NAME if unicodedata.category(char) == "Lo"}
    assert letters <= set(text)
    for word in ARABIC_NAME.split():
        assert word in text or word[::-1] in text
    assert "002345678000012" in text


def test_latin_data_stays_in_one_piece_on_an_arabic_page() -> None:
    text = _text(render_invoice(_document(lang="ar")))

    assert "12 rue Ibn Batouta" in text
    assert "ICE: 001234567000089" in text


def test_empty_optional_fields_print_no_label() -> None:
    """No identifier, capital or payment reference is given: none of their labels shows."""
    bare = _document(
        lang="ar", seller=Seller(name="EXOS DATA SARL"), customer=Party(name="Karim Alaoui")
    )
    text = _text(render_invoice(dataclasses.replace(bare, payment_reference="")))

    assert "Karim Alaoui" in text
    for label in ("RC:", "IF:", "ICE:", "رأس المال", "مرجع الأداء"):
        assert label not in text


def test_the_same_document_gives_the_same_bytes() -> None:
    for lang in ("fr", "en", "ar"):
        assert render_invoice(_document(lang=lang)) == render_invoice(_document(lang=lang))


def test_the_creation_date_is_the_issue_date() -> None:
    metadata = _reader(render_invoice(_document())).metadata

    assert metadata is not None
    assert metadata.creation_date is not None
    assert metadata.creation_date.date() == date(2026, 11, 29)


def test_a_document_refuses_an_unknown_language_or_payment_method() -> None:
    with pytest.raises(ValueError, match="language"):
        _document(lang="de")
    with pytest.raises(ValueError, match="payment method"):
        _document(payment_method="cash")
    with pytest.raises(ValueError, match="lines"):
        _document(lines=())


def test_the_seller_comes_from_the_legal_identity_settings() -> None:
    settings = get_settings()

    seller = Seller.from_settings(settings)

    assert seller.name == settings.company_name == "EXOS DATA SARL"
    assert (seller.rc, seller.if_, seller.ice) == (
        settings.rc_number,
        settings.if_number,
        settings.ice_number,
    )
    assert seller.email == settings.contact_email
