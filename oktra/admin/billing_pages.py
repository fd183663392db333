"""/staff/billing (English only): the orders, pending bank transfers first, and the
confirmation that a transfer was received, which starts the order's period."""

from __future__ import annotations

import reflex as rx

from oktra.admin.billing import PROVIDERS, STATUSES
from oktra.admin.billing_state import PROVIDER_LABELS, StaffBillingState
from oktra.admin.widgets import staff_frame, staff_input

S = StaffBillingState
SELECT_STYLE = {"padding": "0.4rem", "border_radius": "6px"}
COLUMNS = (
    "order",
    "customer",
    "company",
    "plan",
    "amount",
    "provider",
    "status",
    "created",
    "paid",
    "confirmed by",
    "",
)


def _filter(label: str, value: rx.Var, on_change, options: list[tuple[str, str]]) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(text, value=key) for key, text in options],
        aria_label=label,
        value=value,
        on_change=on_change,
        style=SELECT_STYLE,
    )


def _row(item: rx.Var) -> rx.Component:
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
                    "Confirm transfer received…",
                    size="1",
                    variant="soft",
                    aria_label="Confirm transfer received for order " + item["oid"].to(str),
                    on_click=S.choose(item["oid"]),
                ),
            )
        ),
    )


def _orders() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading("Orders", size="4"),
            rx.cond(
                S.sees_all,
                rx.hstack(
                    _filter(
                        "Status",
                        S.status_filter,
                        S.filter_status,
                        [("", "every status"), *[(status, status) for status in STATUSES]],
                    ),
                    _filter(
                        "Provider",
                        S.provider_filter,
                        S.filter_provider,
                        [("", "card and transfer"), *[(p, PROVIDER_LABELS[p]) for p in PROVIDERS]],
                    ),
                ),
                rx.text("Bank transfers waiting for confirmation", size="2"),
            ),
            justify="between",
            width="100%",
        ),
        rx.text(
            "Pending bank transfers come first; a role that may not read payment data sees only "
            "those. Listing orders shows customers' data: each listing is recorded in the audit "
            "trail.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(label) for label in COLUMNS])
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                variant="surface",
                margin_top="0.75rem",
            ),
            rx.text("No order matches.", margin_top="0.75rem"),
        ),
        width="100%",
    )


def _fact(label: str, key: str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(S.selected[key]))


def _confirmation() -> rx.Component:
    return rx.card(
        rx.heading("Confirm transfer received: order ", S.selected["oid"], size="4"),
        rx.data_list.root(
            *[
                _fact(label, key)
                for label, key in (
                    ("Customer", "email"),
                    ("Company", "company"),
                    ("Plan", "plan"),
                    ("Amount due", "amount"),
                    ("Ordered", "created"),
                )
            ],
            margin_y="0.75rem",
        ),
        rx.text(
            "Check the bank statement first: the amount received must match the amount due. "
            "Confirming starts the customer's period and issues the invoice; it cannot be undone.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                staff_input(
                    "Bank's transfer reference",
                    "reference",
                    required=True,
                    max_length=64,
                    auto_complete="off",
                ),
                staff_input("Date received", "received_on", type="date", required=True),
                rx.hstack(
                    rx.button("Start the period of order ", S.selected["oid"], type="submit"),
                    rx.button("Cancel", type="button", variant="soft", on_click=S.cancel),
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


def staff_billing() -> rx.Component:
    """The billing page of the back office."""
    return staff_frame(
        "OKTRA back office · billing",
        S,
        rx.cond(S.selected.contains("oid"), _confirmation()),
        _orders(),
    )
