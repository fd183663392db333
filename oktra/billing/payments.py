"""Orders and payments (Reflex-free): one order per attempt, a payment applied exactly once,
the period it pays for, and its invoice numbered without gaps.

`apply_payment` is the only way a period starts, for a card approval and a confirmed bank
transfer alike. It inserts the period first: `subscription_period.order_id` is unique, so a
second application of one order (a repeated callback, twenty concurrent copies of it, a staff
double click) fails on the constraint and changes nothing, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import calendar
import logging
import secrets
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.billing.lifecycle import resume_within_plan
from oktra.billing.models import (
    CARD,
    PAID,
    REFUNDED,
    BillingOrder,
    Invoice,
    InvoiceSequence,
    SubscriptionPeriod,
)
from oktra.billing.plans import plan_by_code, with_vat
from oktra.core.clock import MOROCCO, as_utc
from oktra.privacy.inactivity import record_activity

logger = logging.getLogger(__name__)

PERIODS = {"monthly": 1, "yearly": 12}


class OrderError(ValueError):
    """An order cannot be made as asked (unknown or free plan, unknown period)."""


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later, on the last day of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def new_oid(now: datetime) -> str:
    """A fresh order id for one attempt: never reused, unguessable."""
    return f"OKT{now:%Y%m%d}{secrets.token_hex(6).upper()}"


def price_of(plan_code: str, billing_period: str) -> tuple[Decimal, Decimal, Decimal]:
    """(before VAT, VAT, total) of one period of a paid plan."""
    plan = plan_by_code(plan_code)
    if billing_period not in PERIODS:
        raise OrderError(f"unknown billing period {billing_period!r}")
    before = plan.monthly_price if billing_period == "monthly" else plan.yearly_price
    if before <= 0:
        raise OrderError(f"the plan {plan_code!r} is not paid")
    total = with_vat(before)
    return before, total - before, total


def create_order(
    *,
    session: Session,
    user: User,
    plan_code: str,
    billing_period: str,
    now: datetime,
    provider: str = CARD,
    customer_ice: str = "",
) -> BillingOrder:
    """A pending order for one period of a plan, in the user's language; the company's ICE,
    when given, goes on the invoice."""
    try:
        before, vat, total = price_of(plan_code, billing_period)
    except KeyError as exc:
        raise OrderError(f"unknown plan {plan_code!r}") from exc
    order = BillingOrder(
        oid=new_oid(now),
        user_id=user.id,
        plan_code=plan_code,
        billing_period=billing_period,
        amount_before_vat=before,
        vat=vat,
        amount=total,
        provider=provider,
        customer_ice=customer_ice,
        language=user.language,
        created_at=now,
    )
    session.add(order)
    session.flush()
    return order


def order_by_oid(*, session: Session, oid: str) -> BillingOrder | None:
    """The order of this id, if any."""
    return session.exec(select(BillingOrder).where(BillingOrder.oid == oid)).first()


def _period_start(session: Session, order: BillingOrder, now: datetime) -> datetime:
    """Now, or the end of the user's running period of the same plan (a renewal follows it)."""
    running_end = session.exec(
        select(func.max(SubscriptionPeriod.ends_at)).where(
            SubscriptionPeriod.user_id == order.user_id,
            SubscriptionPeriod.plan_code == order.plan_code,
            SubscriptionPeriod.ends_at > now,
        )
    ).one()
    return max(now, as_utc(running_end)) if running_end is not None else now


def next_invoice_number(*, session: Session, year: int) -> str:
    """The next number of the year's series, taken in the caller's transaction (its row lock
    holds until commit, and a rollback gives the number back)."""
    try:
        with session.begin_nested():
            session.add(InvoiceSequence(year=year, last_number=0))
    except IntegrityError:
        pass
    number = session.execute(
        update(InvoiceSequence)
        .where(InvoiceSequence.year == year)
        .values(last_number=InvoiceSequence.last_number + 1)
        .returning(InvoiceSequence.last_number)
    ).scalar_one()
    return f"OKT-{year}-{number:06d}"


def _issue_invoice(
    session: Session, order: BillingOrder, period: SubscriptionPeriod, now: datetime
) -> Invoice:
    user = session.get(User, order.user_id) if order.user_id is not None else None
    invoice = Invoice(
        number=next_invoice_number(session=session, year=now.astimezone(MOROCCO).year),
        order_id=order.id,
        user_id=order.user_id,
        issued_at=now,
        language=order.language,
        customer_name=user.full_name if user else "",
        customer_company=(user.company_name or "") if user else "",
        customer_ice=order.customer_ice,
        plan_code=order.plan_code,
        period_start=period.starts_at,
        period_end=period.ends_at,
        amount_before_vat=order.amount_before_vat,
        vat=order.vat,
        amount=order.amount,
    )
    session.add(invoice)
    return invoice


def apply_payment(
    *,
    session: Session,
    order: BillingOrder,
    now: datetime,
    transaction_id: str | None = None,
    staff_id: int | None = None,
) -> bool:
    """Start the period the order pays for and issue its invoice; False (and nothing changed)
    when the order was already applied."""
    start = _period_start(session, order, now)
    period = SubscriptionPeriod(
        order_id=order.id,
        user_id=order.user_id,
        plan_code=order.plan_code,
        starts_at=start,
        ends_at=add_months(start, PERIODS[order.billing_period]),
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(period)
    except IntegrityError:
        logger.info("order %s was already applied", order.oid)
        return False
    order.status, order.paid_at, order.failure = PAID, now, None
    order.transaction_id = transaction_id or order.transaction_id
    order.confirmed_by = staff_id
    _issue_invoice(session, order, period, now)
    session.flush()
    if order.user_id is not None:
        resume_within_plan(session=session, user_id=order.user_id, now=now)
        record_activity(session=session, user_id=order.user_id, now=now)
    logger.info("order %s paid: %s until %s", order.oid, order.plan_code, period.ends_at)
    return True


def record_refund(*, session: Session, oid: str, amount: Decimal, now: datetime) -> None:
    """Note on the order a refund CMI approved; a full refund ends the period it paid for
    now (a partial one leaves it running)."""
    order = order_by_oid(session=session, oid=oid)
    if order is None:
        return
    if amount >= order.amount:
        session.execute(
            update(SubscriptionPeriod)
            .where(SubscriptionPeriod.order_id == order.id, SubscriptionPeriod.ends_at > now)
            .values(ends_at=now)
        )
    order.status = REFUNDED
    order.failure = f"refunded {amount} MAD on {now:%Y-%m-%d}"[:200]
    logger.info("order %s refunded: %s MAD", oid, amount)
