"""Emails about followed tenders: each amendment, postponement, cancellation and award, and
reminders 3 days and 1 day before the submission deadline and before a site visit.

Every email has its line in the delivery ledger (event `change:<id>` or
`<deadline|visit>-<n>d:<date>`), written in the same transaction as the outbox row: a change is
told once, a reminder once per date (a postponed deadline gets its own reminders).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from oktra.accounts.models import User
from oktra.alerts.delivery import LIVE_STATUSES, reachable_users
from oktra.alerts.models import AlertDelivery, FollowedTender
from oktra.alerts.unsubscribe import FOLLOW, Unsubscribe, list_unsubscribe_headers, page_url
from oktra.i18n import format_datetime, t
from oktra.notifications.service import enqueue_email
from oktra.settings import get_settings
from oktra.tenders.models import CHANGE_LABELS, Buyer, ChangeKind, Tender, TenderChange
from oktra.tenders.views import FIELD_LABELS, tender_summary

logger = logging.getLogger(__name__)

TOLD_CHANGES = (
    ChangeKind.AMENDMENT,
    ChangeKind.POSTPONEMENT,
    ChangeKind.CANCELLATION,
    ChangeKind.AWARD,
)
# Changes older than this are not news any more (a follower who missed them sees the history).
CHANGE_LOOKBACK = timedelta(days=7)
# Nearest first: when both are due (the job was down), only the nearer one is sent.
REMINDER_DAYS = (1, 3)
REMINDER = "tender_reminder"
MOMENTS = {"deadline": Tender.deadline_at, "visit": Tender.site_visit_at}


@dataclass(frozen=True)
class Notice:
    """One email to write: who, about which tender, for which ledger event."""

    user_id: int
    tender_id: int
    event: str
    kind: str
    change: TenderChange | None = None
    moment: str = ""
    days: int = 0


def change_notices(*, session: Session, now: datetime) -> list[Notice]:
    """Recent changes of followed tenders, made after the follow began."""
    rows = session.execute(
        select(FollowedTender.user_id, TenderChange)
        .join(TenderChange, TenderChange.tender_id == FollowedTender.tender_id)
        .where(
            TenderChange.kind.in_(TOLD_CHANGES),
            TenderChange.changed_at >= FollowedTender.created_at,
            TenderChange.changed_at >= now - CHANGE_LOOKBACK,
        )
        .order_by(TenderChange.id)
    ).all()
    return [
        Notice(user_id, change.tender_id, f"change:{change.id}", "tender_change", change=change)
        for user_id, change in rows
    ]


def reminder_notices(*, session: Session, now: datetime) -> list[Notice]:
    """Deadlines and site visits of followed live tenders due for a reminder now."""
    notices = []
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    for moment, column in MOMENTS.items():
        rows = session.execute(
            select(FollowedTender.user_id, FollowedTender.created_at, Tender.id, column)
            .join(Tender, Tender.id == FollowedTender.tender_id)
            .where(Tender.status.in_(LIVE_STATUSES), column > now, column <= horizon)
        ).all()
        for user_id, followed_at, tender_id, when in rows:
            for days in REMINDER_DAYS:
                due = when - timedelta(days=days)
                if due <= now and followed_at <= due:
                    event = f"{moment}-{days}d:{when:%Y%m%dT%H%M}"
                    notice = Notice(user_id, tender_id, event, REMINDER, moment=moment, days=days)
                    notices.append(notice)
                    break
    return notices


def queue_follow_emails(*, session: Session, now: datetime) -> dict[str, int]:
    """Write the emails about followed tenders that no email told yet."""
    notices = change_notices(session=session, now=now) + reminder_notices(session=session, now=now)
    told = _already_told(session, notices)
    fresh = [n for n in notices if (n.user_id, n.tender_id, n.event) not in told]
    users = reachable_users(session=session, user_ids={n.user_id for n in fresh})
    counts = {"changes": 0, "reminders": 0, "unreachable": 0}
    tenders = _tenders(session, {n.tender_id for n in fresh})
    for notice in fresh:
        user = users.get(notice.user_id)
        if user is None:
            counts["unreachable"] += 1
            continue
        try:
            with session.begin_nested():
                _queue_notice(session, user, notice, tenders[notice.tender_id], now)
        except IntegrityError:
            logger.info("follow notice %s already written by another worker", notice.event)
            continue
        counts["changes" if notice.change else "reminders"] += 1
    return counts


def _already_told(session: Session, notices: list[Notice]) -> set[tuple[int, int, str]]:
    pairs = {(n.user_id, n.tender_id) for n in notices}
    if not pairs:
        return set()
    rows = session.execute(
        select(AlertDelivery.user_id, AlertDelivery.tender_id, AlertDelivery.event).where(
            tuple_(AlertDelivery.user_id, AlertDelivery.tender_id).in_(pairs)
        )
    )
    return {tuple(row) for row in rows}


def _tenders(session: Session, ids: set[int]) -> dict[int, tuple[Tender, Buyer]]:
    rows = session.execute(
        select(Tender, Buyer).join(Buyer, Buyer.id == Tender.buyer_id).where(Tender.id.in_(ids))
    ).all()
    return {tender.id: (tender, buyer) for tender, buyer in rows}


def _queue_notice(
    session: Session, user: User, notice: Notice, found: tuple[Tender, Buyer], now: datetime
) -> None:
    tender, buyer = found
    lang, base = user.language, get_settings().base_url
    summary = tender_summary(tender, buyer, lang)
    summary["url"] = f"{base}/{lang}/tenders/{tender.id}"
    stop = Unsubscribe(user.id, FOLLOW, tender.id)
    context: dict[str, object] = {
        "name": user.full_name,
        "title": tender.title,
        "tender": summary,
        "stop_url": page_url(stop, lang),
        "follows_url": f"{base}/{lang}/alerts",
    }
    if notice.change is not None:
        context["what"] = t(lang, CHANGE_LABELS.get(notice.change.kind, notice.change.kind))
        changed = [name for name in sorted(notice.change.changes) if name in FIELD_LABELS]
        context["fields"] = ", ".join(t(lang, FIELD_LABELS[name]) for name in changed)
    else:
        context["moment"] = notice.moment
        context["days"] = notice.days
        deadline = notice.moment == "deadline"
        context["when"] = summary["deadline"] if deadline else _visit(tender, lang)
    message = enqueue_email(
        session=session,
        kind=notice.kind,
        to_address=user.email,
        lang=lang,
        context=context,
        idempotency_key=f"follow:{user.id}:{tender.id}:{notice.event}",
        user_id=user.id,
        headers=list_unsubscribe_headers(stop),
    )
    session.add(
        AlertDelivery(
            user_id=user.id,
            tender_id=tender.id,
            event=notice.event,
            email_message_id=message.id,
            created_at=now,
        )
    )
    session.flush()


def _visit(tender: Tender, lang: str) -> str:
    return format_datetime(tender.site_visit_at, lang, "medium") if tender.site_visit_at else ""
