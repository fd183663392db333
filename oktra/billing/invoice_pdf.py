"""Invoice PDFs: one A4 document per payment, in the customer's language (Arabic right to left).

`render_invoice` is a pure function of an `InvoiceDocument`: no database, settings or clock.
The same document always gives the same bytes, so a re-download is identical to the first copy.
Only the document's data is printed; there is deliberately no field for card details.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from babel.numbers import format_decimal, format_percent
from fpdf import FPDF
from fpdf.fonts import FontFace

from oktra.billing.plans import CENT, VAT_RATE
from oktra.core.clock import MOROCCO
from oktra.i18n import LANGUAGES, LOCALES, N_, direction, format_date, format_money, t

if TYPE_CHECKING:
    from oktra.settings import Settings

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "DejaVu"
PAYMENT_METHODS = ("card", "transfer")
MARGIN = 15.0
WIDTH = 180.0  # A4 (210 mm) less both margins
HEADING_FILL = (235, 239, 244)
COLUMNS = (
    N_("Description"),
    N_("Qty"),
    N_("Unit price excl. VAT"),
    N_("VAT rate"),
    N_("Amount excl. VAT"),
)
LRM, RLM = "\u200e", "\u200f"  # direction marks for mixed Latin and Arabic lines
Line = tuple[str, str, float]  # one line of a text block: text, font style ("" or "B"), size


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _plain(text: str, lang: str) -> str:
    """Latin data kept left to right on Arabic pages (not "rue Ibn Batouta 12")."""
    if not text or direction(lang) != "rtl" or LRM in text:
        return text
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return text
    return f"{LRM}{text}{LRM}"


@dataclass(frozen=True)
class Party:
    """The customer: a person, optionally for a company identified by its ICE."""

    name: str
    company: str = ""
    ice: str = ""
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class Seller:
    """The publisher's legal identity, as printed on every invoice."""

    name: str
    address: str = ""
    city: str = ""
    rc: str = ""
    if_: str = ""
    ice: str = ""
    share_capital: str = ""
    email: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> Seller:
        """The seller described by the OKTRA_* legal identity settings."""
        return cls(
            name=settings.company_name,
            address=settings.address,
            city=settings.city,
            rc=settings.rc_number,
            if_=settings.if_number,
            ice=settings.ice_number,
            share_capital=settings.share_capital,
            email=settings.contact_email,
        )


@dataclass(frozen=True)
class InvoiceLine:
    """One invoiced item; the unit price is in MAD before VAT."""

    description: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal = VAT_RATE

    @property
    def amount(self) -> Decimal:
        """The line's amount before VAT, rounded to the centime."""
        return _cents(self.unit_price * self.quantity)


@dataclass(frozen=True)
class InvoiceDocument:
    """Everything printed on one invoice (or proforma invoice), already decided by the caller."""

    number: str
    issued_on: date
    lang: str
    seller: Seller
    customer: Party
    lines: tuple[InvoiceLine, ...]
    payment_method: str
    payment_reference: str = ""
    paid_on: date | None = None
    period_label: str = ""
    proforma: bool = False
    bank_account: str = ""

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unsupported invoice language {self.lang!r}")
        if self.payment_method not in PAYMENT_METHODS:
            raise ValueError(f"unknown payment method {self.payment_method!r}")
        if not self.lines or any(line.quantity < 1 for line in self.lines):
            raise ValueError("an invoice needs lines with a positive quantity")

    @property
    def vat_breakdown(self) -> tuple[tuple[Decimal, Decimal, Decimal], ...]:
        """(rate, amount before VAT, VAT) per VAT rate, highest rate first."""
        bases: dict[Decimal, Decimal] = {}
        for line in self.lines:
            bases[line.vat_rate] = bases.get(line.vat_rate, Decimal(0)) + line.amount
        return tuple(
            (rate, base, _cents(base * rate)) for rate, base in sorted(bases.items(), reverse=True)
        )

    @property
    def total_before_vat(self) -> Decimal:
        """The sum of the lines before VAT."""
        return _cents(sum((line.amount for line in self.lines), Decimal(0)))

    @property
    def vat(self) -> Decimal:
        """The VAT, computed per rate on the lines' total and rounded half up to the centime."""
        return _cents(sum((vat for _, _, vat in self.vat_breakdown), Decimal(0)))

    @property
    def total(self) -> Decimal:
        """The amount including VAT."""
        return self.total_before_vat + self.vat


class _Page(FPDF):
    """One invoice being drawn; `offset` positions count from the reading start (right in ar)."""

    def __init__(self, doc: InvoiceDocument) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc, self.lang = doc, doc.lang
        self.rtl = direction(doc.lang) == "rtl"
        self.start, self.end = ("R", "L") if self.rtl else ("L", "R")
        self.add_font(FONT_FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT_FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        if self.rtl:
            self.set_text_shaping(direction="rtl", script="arab", language="ara")
        else:
            self.set_text_shaping(direction="ltr")
        self.set_creation_date(datetime.combine(doc.issued_on, time(), tzinfo=MOROCCO))
        self.set_title(f"{_title(doc)} {doc.number}")
        self.set_author(doc.seller.name)
        self.set_creator("OKTRA")
        self.set_lang(doc.lang)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=30)

    def x_at(self, offset: float, width: float) -> float:
        """The page x of a box `width` wide, `offset` mm from the reading start."""
        return MARGIN + (WIDTH - offset - width if self.rtl else offset)

    def block(self, offset: float, width: float, y: float, lines: list[Line], align: str) -> float:
        """Write lines in a box; the y just below it."""
        x = self.x_at(offset, width)
        self.set_y(y)
        for text, style, size in lines:
            self.set_font(FONT_FAMILY, style, size)
            self.set_x(x)
            self.multi_cell(width, size * 0.5, text, align=align, new_x="LEFT", new_y="NEXT")
        return self.get_y()

    def footer(self) -> None:
        """The seller's legal identity and the document's mention, at the bottom of each page."""
        self.set_y(-26)
        self.set_font(FONT_FAMILY, "", 7.5)
        self.set_text_color(90)
        for text in _footer_lines(self.doc):
            self.multi_cell(WIDTH, 3.8, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)

    def lines_table(self) -> None:
        """The invoiced lines, columns mirrored on right-to-left pages."""
        lang = self.lang
        rows = [[t(lang, heading) for heading in COLUMNS]]
        rows += [
            [
                _plain(line.description, lang),
                format_decimal(line.quantity, locale=LOCALES[lang]),
                format_money(line.unit_price, lang),
                _percent(line.vat_rate, lang),
                format_money(line.amount, lang),
            ]
            for line in self.doc.lines
        ]
        widths, aligns = [70, 16, 36, 22, 36], [self.start, "C", self.end, "C", self.end]
        if self.rtl:
            rows, widths, aligns = [row[::-1] for row in rows], widths[::-1], aligns[::-1]
        self.set_font(FONT_FAMILY, "", 9)
        with self.table(
            width=WIDTH,
            col_widths=widths,
            text_align=aligns,
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(family=FONT_FAMILY, emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=4.8,
            padding=1.5,
        ) as table:
            for row in rows:
                table.row(row)

    def totals(self, y: float) -> float:
        """The totals, at the reading end of the page; the y just below them."""
        doc, lang = self.doc, self.lang
        rows = [(t(lang, N_("Total excl. VAT")), doc.total_before_vat, "")]
        for rate, _, vat in doc.vat_breakdown:
            rows.append((t(lang, N_("VAT {rate}")).format(rate=_percent(rate, lang)), vat, ""))
        rows.append((t(lang, N_("Total incl. VAT")), doc.total, "B"))
        for label, amount, style in rows:
            if style:
                self.line(self.x_at(95, 85), y, self.x_at(95, 85) + 85, y)
                y += 1
            self.set_font(FONT_FAMILY, style, 10 if style else 9.5)
            self.set_xy(self.x_at(95, 50), y)
            self.cell(50, 6, label, align=self.start)
            self.set_xy(self.x_at(145, 35), y)
            self.cell(35, 6, format_money(amount, lang), align=self.end)
            y += 6
        return y


def _percent(rate: Decimal, lang: str) -> str:
    return format_percent(rate, locale=LOCALES[lang], decimal_quantization=False)


def _join(parts: list[str], lang: str) -> str:
    """Non-empty parts with middle dots, read from the right on Arabic pages."""
    dot = f"{RLM}·{RLM}" if direction(lang) == "rtl" else "·"
    return f" {dot} ".join(_plain(part, lang) for part in parts if part)


def _texts(texts: list[str], style: str, size: float, lang: str) -> list[Line]:
    return [(_plain(text, lang), style, size) for text in texts if text]


def _title(doc: InvoiceDocument) -> str:
    return t(doc.lang, N_("Proforma invoice") if doc.proforma else N_("Invoice"))


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}" if value else ""


def _capital(seller: Seller, lang: str) -> str:
    amount = _plain(seller.share_capital, lang)
    return t(lang, "Share capital: {amount} MAD").format(amount=amount) if amount else ""


def _seller_lines(doc: InvoiceDocument) -> list[Line]:
    seller, lang = doc.seller, doc.lang
    rc_if = _join([_labelled("RC", seller.rc), _labelled("IF", seller.if_)], lang)
    texts = [seller.address, seller.city, rc_if, _labelled("ICE", seller.ice)]
    texts += [_capital(seller, lang), seller.email]
    return _texts([seller.name], "B", 12, lang) + _texts(texts, "", 9, lang)


def _title_lines(doc: InvoiceDocument) -> list[Line]:
    lang, number = doc.lang, _plain(doc.number, doc.lang)
    if doc.proforma:
        numbered = t(lang, "Reference: %(reference)s") % {"reference": number}
    else:
        numbered = t(lang, N_("Invoice no. {number}")).format(number=number)
    issued = t(lang, N_("Date: {date}")).format(date=format_date(doc.issued_on, lang))
    return [(_title(doc), "B", 18), (numbered, "B", 10), (issued, "", 10)]


def _customer_lines(doc: InvoiceDocument) -> list[Line]:
    customer, lang = doc.customer, doc.lang
    texts = [customer.name, _labelled("ICE", customer.ice), customer.address, customer.email]
    if doc.period_label:
        texts.append(t(lang, N_("Period: {period}")).format(period=_plain(doc.period_label, lang)))
    return [
        (t(lang, N_("Customer")), "B", 10),
        *_texts([customer.company], "B", 10, lang),
        *_texts(texts, "", 9.5, lang),
    ]


def _payment_lines(doc: InvoiceDocument) -> list[Line]:
    lang, reference = doc.lang, _plain(doc.payment_reference, doc.lang)
    method = t(lang, N_("Card (CMI)") if doc.payment_method == "card" else N_("Bank transfer"))
    texts = [t(lang, N_("Payment method: {method}")).format(method=method)]
    if reference:
        texts.append(t(lang, N_("Payment reference: {reference}")).format(reference=reference))
    if doc.bank_account and doc.paid_on is None:
        account = _plain(doc.bank_account, lang)
        texts.append(t(lang, N_("Bank account: {account}")).format(account=account))
    if doc.paid_on is not None and not doc.proforma:
        status = t(lang, N_("Paid on {date}")).format(date=format_date(doc.paid_on, lang))
    elif doc.payment_method == "transfer":
        status = t(lang, N_("To pay by bank transfer"))
    else:
        status = t(lang, N_("Awaiting payment"))
    return [(t(lang, N_("Payment")), "B", 10), *_texts(texts, "", 9.5, lang), (status, "B", 9.5)]


def _footer_lines(doc: InvoiceDocument) -> tuple[str, ...]:
    seller, lang = doc.seller, doc.lang
    place = ", ".join(part for part in (seller.address, seller.city) if part)
    ids = [_labelled("RC", seller.rc), _labelled("IF", seller.if_), _labelled("ICE", seller.ice)]
    if doc.proforma:
        mention = N_("Proforma invoice, not a tax invoice: the invoice is issued on payment.")
    else:
        mention = N_("Amounts in Moroccan dirhams (MAD).")
    identity = _join([seller.name, _capital(seller, lang), place], lang)
    return identity, _join(ids, lang), t(lang, mention)


def render_invoice(doc: InvoiceDocument) -> bytes:
    """The document as an A4 PDF; identical bytes for an identical document."""
    page = _Page(doc)
    page.add_page()
    top = page.get_y()
    seller_end = page.block(0, 100, top, _seller_lines(doc), page.start)
    title_end = page.block(105, 75, top, _title_lines(doc), page.end)
    y = max(seller_end, title_end) + 8
    page.set_y(page.block(0, 120, y, _customer_lines(doc), page.start) + 6)
    page.lines_table()
    if page.get_y() + 45 > page.page_break_trigger:  # totals and payment stay together
        page.add_page()
    y = page.get_y() + 4
    payment_end = page.block(0, 90, y, _payment_lines(doc), page.start)
    page.set_y(max(page.totals(y), payment_end))
    return bytes(page.output())
