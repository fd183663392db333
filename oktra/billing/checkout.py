"""Checkout and the customer's billing records (Reflex-free): the signed form the browser
posts to CMI, the orders and invoices a user may see, and their PDFs.

The form holds the order's fields and their ver3 hash, never the store key. A user only ever
reaches their own orders and invoices: every lookup here takes the user id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.billing.invoice_pdf import InvoiceDocument, InvoiceLine, Party, Seller, render_invoice
from oktra.billing.models import CARD, PENDING, TRANSFER, BillingOrder, Invoice
from oktra.billing.payments import OrderError, create_order
from oktra.billing.plans import plan_by_code
from oktra.core.clock import MOROCCO, as_utc
from oktra.i18n import N_, format_date, t
from oktra.integrations.cmi import CheckoutForm, checkout_fields
from oktra.settings import Settings

SIMULATOR_CHECKOUT = "/cmi-simulator/fim/est3Dgate"
ICE_PATTERN = re.compile(r"^\d{15}$")
PERIOD_NAMES = {"monthly": N_("monthly"), "yearly": N_("yearly")}
BAD_ICE = N_("The ICE has 15 digits.")
TRANSFER_ONLY_BUSINESS = N_("Payment by bank transfer is offered for the Business plan.")


@dataclass(frozen=True)
class Checkout:
    """Where the browser posts, and what."""

    url: str
    fields: dict[str, str]


def gateway_url(settings: Settings, api_base: str) -> str:
    """CMI's 3-D Secure page, or the built-in simulator (served by our API) outside
    production."""
    if settings.uses_cmi_simulator:
        return f"{api_base.rstrip('/')}{SIMULATOR_CHECKOUT}"
    return settings.cmi_gateway_url


def clean_ice(value: object) -> str:
    """The company's ICE as typed (spaces dropped), or '' when none is given."""
    ice = re.sub(r"\s+", "", str(value or ""))
    if ice and not ICE_PATTERN.match(ice):
        raise OrderError(BAD_ICE)
    return ice


def start_order(
    *,
    session: Session,
    user: User,
    plan_code: str,
    billing_period: str,
    provider: str,
    ice: object,
    now: datetime,
) -> BillingOrder:
    """A new order for this attempt (card) or this proforma (bank transfer, Business only)."""
    if provider == TRANSFER and plan_code != "business":
        raise OrderError(TRANSFER_ONLY_BUSINESS)
    return create_order(
        session=session,
        user=user,
        plan_code=plan_code,
        billing_period=billing_period,
        provider=provider,
        customer_ice=clean_ice(ice),
        now=now,
    )


def describe(order: BillingOrder, lang: str) -> str:
    """'OKTRA Pro, monthly' in the order's language."""
    period = t(lang, PERIOD_NAMES.get(order.billing_period, order.billing_period))
    return f"OKTRA {t(lang, plan_by_code(order.plan_code).name)}, {period}"


def checkout(*, order: BillingOrder, user: User, settings: Settings, api_base: str) -> Checkout:
    """The signed fields of one card payment attempt and the gateway's address; `api_base`
    is where browsers and CMI reach our API (the return and callback routes)."""
    api = api_base.rstrip("/")
    form = CheckoutForm(
        client_id=settings.cmi_client_id,
        oid=order.oid,
        amount=order.amount,
        ok_url=f"{api}/billing/cmi/ok",
        fail_url=f"{api}/billing/cmi/fail",
        callback_url=f"{api}/billing/cmi/callback",
        shop_url=f"{settings.base_url.rstrip('/')}/{order.language}/billing",
        bill_to_name=user.full_name,
        bill_to_company=user.company_name or "",
        email=user.email,
        tel=user.phone or "",
        description=describe(order, order.language),
        lang=order.language,
    )
    store_key = settings.cmi_store_key.get_secret_value()
    return Checkout(
        url=gateway_url(settings, api), fields=checkout_fields(form=form, store_key=store_key)
    )


def owned_order(*, session: Session, user_id: int, oid: str) -> BillingOrder | None:
    """The user's order of this id; None for anyone else's or an unknown one."""
    return session.exec(
        select(BillingOrder).where(BillingOrder.oid == oid, BillingOrder.user_id == user_id)
    ).first()


def user_orders(*, session: Session, user_id: int) -> list[BillingOrder]:
    """The user's orders, newest first."""
    return list(
        session.exec(
            select(BillingOrder)
            .where(BillingOrder.user_id == user_id)
            .order_by(BillingOrder.id.desc())
        ).all()
    )


def user_invoices(*, session: Session, user_id: int) -> dict[int, Invoice]:
    """The user's invoices by order id."""
    rows = session.exec(select(Invoice).where(Invoice.user_id == user_id)).all()
    return {invoice.order_id: invoice for invoice in rows}


def _period_label(start: datetime, end: datetime, plan_code: str, lang: str) -> str:
    first = format_date(as_utc(start).astimezone(MOROCCO).date(), lang, "short")
    last = format_date(as_utc(end).astimezone(MOROCCO).date(), lang, "short")
    return f"{t(lang, plan_by_code(plan_code).name)}, {first} – {last}"


def invoice_pdf(*, session: Session, invoice: Invoice, settings: Settings) -> bytes:
    """The invoice as issued, in its language."""
    order = session.get(BillingOrder, invoice.order_id)
    lang = invoice.language
    document = InvoiceDocument(
        number=invoice.number,
        issued_on=as_utc(invoice.issued_at).astimezone(MOROCCO).date(),
        lang=lang,
        seller=Seller.from_settings(settings),
        customer=Party(
            name=invoice.customer_name,
            company=invoice.customer_company,
            ice=invoice.customer_ice,
        ),
        lines=(
            InvoiceLine(
                description=describe(order, lang), quantity=1, unit_price=order.amount_before_vat
            ),
        ),
        payment_method="card" if order.provider == CARD else "transfer",
        payment_reference=order.transaction_id or order.oid,
        paid_on=as_utc(order.paid_at).astimezone(MOROCCO).date() if order.paid_at else None,
        period_label=_period_label(invoice.period_start, invoice.period_end, order.plan_code, lang),
    )
    return render_invoice(document)


def proforma_pdf(*, order: BillingOrder, user: User, settings: Settings) -> bytes:
    """The proforma of a bank transfer still to pay: the order id is its reference."""
    if order.provider != TRANSFER or order.status != PENDING:
        raise OrderError(N_("This order has no proforma invoice."))
    lang = order.language
    document = InvoiceDocument(
        number=order.oid,
        issued_on=as_utc(order.created_at).astimezone(MOROCCO).date(),
        lang=lang,
        seller=Seller.from_settings(settings),
        customer=Party(
            name=user.full_name, company=user.company_name or "", ice=order.customer_ice
        ),
        lines=(
            InvoiceLine(
                description=describe(order, lang), quantity=1, unit_price=order.amount_before_vat
            ),
        ),
        payment_method="transfer",
        payment_reference=order.oid,
        proforma=True,
        bank_account=" · ".join(part for part in (settings.bank_name, settings.bank_rib) if part),
    )
    return render_invoice(document)
