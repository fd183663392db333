"""Billing tables: orders (one per payment attempt), the periods they paid for, invoices
numbered without gaps, and the log of the gateway's callbacks.

No card data has a column here: the card is typed on CMI's page, never on ours. The records
of a payment are kept 10 years (accounting law) with the personal fields minimized: on erasure
the link to the account goes, the invoice keeps only what an invoice must show.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Numeric, Table, exists
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import (
    USER_TABLE,
    AnonymousData,
    Category,
    Erasure,
    PersonalData,
    register,
    register_anonymous,
)

MONEY = Numeric(12, 2)
TEN_YEARS = 3650
PENDING, PAID, DECLINED, FAILED, CANCELLED = "pending", "paid", "declined", "failed", "cancelled"
REFUNDED = "refunded"
CARD, TRANSFER = "cmi", "transfer"


class BillingOrder(SQLModel, table=True):
    """One payment attempt: a card checkout through CMI or a bank transfer to be confirmed."""

    __tablename__ = "billing_order"

    id: int | None = Field(default=None, primary_key=True)
    oid: str = Field(max_length=40, unique=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    plan_code: str = Field(max_length=20)
    billing_period: str = Field(max_length=10)
    amount_before_vat: Decimal = Field(sa_type=MONEY)
    vat: Decimal = Field(sa_type=MONEY)
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(default="504", max_length=3)
    provider: str = Field(default=CARD, max_length=10)
    status: str = Field(default=PENDING, max_length=12, index=True)
    language: str = Field(default="fr", max_length=2)
    customer_ice: str = Field(default="", max_length=15)
    transaction_id: str | None = Field(default=None, max_length=64)
    failure: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_by: int | None = Field(default=None, foreign_key="staff_member.id")


class SubscriptionPeriod(SQLModel, table=True):
    """A paid period of a plan. One order pays for one period at most: the unique order id
    makes a repeated approval add nothing, whatever the concurrency."""

    __tablename__ = "subscription_period"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="billing_order.id", unique=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    plan_code: str = Field(max_length=20)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class InvoiceSequence(SQLModel, table=True):
    """The last invoice number given in a year; incremented in the paying transaction, so a
    rolled-back payment consumes no number and the series has no gap."""

    __tablename__ = "invoice_sequence"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_number: int = Field(default=0)


class Invoice(SQLModel, table=True):
    """An invoice as issued: what it must show by law, nothing more."""

    __tablename__ = "invoice"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    order_id: int = Field(foreign_key="billing_order.id", unique=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    issued_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    language: str = Field(default="fr", max_length=2)
    customer_name: str = Field(default="", max_length=120)
    customer_company: str = Field(default="", max_length=160)
    customer_ice: str = Field(default="", max_length=15)
    plan_code: str = Field(max_length=20)
    period_start: datetime = Field(sa_type=UTCDateTime)
    period_end: datetime = Field(sa_type=UTCDateTime)
    amount_before_vat: Decimal = Field(sa_type=MONEY)
    vat: Decimal = Field(sa_type=MONEY)
    amount: Decimal = Field(sa_type=MONEY)


class GatewayCallback(SQLModel, table=True):
    """One callback of the gateway as received: outcome and answer, never a card field."""

    __tablename__ = "gateway_callback"

    id: int | None = Field(default=None, primary_key=True)
    oid: str = Field(default="", max_length=40, index=True)
    received_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    outcome: str = Field(max_length=30)
    proc_return_code: str = Field(default="", max_length=10)
    answer: str = Field(max_length=20)


def order_released(table: Table, _now: datetime) -> ColumnElement[bool]:
    """An order no period and no invoice refers to any more (they go first, on their own
    clocks; the order follows the next night)."""
    return ~exists().where(SubscriptionPeriod.order_id == table.c.id) & ~exists().where(
        Invoice.order_id == table.c.id
    )


register(
    PersonalData(
        table="billing_order",
        category=Category.PAYMENT,
        user_link="user_id",
        purpose=N_("Managing billing and subscriptions"),
        retention=N_("10 years (accounting law), without the link to your account once erased"),
        retention_days=TEN_YEARS,
        erasure=Erasure.LEGAL_HOLD,
        export_columns=(
            "oid",
            "plan_code",
            "billing_period",
            "amount",
            "provider",
            "status",
            "created_at",
            "paid_at",
        ),
        anonymize_columns=("failure", "customer_ice"),
        retention_column="created_at",
        retention_when=order_released,
    )
)
register(
    PersonalData(
        table="subscription_period",
        category=Category.PAYMENT,
        user_link="user_id",
        purpose=N_("Managing billing and subscriptions"),
        retention=N_("10 years (accounting law), without the link to your account once erased"),
        retention_days=TEN_YEARS,
        erasure=Erasure.LEGAL_HOLD,
        export_columns=("plan_code", "starts_at", "ends_at"),
        retention_column="ends_at",
    )
)
register(
    PersonalData(
        table="invoice",
        category=Category.PAYMENT,
        user_link="user_id",
        purpose=N_("Invoicing your subscription"),
        retention=N_("10 years (accounting law): the invoice keeps your name, company and ICE"),
        retention_days=TEN_YEARS,
        erasure=Erasure.LEGAL_HOLD,
        export_columns=(
            "number",
            "issued_at",
            "customer_name",
            "customer_company",
            "customer_ice",
            "plan_code",
            "period_start",
            "period_end",
            "amount",
        ),
        retention_column="issued_at",
    )
)
register_anonymous(
    AnonymousData(
        table="gateway_callback",
        purpose=N_("Proving what the payment gateway told us"),
        retention=N_("13 months"),
        retention_days=396,
        retention_column="received_at",
    )
)
