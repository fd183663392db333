"""Demo data for a laptop: each domain contributes a loader; loading twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from oktra.accounts.provisioning import ensure_user
from oktra.billing.models import TRANSFER
from oktra.billing.payments import apply_payment, create_order
from oktra.billing.service import current_plan
from oktra.core.clock import utc_now
from oktra.tenders.demo import load_demo_tenders

DEMO_EMAIL = "demo@oktra.ma"
DEMO_PASSWORD = "oktra-demo-2026"  # noqa: S105 - a published demo account, refused in production


def load_demo_accounts(*, session: Session) -> int:
    """A demo company account to sign in with, on the Business plan for a year (an order
    paid by bank transfer, as a staff member would confirm it)."""
    user, created = ensure_user(
        session=session,
        email=DEMO_EMAIL,
        full_name="Salma Bennani",
        company_name="Atlas BTP SARL",
        password=DEMO_PASSWORD,
        verified=True,
    )
    now = utc_now()
    if current_plan(session=session, user_id=user.id, now=now).ends_at is None:
        order = create_order(
            session=session,
            user=user,
            plan_code="business",
            billing_period="yearly",
            provider=TRANSFER,
            now=now,
        )
        apply_payment(session=session, order=order, now=now, transaction_id="DEMO")
    return int(created)


LOADERS: tuple[tuple[str, Callable[..., int]], ...] = (
    ("accounts", load_demo_accounts),
    ("tenders", load_demo_tenders),
)


def load_demo(*, session: Session) -> dict[str, int]:
    """Run every demo loader; returns how many rows each one created."""
    return {name: loader(session=session) for name, loader in LOADERS}
