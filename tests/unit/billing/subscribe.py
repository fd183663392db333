"""Give a test account a paid plan the way payments do (an order applied), for tests about
something else than billing (alerts need a plan above Free for instant or several alerts)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from oktra.accounts.models import User
from oktra.billing import payments
from oktra.billing.models import SubscriptionPeriod


def subscribe(
    session,
    user: User,
    *,
    now: datetime,
    plan: str = "business",
    period: str = "yearly",
    until: datetime | None = None,
) -> None:
    """A paid period of the plan for the user, starting at `now`; `until` stretches it (tests
    whose code reads the real clock keep their plan whatever day the suite runs)."""
    order = payments.create_order(
        session=session, user=user, plan_code=plan, billing_period=period, now=now
    )
    payments.apply_payment(session=session, order=order, now=now)
    if until is not None:
        paid = session.exec(
            select(SubscriptionPeriod).where(SubscriptionPeriod.order_id == order.id)
        ).one()
        paid.ends_at = until
        session.flush()
