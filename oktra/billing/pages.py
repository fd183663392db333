"""/{lang}/billing: the plan in force, the plans to pay for (card through CMI, or bank transfer
for Business), the payments and invoices; /{lang}/billing/order: one order's result."""

from __future__ import annotations

import reflex as rx

from oktra.billing.plans import PLANS, Plan, with_vat
from oktra.billing.state import BillingOrderState, BillingState
from oktra.i18n import format_money, t
from oktra.ui.layout import href, notice, page_frame

S = BillingState
R = BillingOrderState


def _radio(name: str, value: str, label: str, element_id: str, checked: bool) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="radio", name=name, value=value, id=element_id, default_checked=checked),
        f" {label}",
        html_for=element_id,
        style={"display": "flex", "gap": "0.4rem", "align_items": "center"},
    )


def _price(lang: str, plan: Plan) -> rx.Component:
    monthly, yearly = plan.monthly_price, plan.yearly_price
    return rx.vstack(
        rx.text(
            t(lang, "{amount} excl. VAT / month").format(amount=format_money(monthly, lang)),
            weight="bold",
            size="4",
        ),
        rx.text(
            t(lang, "{amount} incl. VAT (20%)").format(
                amount=format_money(with_vat(monthly), lang)
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.text(
            t(lang, "or {amount} incl. VAT a year").format(
                amount=format_money(with_vat(yearly), lang)
            ),
            size="2",
            color_scheme="gray",
        ),
        spacing="1",
    )


def _plan_form(lang: str, plan: Plan) -> rx.Component:
    code = plan.code
    methods = [_radio("method", "cmi", t(lang, "Card (CMI)"), f"{code}-card", True)]
    if code == "business":
        methods.append(
            _radio("method", "transfer", t(lang, "Bank transfer"), f"{code}-transfer", False)
        )
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(t(lang, plan.name), as_="h3", size="5"),
                _price(lang, plan),
                rx.text(t(lang, plan.pitch)),
                rx.el.input(type="hidden", name="plan", value=code),
                rx.el.fieldset(
                    rx.el.legend(t(lang, "Billing period")),
                    _radio("period", "monthly", t(lang, "Monthly"), f"{code}-monthly", True),
                    _radio("period", "yearly", t(lang, "Yearly"), f"{code}-yearly", False),
                ),
                rx.el.fieldset(rx.el.legend(t(lang, "Payment method")), *methods),
                rx.el.label(
                    t(lang, "Company ICE (optional, for the invoice)"), html_for=f"{code}-ice"
                ),
                rx.input(
                    id=f"{code}-ice",
                    name="ice",
                    input_mode="numeric",
                    max_length=20,
                    dir="ltr",
                    width="100%",
                ),
                rx.button(
                    t(lang, "Choose {plan}").format(plan=t(lang, plan.name)),
                    type="submit",
                    id=f"choose-{code}",
                    width="100%",
                ),
                spacing="3",
            ),
            on_submit=S.pay,
            reset_on_submit=False,
        ),
        id=f"plan-{code}",
    )


def _order_row(lang: str, order) -> rx.Component:
    return rx.table.row(
        rx.table.cell(order["created"]),
        rx.table.cell(order["what"]),
        rx.table.cell(order["amount"]),
        rx.table.cell(order["status"]),
        rx.table.cell(
            rx.cond(
                order["invoice_url"] != "",
                rx.link(order["invoice"], href=order["invoice_url"], is_external=True),
                rx.cond(
                    order["proforma_url"] != "",
                    rx.link(
                        t(lang, "Proforma invoice"), href=order["proforma_url"], is_external=True
                    ),
                    rx.text("—"),
                ),
            )
        ),
    )


def _payments(lang: str) -> rx.Component:
    headers = [t(lang, h) for h in ("Date", "Subscription", "Amount", "Status", "Invoice")]
    return rx.el.section(
        rx.heading(t(lang, "Payments and invoices"), as_="h2", size="5"),
        rx.cond(
            S.orders.length() == 0,
            rx.text(t(lang, "No payment yet."), color_scheme="gray", id="no-payments"),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(h) for h in headers])
                    ),
                    rx.table.body(rx.foreach(S.orders, lambda order: _order_row(lang, order))),
                    variant="surface",
                    id="payments",
                ),
                overflow_x="auto",
            ),
        ),
        margin_top="2rem",
    )


def _checkout_form() -> rx.Component:
    """The signed fields, posted by the browser to CMI (or its simulator) once filled."""
    return rx.el.form(
        rx.foreach(
            S.gateway_fields,
            lambda field: rx.el.input(type="hidden", name=field["name"], value=field["value"]),
        ),
        action=S.gateway_url,
        method="post",
        id="cmi-checkout",
    )


def billing_page(lang: str) -> rx.Component:
    """The plan in force, the plans, the payments."""
    return page_frame(
        lang,
        rx.heading(t(lang, "Plan and billing"), as_="h1", size="7"),
        rx.cond(
            S.loaded,
            rx.box(
                rx.card(
                    rx.text(t(lang, "Your plan")),
                    rx.heading(
                        S.plan_name, " ", S.plan_until, as_="h2", size="5", id="current-plan"
                    ),
                    margin_top="1rem",
                ),
                rx.cond(S.error != "", rx.callout(S.error, color_scheme="red", role="alert")),
                rx.grid(
                    *[_plan_form(lang, plan) for plan in PLANS if plan.monthly_price],
                    columns=rx.breakpoints(initial="1", md="2"),
                    gap="1rem",
                    margin_top="1.5rem",
                ),
                rx.text(
                    t(
                        lang,
                        "You pay on the secure page of the Moroccan interbank centre (CMI): "
                        "OKTRA never sees or stores your card number.",
                    ),
                    size="2",
                    color_scheme="gray",
                    margin_top="1rem",
                ),
                _payments(lang),
            ),
            rx.center(rx.spinner(size="3"), aria_busy="true", padding="3rem"),
        ),
        _checkout_form(),
    )


def _result(lang: str) -> rx.Component:
    return rx.match(
        R.status,
        (
            "paid",
            notice(
                "circle_check",
                t(lang, "Payment received. Your plan: "),
                rx.text.strong(R.plan_name, " ", R.plan_until, id="order-plan"),
                color_scheme="green",
                id="order-paid",
            ),
        ),
        (
            "pending",
            rx.cond(
                R.provider == "transfer",
                rx.box(
                    notice(
                        "landmark",
                        t(
                            lang,
                            "Pay by bank transfer with the order reference; your plan starts "
                            "when we receive it.",
                        ),
                        id="order-transfer",
                    ),
                    rx.data_list.root(
                        rx.data_list.item(
                            rx.data_list.label(t(lang, "Bank")), rx.data_list.value(R.bank_name)
                        ),
                        rx.data_list.item(
                            rx.data_list.label("RIB"), rx.data_list.value(R.bank_rib)
                        ),
                        rx.data_list.item(
                            rx.data_list.label(t(lang, "Reference")), rx.data_list.value(R.oid)
                        ),
                        margin_top="1rem",
                    ),
                ),
                rx.hstack(
                    rx.spinner(),
                    rx.text(t(lang, "Waiting for the bank's confirmation…")),
                    id="order-pending",
                    role="status",
                ),
            ),
        ),
        notice(
            "circle_x",
            t(lang, "The payment did not go through; nothing was charged. You can try again."),
            color_scheme="red",
            id="order-failed",
        ),
    )


def order_page(lang: str) -> rx.Component:
    """One order: paid, pending (until CMI's callback), or not paid."""
    return page_frame(
        lang,
        rx.heading(t(lang, "Your order"), as_="h1", size="7"),
        rx.cond(
            R.missing,
            rx.text(t(lang, "No such order."), id="order-missing"),
            rx.vstack(
                rx.text(R.what, " · ", R.amount, " · ", R.oid),
                rx.text(R.status_label, id="order-status"),
                _result(lang),
                rx.cond(
                    R.invoice_url != "",
                    rx.link(
                        t(lang, "Download the invoice (PDF)"),
                        href=R.invoice_url,
                        is_external=True,
                        id="invoice-download",
                    ),
                ),
                rx.cond(
                    R.proforma_url != "",
                    rx.link(
                        t(lang, "Download the proforma invoice (PDF)"),
                        href=R.proforma_url,
                        is_external=True,
                        id="proforma-download",
                    ),
                ),
                spacing="3",
                margin_top="1rem",
                align_items="start",
            ),
        ),
        rx.link(
            t(lang, "Back to plan and billing"), href=href(lang, "billing"), margin_top="1.5rem"
        ),
    )
