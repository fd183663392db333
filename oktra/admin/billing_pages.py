"""/staff/billing (and /fr/…, /ar/…): the orders, pending bank transfers first, and the
confirmation that a transfer was received, which starts the order's period."""

from __future__ import annotations

import reflex as rx

from oktra.admin.billing import PROVIDERS, STATUSES
from oktra.admin.billing_state import PROVIDER_LABELS, StaffBillingState
from oktra.admin.widgets import staff_frame, staff_input
from oktra.i18n import N_, t

S = StaffBillingState
SELECT_STYLE = {"padding": "0.4rem", "border_radius": "6px"}
COLUMNS = (
    N_("order"),
    N_("customer"),
    N_("company"),
    N_("plan"),
    N_("amount"),
    N_("provider"),
    N_("status"),
    N_("created"),
    N_("paid"),
    N_("confirmed by"),
    "",
)
FACTS = (
    (N_("Customer"), "email"),
    (N_("Company"), "company"),
    (N_("Plan"), "plan"),
    (N_("Amount due"), "amount"),
    (N_("Ordered"), "created"),
)
CONFIRM_FOR = N_("Confirm transfer received for order {oid}")
CONFIRM_HEADING = N_("Confirm transfer received: order {oid}")
START_PERIOD = N_("Start the period of order {oid}")


def _with_oid(lang: str, message: str, oid: rx.Var) -> rx.Var:
    """A message with an {oid} placeholder, translated, around the order id held in state."""
    before, _, after = t(lang, message).partition("{oid}")
    return before + oid.to(str) + after


def _filter(label: str, value: rx.Var, on_change, options: list[tuple[str, str]]) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(text, value=key) for key, text in options],
        aria_label=label,
        value=value,
        on_change=on_change,
        style=SELECT_STYLE,
    )


def _row(item: rx.Var, lang: str) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(item["oid"]),
        rx.table.cell(item["email"]),
        rx.table.cell(item["company"]),
        rx.table.cell(item["plan"]),
        rx.table.cell(item["amount"]),
        rx.table.cell(item["provider"]),
        rx.table.cell(item["status"]),
        rx.table.cell(item["created"]),
        rx.table.cell(item["paid"]),
        rx.table.cell(item["confirmed_by"]),
        rx.table.cell(
            rx.cond(
                item["confirmable"] != "",
                rx.button(
                    t(lang, "Confirm transfer received…"),
                    size="1",
                    variant="soft",
                    aria_label=_with_oid(lang, CONFIRM_FOR, item["oid"]),
                    on_click=S.choose(item["oid"]),
                ),
            )
        ),
    )


def _orders(lang: str) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(t(lang, "Orders"), size="4"),
            rx.cond(
                S.sees_all,
                rx.hstack(
                    _filter(
                        t(lang, "Status"),
                        S.status_filter,
                        S.filter_status,
                        [("", t(lang, "every status")), *[(status, status) for status in STATUSES]],
                    ),
                    _filter(
                        t(lang, "Provider"),
                        S.provider_filter,
                        S.filter_provider,
                        [
                            ("", t(lang, "card and transfer")),
                            *[(p, t(lang, PROVIDER_LABELS[p])) for p in PROVIDERS],
                        ],
                    ),
                ),
                rx.text(t(lang, "Bank transfers waiting for confirmation"), size="2"),
            ),
            justify="between",
            width="100%",
        ),
        rx.text(
            t(
                lang,
                "Pending bank transfers come first; a role that may not read payment data sees "
                "only those. Listing orders shows customers' data: each listing is recorded in "
                "the audit trail.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(lang, label) if label else "")
                            for label in COLUMNS
                        ]
                    )
                ),
                rx.table.body(rx.foreach(S.rows, lambda item: _row(item, lang))),
                variant="surface",
                margin_top="0.75rem",
            ),
            rx.text(t(lang, "No order matches."), margin_top="0.75rem"),
        ),
        width="100%",
    )


def _fact(label: str, key: str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(S.selected[key]))


def _confirmation(lang: str) -> rx.Component:
    return rx.card(
        rx.heading(_with_oid(lang, CONFIRM_HEADING, S.selected["oid"]), size="4"),
        rx.data_list.root(
            *[_fact(t(lang, label), key) for label, key in FACTS],
            margin_y="0.75rem",
        ),
        rx.text(
            t(
                lang,
                "Check the bank statement first: the amount received must match the amount "
                "due. Confirming starts the customer's period and issues the invoice; it cannot "
                "be undone.",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                staff_input(
                    t(lang, "Bank's transfer reference"),
                    "reference",
                    required=True,
                    max_length=64,
                    auto_complete="off",
                ),
                staff_input(t(lang, "Date received"), "received_on", type="date", required=True),
                rx.hstack(
                    rx.button(_with_oid(lang, START_PERIOD, S.selected["oid"]), type="submit"),
                    rx.button(t(lang, "Cancel"), type="button", variant="soft", on_click=S.cancel),
                    spacing="3",
                ),
                width="100%",
                spacing="3",
                margin_top="0.75rem",
            ),
            on_submit=S.confirm,
            reset_on_submit=False,
        ),
        key=S.form_key,
        width="100%",
    )


def staff_billing(lang: str) -> rx.Component:
    """The billing page of the back office, in a language."""
    return staff_frame(
        t(lang, "OKTRA back office · billing"),
        S,
        rx.cond(S.selected.contains("oid"), _confirmation(lang)),
        _orders(lang),
        lang=lang,
        slug="billing",
    )
