"""Orders in the back office (Reflex-free): the list of orders (an audited read of customers'
account and payment data) and the confirmation of a bank transfer received, which starts the
period through `payments.apply_payment`, exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.admin import audit
from oktra.admin.models import StaffMember
from oktra.admin.roles import Action, Role, may_read
from oktra.admin.service import require
from oktra.billing import payments
from oktra.billing.models import (
    CANCELLED,
    CARD,
    DECLINED,
    FAILED,
    PAID,
    PENDING,
    REFUNDED,
    TRANSFER,
    BillingOrder,
)
from oktra.core.clock import MOROCCO, as_utc
from oktra.privacy.registry import Category

STATUSES = (PENDING, PAID, DECLINED, FAILED, CANCELLED, REFUNDED)
PROVIDERS = (CARD, TRANSFER)
LIST_MAX = 500
REFERENCE_MAX = 64
# The audit trail's names for the two steps of the page.
LIST_AUDIT_ACTION = "list_billing_orders"
CONFIRM_AUDIT_ACTION = "confirm_bank_transfer"
# The listing shows each order's customer (account) and the order itself (payment).
LISTED_CATEGORIES = (Category.ACCOUNT, Category.PAYMENT)


class BillingAdminError(ValueError):
    """A confirmation the order's state does not allow, or a field to correct."""


@dataclass(frozen=True)
class OrderRow:
    """One order as the back office lists it."""

    oid: str
    email: str
    company: str
    plan: str
    period: str
    amount: Decimal
    provider: str
    status: str
    created_at: datetime
    paid_at: datetime | None
    confirmed_by: str
    account_shown: bool = True

    @property
    def confirmable(self) -> bool:
        """A bank transfer still waiting for its money."""
        return self.provider == TRANSFER and self.status == PENDING


def sees_every_order(staff: StaffMember) -> bool:
    """Whether the staff member's role may read payment data, hence list every order; the
    others see only the bank transfers waiting for confirmation."""
    return may_read(Role(staff.role), Category.PAYMENT)


def list_orders(
    *,
    session: Session,
    staff: StaffMember,
    status: str | None,
    provider: str | None,
    now: datetime,
    limit: int = 100,
) -> list[OrderRow]:
    """Orders of one status and provider (None or unknown: all), pending bank transfers first,
    then the newest; one audit event per category shown.

    Least privilege: a role that may not read payment data (support, admin) gets only the
    work to do — the bank transfers still pending — and the customer's email and company only
    if it may read account data."""
    require(staff, Action.CONFIRM_BANK_TRANSFERS)
    if not sees_every_order(staff):
        status, provider = PENDING, TRANSFER
    shows_account = may_read(Role(staff.role), Category.ACCOUNT)
    waiting = case(
        (
            (BillingOrder.provider == TRANSFER) & (BillingOrder.status == PENDING),
            0,
        ),
        else_=1,
    )
    query = (
        select(BillingOrder, User.email, User.company_name, StaffMember.full_name)
        .outerjoin(User, User.id == BillingOrder.user_id)
        .outerjoin(StaffMember, StaffMember.id == BillingOrder.confirmed_by)
        .order_by(waiting, BillingOrder.created_at.desc(), BillingOrder.id.desc())
        .limit(max(1, min(limit, LIST_MAX)))
    )
    status = status if status in STATUSES else None
    provider = provider if provider in PROVIDERS else None
    if status:
        query = query.where(BillingOrder.status == status)
    if provider:
        query = query.where(BillingOrder.provider == provider)
    rows = [
        OrderRow(
            oid=order.oid,
            email=(email or "") if shows_account else "",
            company=(company or "") if shows_account else "",
            plan=order.plan_code,
            period=order.billing_period,
            amount=order.amount,
            provider=order.provider,
            status=order.status,
            created_at=as_utc(order.created_at),
            paid_at=as_utc(order.paid_at) if order.paid_at else None,
            confirmed_by=confirmer or "",
            account_shown=shows_account,
        )
        for order, email, company, confirmer in session.exec(query).all()
    ]
    reason = (
        f"listing billing orders (status: {status or 'any'}, provider: {provider or 'any'}) "
        "to confirm bank transfers"
    )
    for category in LISTED_CATEGORIES:
        if category == Category.ACCOUNT and not shows_account:
            continue
        audit.record(
            session=session,
            staff=staff,
            action=LIST_AUDIT_ACTION,
            reason=reason,
            now=now,
            category=category,
        )
    return rows


def clean_reference(reference: object) -> str:
    """The bank's transfer reference, stripped; refused when empty or over 64 characters."""
    text = reference.strip() if isinstance(reference, str) else ""
    if not text or len(text) > REFERENCE_MAX:
        raise BillingAdminError("Give the bank's transfer reference (64 characters at most).")
    return text


def _confirmable_order(session: Session, oid: str) -> BillingOrder:
    order = payments.order_by_oid(session=session, oid=(oid or "").strip())
    if order is None:
        raise BillingAdminError("No such order.")
    if order.provider != TRANSFER:
        raise BillingAdminError("This order is paid by card: only a bank transfer is confirmed.")
    if order.status == PAID:
        raise BillingAdminError("This order is already paid.")
    if order.status != PENDING:
        raise BillingAdminError(f"This order is {order.status}: only a pending one is confirmed.")
    return order


def confirm_transfer(
    *,
    session: Session,
    staff: StaffMember,
    oid: str,
    reference: str,
    received_on: date | None,
    now: datetime,
) -> BillingOrder:
    """Record the bank transfer received for a pending transfer order and start its period
    (the reference becomes the transaction id, the staff member its confirmer); audited.
    A second confirmation is refused and adds no period."""
    require(staff, Action.CONFIRM_BANK_TRANSFERS)
    reference = clean_reference(reference)
    order = _confirmable_order(session, oid)
    if isinstance(received_on, datetime):
        received_on = received_on.date()
    if not isinstance(received_on, date):
        raise BillingAdminError("Give the date the transfer was received.")
    if received_on > now.astimezone(MOROCCO).date():
        raise BillingAdminError("The date received is in the future.")
    if received_on < as_utc(order.created_at).astimezone(MOROCCO).date():
        raise BillingAdminError("The date received is before the order was made.")
    applied = payments.apply_payment(
        session=session, order=order, now=now, transaction_id=reference, staff_id=staff.id
    )
    if not applied:
        raise BillingAdminError("This order is already paid.")
    user = session.get(User, order.user_id) if order.user_id is not None else None
    audit.record(
        session=session,
        staff=staff,
        action=CONFIRM_AUDIT_ACTION,
        reason=(
            f"bank transfer for order {order.oid} of {order.amount} MAD received on "
            f"{received_on.isoformat()}"
        ),
        now=now,
        category=Category.PAYMENT,
        user_id=order.user_id,
        subject=user.email if user else "",
    )
    return order
