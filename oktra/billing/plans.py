"""The plan catalogue: defined once, read by the pricing teaser, checkout and entitlements."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from oktra.i18n import N_

VAT_RATE = Decimal("0.20")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Plan:
    """A subscription plan; prices are in MAD, before VAT."""

    code: str
    name: str
    monthly_price: Decimal
    yearly_price: Decimal
    max_alerts: int | None
    frequencies: tuple[str, ...]
    history_days: int
    pitch: str


PLANS: tuple[Plan, ...] = (
    Plan(
        code="free",
        name=N_("Free"),
        monthly_price=Decimal("0"),
        yearly_price=Decimal("0"),
        max_alerts=1,
        frequencies=("weekly",),
        history_days=30,
        pitch=N_("One saved search, a weekly digest."),
    ),
    Plan(
        code="pro",
        name=N_("Pro"),
        monthly_price=Decimal("199"),
        yearly_price=Decimal("1990"),
        max_alerts=10,
        frequencies=("instant", "daily", "weekly"),
        history_days=365,
        pitch=N_("Ten saved searches, instant alerts, one year of history."),
    ),
    Plan(
        code="business",
        name=N_("Business"),
        monthly_price=Decimal("499"),
        yearly_price=Decimal("4990"),
        max_alerts=None,
        frequencies=("instant", "daily", "weekly"),
        history_days=3650,
        pitch=N_("Unlimited saved searches and the full archive."),
    ),
)


def with_vat(amount: Decimal) -> Decimal:
    """An amount including Moroccan VAT (20%), rounded to the centime."""
    return (amount * (1 + VAT_RATE)).quantize(CENT, rounding=ROUND_HALF_UP)


def plan_by_code(code: str) -> Plan:
    """The plan with this code."""
    for plan in PLANS:
        if plan.code == code:
            return plan
    msg = f"unknown plan {code!r}"
    raise KeyError(msg)
