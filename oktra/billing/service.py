"""Billing services. For now: what a user's plan allows, asked by the alerts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

ALL_FREQUENCIES = ("instant", "daily", "weekly")


@dataclass(frozen=True)
class Entitlements:
    """What a user may have: alerts (None: unlimited), their frequencies, history depth."""

    max_alerts: int | None = None
    frequencies: tuple[str, ...] = ALL_FREQUENCIES
    history_days: int | None = None


def entitlements(*, session: Session, user_id: int) -> Entitlements:
    """What this user's subscription allows. Until subscriptions exist (billing issue), every
    user is unlimited; the alerts ask only this function, so plans land in one place."""
    return Entitlements()
