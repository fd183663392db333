"""Billing services: the plan a user has now, and what it allows (asked by the alerts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from oktra.billing.models import SubscriptionPeriod
from oktra.billing.plans import PLANS, Plan, plan_by_code
from oktra.core.clock import as_utc, utc_now

FREE = "free"


@dataclass(frozen=True)
class Entitlements:
    """What a user may have: alerts (None: unlimited), their frequencies, history depth."""

    plan_code: str
    max_alerts: int | None
    frequencies: tuple[str, ...]
    history_days: int


@dataclass(frozen=True)
class CurrentPlan:
    """The plan in force and, for a paid one, when its paid time ends."""

    plan: Plan
    ends_at: datetime | None


def current_plan(*, session: Session, user_id: int, now: datetime) -> CurrentPlan:
    """The best plan among the user's running periods; Free when none runs. Consecutive
    periods of one plan count as one that ends with the last."""
    rank = {plan.code: index for index, plan in enumerate(PLANS)}
    periods = session.exec(
        select(SubscriptionPeriod).where(
            SubscriptionPeriod.user_id == user_id, SubscriptionPeriod.ends_at > now
        )
    ).all()
    running = [p for p in periods if as_utc(p.starts_at) <= now]
    if not running:
        return CurrentPlan(plan=plan_by_code(FREE), ends_at=None)
    best = max(running, key=lambda p: rank.get(p.plan_code, -1)).plan_code
    ends = max(as_utc(p.ends_at) for p in periods if p.plan_code == best)
    return CurrentPlan(plan=plan_by_code(best), ends_at=ends)


def entitlements(*, session: Session, user_id: int, now: datetime | None = None) -> Entitlements:
    """What the user's plan in force allows: the only place the alerts ask."""
    plan = current_plan(session=session, user_id=user_id, now=now or utc_now()).plan
    return Entitlements(
        plan_code=plan.code,
        max_alerts=plan.max_alerts,
        frequencies=plan.frequencies,
        history_days=plan.history_days,
    )
