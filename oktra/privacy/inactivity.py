"""Inactive accounts (Reflex-free): warned by email after 23 months, closed after 24.

Activity is a sign-in, a click on a signed link of one of our emails (address verification,
unsubscribe), or a paid period (`paying_user_ids`; each payment is also recorded as activity). The
last one is kept in `user_account.last_active_at`; an account that never recorded one counts
from its creation. A warned account that shows activity again is not closed, and is warned
again only after another 23 months. A closed account is erased 30 days later by the retention
job (the registry's rule for user_account); signing in before then reopens it. docs/retention.md.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from oktra.accounts.models import AuthSession, User
from oktra.alerts.models import SavedSearch
from oktra.billing.models import SubscriptionPeriod
from oktra.core.clock import MOROCCO, as_utc
from oktra.i18n import format_date, normalize_language
from oktra.notifications.service import enqueue_email
from oktra.settings import get_settings

logger = logging.getLogger(__name__)

WARN_AFTER = timedelta(days=700)  # 23 months
CLOSE_AFTER = timedelta(days=730)  # 24 months
MIN_NOTICE = timedelta(days=30)
WARNING_KIND = "inactivity_warning"
CLOSED_REASON = "account_closed"


def record_activity(*, session: Session, user_id: int, now: datetime) -> None:
    """Note a sign-in, a used email link or a paid period: the open account is active at `now`
    (a closed or erased one is left as it is)."""
    session.execute(
        update(User)
        .where(
            User.id == user_id,
            User.closed_at.is_(None),
            or_(User.last_active_at.is_(None), User.last_active_at < now),
        )
        .values(last_active_at=now)
    )


def paying_user_ids(*, session: Session, now: datetime) -> set[int]:
    """Accounts with a paid period running: never inactive (each payment is also activity)."""
    return set(
        session.scalars(
            select(SubscriptionPeriod.user_id).where(
                SubscriptionPeriod.starts_at <= now,
                SubscriptionPeriod.ends_at > now,
                SubscriptionPeriod.user_id.is_not(None),
            )
        )
    )


def last_activity(user: User) -> datetime:
    """The account's latest sign-in, used email link or paid period; else its creation."""
    return as_utc(user.last_active_at or user.created_at)


def _dormant(session: Session, now: datetime) -> list[User]:
    """Open accounts with no activity for 23 months, sessions in use and payers left out."""
    activity = func.coalesce(User.last_active_at, User.created_at)
    users = session.exec(
        select(User).where(User.closed_at.is_(None), activity <= now - WARN_AFTER).order_by(User.id)
    ).all()
    if not users:
        return []
    ids = [user.id for user in users]
    in_use = set(
        session.exec(
            select(AuthSession.user_id).where(
                AuthSession.user_id.in_(ids), AuthSession.last_seen_at > now - WARN_AFTER
            )
        ).all()
    )
    skipped = in_use | paying_user_ids(session=session, now=now)
    return [user for user in users if user.id not in skipped]


def closes_on(user: User, now: datetime) -> datetime:
    """When a dormant account will be closed: 24 months after its last activity, and never
    sooner than 30 days after the warning."""
    return max(last_activity(user) + CLOSE_AFTER, now + MIN_NOTICE)


def _warned_since_activity(user: User) -> bool:
    warned = user.inactivity_warned_at
    return warned is not None and as_utc(warned) >= last_activity(user)


def warn(*, session: Session, user: User, now: datetime) -> None:
    """Email the owner that the account will be closed unless they sign in, once."""
    lang = normalize_language(user.language)
    closing = closes_on(user, now).astimezone(MOROCCO).date()
    enqueue_email(
        session=session,
        kind=WARNING_KIND,
        to_address=user.email,
        lang=lang,
        context={
            "name": user.full_name,
            "closing_date": format_date(closing, lang),
            "signin_link": f"{get_settings().base_url}/{lang}/signin",
        },
        idempotency_key=f"{WARNING_KIND}:{user.id}:{last_activity(user):%Y%m%d%H%M%S}",
        user_id=user.id,
    )
    user.inactivity_warned_at = now


def close(*, session: Session, user: User, now: datetime) -> None:
    """Close a dormant account: signed out everywhere, alerts paused, erased in 30 days."""
    user.closed_at = now
    user.updated_at = now
    session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.execute(
        update(SavedSearch)
        .where(SavedSearch.user_id == user.id, SavedSearch.paused_at.is_(None))
        .values(paused_at=now, pause_reason=CLOSED_REASON)
    )


def reopen(*, session: Session, user: User, now: datetime) -> None:
    """Reopen an account closed for inactivity that its owner signs in to before its erasure:
    open again, not warned, and the alerts the closure paused running again."""
    if user.closed_at is None:
        return
    user.closed_at, user.inactivity_warned_at, user.updated_at = None, None, now
    session.execute(
        update(SavedSearch)
        .where(SavedSearch.user_id == user.id, SavedSearch.pause_reason == CLOSED_REASON)
        .values(paused_at=None, pause_reason=None)
    )
    session.flush()
    logger.info("account %s reopened by a sign-in", user.id)


def run_inactivity(*, session: Session, now: datetime, dry_run: bool = False) -> dict[str, int]:
    """Warn the accounts dormant for 23 months, close those warned and dormant for 24."""
    counts = {"warned": 0, "closed": 0}
    for user in _dormant(session, now):
        if not _warned_since_activity(user):
            counts["warned"] += 1
            if not dry_run:
                warn(session=session, user=user, now=now)
        elif now >= closes_on(user, as_utc(user.inactivity_warned_at)):
            counts["closed"] += 1
            if not dry_run:
                close(session=session, user=user, now=now)
    if counts["warned"] or counts["closed"]:
        logger.info("inactive accounts: %s", counts)
    return counts
