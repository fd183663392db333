"""What happens around a subscription's end (Reflex-free): alerts brought within the plan in
force, resumed after a payment, and reminders before the paid time runs out.

Nothing is deleted when a plan shrinks: the alerts it no longer covers are paused with the
reason `PLAN_LIMIT` (the oldest ones keep running), and `resume_within_plan` turns them back
on, oldest first, once the plan covers them again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.alerts.models import SavedSearch
from oktra.billing.models import SubscriptionPeriod
from oktra.billing.service import CurrentPlan, current_plan, entitlements
from oktra.core.clock import MOROCCO, as_utc
from oktra.i18n import format_date, normalize_language, t
from oktra.notifications.models import EmailMessage
from oktra.notifications.service import enqueue_email
from oktra.settings import get_settings

logger = logging.getLogger(__name__)

PLAN_LIMIT = "plan_limit"
REMINDER_KIND = "renewal_reminder"
REMINDER_DAYS = (1, 7)  # nearest first: a late run sends only the nearest due reminder
EXPIRY_LOOKBACK = timedelta(days=7)


def _running(session: Session, user_id: int) -> list[SavedSearch]:
    """The user's running alerts, oldest first."""
    return list(
        session.exec(
            select(SavedSearch)
            .where(SavedSearch.user_id == user_id, SavedSearch.paused_at.is_(None))
            .order_by(SavedSearch.created_at, SavedSearch.id)
        ).all()
    )


def _switch(alert: SavedSearch, *, paused: bool, now: datetime) -> None:
    """Pause an alert for the plan, or resume it; a new revision, as `set_paused` makes."""
    alert.paused_at, alert.pause_reason = (now, PLAN_LIMIT) if paused else (None, None)
    alert.updated_at, alert.revision = now, alert.revision + 1


def enforce_plan(*, session: Session, user_id: int, now: datetime) -> dict[str, int]:
    """Pause the running alerts the plan in force does not cover: first those of a frequency
    it does not include, then the newest beyond its number of alerts. Idempotent."""
    allowed = entitlements(session=session, user_id=user_id, now=now)
    kept, paused = [], 0
    for alert in _running(session, user_id):
        if alert.frequency in allowed.frequencies:
            kept.append(alert)
        else:
            _switch(alert, paused=True, now=now)
            paused += 1
    if allowed.max_alerts is not None:
        for alert in kept[allowed.max_alerts :]:
            _switch(alert, paused=True, now=now)
            paused += 1
    session.flush()
    if paused:
        logger.info("user %s: %s alerts paused for the %s plan", user_id, paused, allowed.plan_code)
    return {"paused": paused}


def resume_within_plan(*, session: Session, user_id: int, now: datetime) -> int:
    """Resume, oldest first, the alerts paused for the plan that the plan in force now covers
    (after a payment or an upgrade); returns how many. A closed account's stay paused."""
    user = session.get(User, user_id)
    if user is None or user.closed_at is not None:
        return 0
    allowed = entitlements(session=session, user_id=user_id, now=now)
    running = len(_running(session, user_id))
    waiting = session.exec(
        select(SavedSearch)
        .where(SavedSearch.user_id == user_id, SavedSearch.pause_reason == PLAN_LIMIT)
        .order_by(SavedSearch.created_at, SavedSearch.id)
    ).all()
    resumed = 0
    for alert in waiting:
        if allowed.max_alerts is not None and running >= allowed.max_alerts:
            break
        if alert.frequency in allowed.frequencies:
            _switch(alert, paused=False, now=now)
            running, resumed = running + 1, resumed + 1
    session.flush()
    return resumed


def expire_plans(*, session: Session, now: datetime) -> dict[str, int]:
    """Bring within their plan the users whose paid period ended in the last 7 days.

    Enforcing against the plan in force settles every case at once: a renewal or another
    running plan leaves the alerts alone, a downgrade pauses what the lower plan excludes.
    The 7-day look-back covers missed runs; `enforce_plan` is idempotent, so the hourly
    runs that see the same ended period again change nothing."""
    user_ids = session.exec(
        select(SubscriptionPeriod.user_id)
        .where(
            SubscriptionPeriod.user_id.is_not(None),
            SubscriptionPeriod.ends_at <= now,
            SubscriptionPeriod.ends_at > now - EXPIRY_LOOKBACK,
        )
        .distinct()
    ).all()
    counts = {"users": 0, "paused": 0}
    for user_id in sorted(user_ids):
        counts["users"] += 1
        counts["paused"] += enforce_plan(session=session, user_id=user_id, now=now)["paused"]
    return counts


def _due_reminder(ends_on: date, today: date) -> int | None:
    """The nearest reminder due for a plan ending on that Moroccan day (7 or 1 day before)."""
    days_left = (ends_on - today).days
    return next((days for days in REMINDER_DAYS if 0 <= days_left <= days), None)


def _remind(session: Session, user: User, plan: CurrentPlan, *, due: int, today: date) -> bool:
    """Queue one reminder for the plan's end; False when it was already queued."""
    ends_on = as_utc(plan.ends_at).astimezone(MOROCCO).date()
    key = f"renewal:{user.id}:{ends_on:%Y%m%d}:{due}"
    if session.exec(select(EmailMessage.id).where(EmailMessage.idempotency_key == key)).first():
        return False
    lang = normalize_language(user.language)
    enqueue_email(
        session=session,
        kind=REMINDER_KIND,
        to_address=user.email,
        lang=lang,
        context={
            "name": user.full_name,
            "plan": t(lang, plan.plan.name),
            "end_date": format_date(ends_on, lang),
            "days_left": (ends_on - today).days,
            "link": f"{get_settings().base_url}/{lang}/billing",
        },
        idempotency_key=key,
        user_id=user.id,
    )
    return True


def send_renewal_reminders(*, session: Session, now: datetime) -> dict[str, int]:
    """Remind open, verified accounts 7 days and 1 day (Moroccan calendar) before their paid
    plan ends, once each; none when a renewal already follows. Returns how many were sent."""
    today = now.astimezone(MOROCCO).date()
    horizon = now + timedelta(days=max(REMINDER_DAYS) + 1)
    ending = select(SubscriptionPeriod.user_id).where(
        SubscriptionPeriod.ends_at > now, SubscriptionPeriod.ends_at <= horizon
    )
    users = session.exec(
        select(User)
        .where(
            User.id.in_(ending),
            User.closed_at.is_(None),
            User.disabled_at.is_(None),
            User.email_verified_at.is_not(None),
        )
        .order_by(User.id)
    ).all()
    sent = 0
    for user in users:
        plan = current_plan(session=session, user_id=user.id, now=now)
        if plan.ends_at is None:
            continue
        due = _due_reminder(as_utc(plan.ends_at).astimezone(MOROCCO).date(), today)
        if due is not None and _remind(session, user, plan, due=due, today=today):
            sent += 1
    if sent:
        logger.info("renewal reminders queued: %s", sent)
    return {"sent": sent}
