"""Billing pages' state: the plans and the user's payments, checkout, and one order's result
(pending until CMI's callback comes, read from the database, never from the browser)."""

from __future__ import annotations

import reflex as rx
from reflex.config import get_config

from oktra.accounts.models import User
from oktra.accounts.state import AuthState
from oktra.billing import checkout
from oktra.billing.models import CARD, PAID, PENDING, TRANSFER, BillingOrder
from oktra.billing.payments import OrderError
from oktra.billing.plans import PLANS, plan_by_code
from oktra.billing.service import current_plan
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import N_, format_date, format_datetime, format_money, t
from oktra.settings import get_settings
from oktra.ui.polling import poll

POLL_SECONDS, POLL_ROUNDS = 2, 90
STATUS_LABELS = {
    "pending": N_("Awaiting payment"),
    "paid": N_("Paid"),
    "declined": N_("Declined"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
    "refunded": N_("Refunded"),
}
UNTIL = N_("until %(date)s")
NO_PLAN = N_("Choose a plan.")


def _api_base() -> str:
    """Where the browser reaches our API routes (the backend)."""
    return get_config().api_url.rstrip("/")


def _order_row(order: BillingOrder, invoice, lang: str, api: str) -> dict[str, str]:
    proforma = order.provider == TRANSFER and order.status == PENDING
    return {
        "oid": order.oid,
        "what": checkout.describe(order, lang),
        "amount": format_money(order.amount, lang),
        "status": t(lang, STATUS_LABELS.get(order.status, order.status)),
        "created": format_datetime(order.created_at, lang, "short"),
        "invoice": invoice.number if invoice else "",
        "invoice_url": f"{api}/billing/invoices/{invoice.number}" if invoice else "",
        "proforma_url": f"{api}/billing/proforma/{order.oid}" if proforma else "",
    }


class BillingState(AuthState):
    """The plan in force, the plans to pay for, and the user's orders and invoices."""

    plan_name: str = ""
    plan_until: str = ""
    orders: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    gateway_url: str = ""
    gateway_fields: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    error: str = ""
    loaded: bool = False

    def _load(self, user: User) -> None:
        lang, now, api = self.page_lang, utc_now(), _api_base()
        with session_scope() as session:
            plan = current_plan(session=session, user_id=user.id, now=now)
            self.plan_name = t(lang, plan.plan.name)
            self.plan_until = (
                t(lang, UNTIL) % {"date": format_date(plan.ends_at.date(), lang)}
                if plan.ends_at
                else ""
            )
            invoices = checkout.user_invoices(session=session, user_id=user.id)
            self.orders = [
                _order_row(order, invoices.get(order.id), lang, api)
                for order in checkout.user_orders(session=session, user_id=user.id)
            ]
        self.loaded = True

    @rx.event
    def open_page(self):
        """Signed-in users only: the plan in force and the payments."""
        self.error, self.gateway_fields = "", []
        user, redirect = self._signed_in_or_redirect()
        if user is None:
            return redirect
        self._load(user)
        return None

    @rx.event
    def pay(self, form: dict):
        """A new order for the chosen plan and period: by card, the signed form is posted to
        CMI at once; by bank transfer (Business), the proforma is offered."""
        user = self._refresh()
        if user is None:
            return None
        lang = self.page_lang
        plan_code, period = str(form.get("plan", "")), str(form.get("period", "monthly"))
        provider = TRANSFER if form.get("method") == TRANSFER else CARD
        if plan_code not in {plan.code for plan in PLANS} or plan_code == "free":
            self.error = t(lang, NO_PLAN)
            return None
        settings = get_settings()
        try:
            with session_scope() as session:
                stored = session.get(User, user.id)
                stored.language = stored.language or lang
                order = checkout.start_order(
                    session=session,
                    user=stored,
                    plan_code=plan_code,
                    billing_period=period,
                    provider=provider,
                    ice=form.get("ice", ""),
                    now=utc_now(),
                )
                order.language = lang
                signed = checkout.checkout(
                    order=order, user=stored, settings=settings, api_base=_api_base()
                )
        except OrderError as refusal:
            self.error = t(lang, str(refusal))
            return None
        self.error = ""
        if provider == TRANSFER:
            return rx.redirect(f"/{lang}/billing/order?oid={order.oid}")
        self.gateway_url = signed.url
        self.gateway_fields = [{"name": k, "value": v} for k, v in signed.fields.items()]
        return rx.call_script("document.getElementById('cmi-checkout').submit()")


class BillingOrderState(AuthState):
    """One order of the signed-in user, as the gateway's callback left it."""

    oid: str = ""
    status: str = ""
    status_label: str = ""
    what: str = ""
    amount: str = ""
    provider: str = ""
    plan_name: str = ""
    plan_until: str = ""
    invoice_url: str = ""
    proforma_url: str = ""
    bank_name: str = ""
    bank_rib: str = ""
    missing: bool = False
    polling: bool = False

    def _read(self) -> None:
        lang, api = self.page_lang, _api_base()
        with session_scope() as session:
            order = checkout.owned_order(session=session, user_id=self._user_id, oid=self.oid)
            if order is None:
                self.missing = True
                return
            invoice = checkout.user_invoices(session=session, user_id=self._user_id).get(order.id)
            row = _order_row(order, invoice, lang, api)
            self.status, self.status_label, self.provider = (
                order.status,
                row["status"],
                order.provider,
            )
            self.what, self.amount = row["what"], row["amount"]
            self.invoice_url, self.proforma_url = row["invoice_url"], row["proforma_url"]
            settings = get_settings()
            self.bank_name, self.bank_rib = settings.bank_name, settings.bank_rib
            if order.status == PAID:
                plan = current_plan(session=session, user_id=self._user_id, now=utc_now())
                self.plan_name = t(lang, plan_by_code(plan.plan.code).name)
                self.plan_until = (
                    t(lang, UNTIL) % {"date": format_date(plan.ends_at.date(), lang)}
                    if plan.ends_at
                    else ""
                )

    @rx.event
    def open_page(self):
        """The order named in the address (the user's own only)."""
        user, redirect = self._signed_in_or_redirect()
        if user is None:
            return redirect
        self.oid = str(self.router.url.query_parameters.get("oid", ""))[:40]
        self.missing, self.status = False, ""
        self._read()
        if self.status == PENDING and self.provider == CARD:
            return BillingOrderState.poll
        return None

    @rx.event(background=True)
    async def poll(self):
        """While a card payment waits for CMI's callback: read the order every 2 seconds."""

        def step() -> bool:
            self._read()
            return self.status == PENDING

        await poll(self, step, rounds=POLL_ROUNDS, seconds=POLL_SECONDS)
