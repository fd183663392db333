"""Alert emails: each (user, tender) reaches the user once, through the fastest frequency among
the user's alerts that matched it.

The ledger (`alert_delivery`, unique on user, tender and event) and the outbox row are written
in one transaction per user: a crash leaves both or neither, and two workers racing on the same
user collide on the ledger's unique constraint, so one of them writes nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from oktra.accounts.models import User
from oktra.alerts.models import AlertDelivery, AlertMatch, Frequency, SavedSearch
from oktra.alerts.unsubscribe import ALERT, ALL, Unsubscribe, list_unsubscribe_headers, page_url
from oktra.core.batches import in_chunks
from oktra.core.clock import MOROCCO
from oktra.notifications.models import EmailMessage
from oktra.notifications.service import enqueue_email
from oktra.notifications.suppression import suppressed_among
from oktra.privacy.objections import objecting_among
from oktra.settings import get_settings
from oktra.tenders.models import Buyer, Status, Tender
from oktra.tenders.views import tender_summary

logger = logging.getLogger(__name__)

MATCH_EVENT = "match"
# Matches older than this are no longer news (and their tenders have mostly closed).
LOOKBACK = timedelta(days=35)
# Tenders listed per alert in one email; the rest are counted, with a link to all of them.
PER_ALERT = 20
FASTER = {
    Frequency.INSTANT: (),
    Frequency.DAILY: (Frequency.INSTANT,),
    Frequency.WEEKLY: (Frequency.INSTANT, Frequency.DAILY),
}
LIVE_STATUSES = (Status.OPEN, Status.POSTPONED)


@dataclass(frozen=True)
class Pending:
    """A match waiting to be emailed."""

    user_id: int
    saved_search_id: int
    tender_id: int


def _active_email_alert(alias):
    return (alias.by_email.is_(True), alias.paused_at.is_(None))


def pending_matches(*, session: Session, frequency: str, now: datetime) -> list[Pending]:
    """Matches of active email alerts of this frequency that no email carried yet, whose tender
    is still open, and that no faster alert of the same user will carry."""
    ledger = exists().where(
        AlertDelivery.user_id == AlertMatch.user_id,
        AlertDelivery.tender_id == AlertMatch.tender_id,
        AlertDelivery.event == MATCH_EVENT,
    )
    query = (
        select(AlertMatch.user_id, AlertMatch.saved_search_id, AlertMatch.tender_id)
        .join(SavedSearch, SavedSearch.id == AlertMatch.saved_search_id)
        .join(Tender, Tender.id == AlertMatch.tender_id)
        .where(
            SavedSearch.frequency == frequency,
            *_active_email_alert(SavedSearch),
            AlertMatch.matched_at >= now - LOOKBACK,
            Tender.status.in_(LIVE_STATUSES),
            or_(Tender.deadline_at.is_(None), Tender.deadline_at > now),
            ~ledger,
        )
    )
    faster = FASTER[Frequency(frequency)]
    if faster:
        other_match, other_alert = aliased(AlertMatch), aliased(SavedSearch)
        query = query.where(
            ~exists()
            .where(
                other_match.user_id == AlertMatch.user_id,
                other_match.tender_id == AlertMatch.tender_id,
                other_alert.id == other_match.saved_search_id,
                other_alert.frequency.in_(faster),
                *_active_email_alert(other_alert),
            )
            .correlate(AlertMatch)
        )
    rows = session.execute(
        query.order_by(AlertMatch.user_id, AlertMatch.saved_search_id, AlertMatch.tender_id)
    )
    return [Pending(*row) for row in rows]


def reachable_users(*, session: Session, user_ids: set[int]) -> dict[int, User]:
    """The users among these whose account is open, whose address is verified and not
    suppressed, and who do not object to personalized alerts."""
    objecting = objecting_among(session=session, user_ids=user_ids)
    users = {
        user.id: user
        for chunk in in_chunks(user_ids)
        for user in session.scalars(
            select(User).where(
                User.id.in_(chunk),
                User.email_verified_at.is_not(None),
                User.closed_at.is_(None),
                User.disabled_at.is_(None),
            )
        )
        if user.id not in objecting
    }
    blocked = suppressed_among(session=session, addresses={u.email for u in users.values()})
    return {uid: user for uid, user in users.items() if user.email.lower() not in blocked}


class TenderCards:
    """The tenders of one run, each read once and summarized once per language."""

    def __init__(self, session: Session, tender_ids: set[int]) -> None:
        self._rows: dict[int, tuple[Tender, Buyer]] = {}
        for chunk in in_chunks(tender_ids):
            rows = session.execute(
                select(Tender, Buyer)
                .join(Buyer, Buyer.id == Tender.buyer_id)
                .where(Tender.id.in_(chunk))
            )
            self._rows.update((tender.id, (tender, buyer)) for tender, buyer in rows)
        self._summaries: dict[tuple[int, str], dict[str, str]] = {}

    def order(self, tender_id: int) -> tuple:
        """Nearest deadline first, tenders without one last."""
        deadline = self._rows[tender_id][0].deadline_at
        return (deadline is None, deadline or datetime.min.replace(tzinfo=UTC), tender_id)

    def summary(self, tender_id: int, lang: str) -> dict[str, str]:
        """A tender as an email lists it, with its address."""
        key = (tender_id, lang)
        if key not in self._summaries:
            tender, buyer = self._rows[tender_id]
            card = tender_summary(tender, buyer, lang)
            card["url"] = f"{get_settings().base_url}/{lang}/tenders/{tender_id}"
            self._summaries[key] = card
        return self._summaries[key]


def alert_names(*, session: Session, alert_ids: set[int]) -> dict[int, str]:
    """Names of these saved searches."""
    return {
        alert_id: name
        for chunk in in_chunks(alert_ids)
        for alert_id, name in session.execute(
            select(SavedSearch.id, SavedSearch.name).where(SavedSearch.id.in_(chunk))
        )
    }


def period_of(frequency: str, now: datetime) -> str:
    """The delivery period a run belongs to, on Moroccan time: one digest per period at most."""
    local = now.astimezone(MOROCCO)
    if frequency == Frequency.DAILY:
        return local.date().isoformat()
    if frequency == Frequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return now.strftime("%Y%m%dT%H%M%S.%f")


def queue_alert_emails(*, session: Session, frequency: str, now: datetime) -> dict[str, int]:
    """Write one email per user for the pending matches of this frequency, with its ledger."""
    by_user: dict[int, list[Pending]] = defaultdict(list)
    for item in pending_matches(session=session, frequency=frequency, now=now):
        by_user[item.user_id].append(item)
    users = reachable_users(session=session, user_ids=set(by_user))
    counts = {"emails": 0, "tenders": 0, "unreachable": len(set(by_user) - set(users))}
    wanted = [item for user_id in users for item in by_user[user_id]]
    cards = TenderCards(session, {item.tender_id for item in wanted})
    names = alert_names(session=session, alert_ids={item.saved_search_id for item in wanted})
    period = period_of(frequency, now)
    for user_id, user in users.items():
        key = f"alerts:{frequency}:{user_id}:{period}"
        if session.scalar(select(EmailMessage.id).where(EmailMessage.idempotency_key == key)):
            continue
        first_alert: dict[int, int] = {}
        for item in by_user[user_id]:
            first_alert.setdefault(item.tender_id, item.saved_search_id)
        context = alert_email_context(user=user, first_alert=first_alert, cards=cards, names=names)
        try:
            with session.begin_nested():
                _write(session, user, first_alert, context, frequency, key, now)
        except IntegrityError:
            logger.info("alert email for user %s already written by another worker", user_id)
            continue
        counts["emails"] += 1
        counts["tenders"] += len(first_alert)
    return counts


def _write(
    session: Session,
    user: User,
    first_alert: dict[int, int],
    context: dict[str, object],
    frequency: str,
    key: str,
    now: datetime,
) -> None:
    """The outbox row and its ledger lines, in the caller's savepoint."""
    alerts = set(first_alert.values())
    single = len(alerts) == 1
    scope = Unsubscribe(user.id, ALERT, min(alerts)) if single else Unsubscribe(user.id, ALL)
    message = enqueue_email(
        session=session,
        kind=f"alert_{frequency}",
        to_address=user.email,
        lang=user.language,
        context=context,
        idempotency_key=key,
        user_id=user.id,
        headers=list_unsubscribe_headers(scope),
    )
    session.execute(
        insert(AlertDelivery),
        [
            {
                "user_id": user.id,
                "tender_id": tender_id,
                "event": MATCH_EVENT,
                "saved_search_id": alert_id,
                "email_message_id": message.id,
                "created_at": now,
            }
            for tender_id, alert_id in first_alert.items()
        ],
    )


def alert_email_context(
    *, user: User, first_alert: dict[int, int], cards: TenderCards, names: dict[int, str]
) -> dict[str, object]:
    """What an alert email shows: the tenders grouped by alert, with the links of each alert."""
    lang, base = user.language, get_settings().base_url
    grouped: dict[int, list[dict[str, str]]] = defaultdict(list)
    for tender_id in sorted(first_alert, key=cards.order):
        grouped[first_alert[tender_id]].append(cards.summary(tender_id, lang))
    groups = [
        {
            "name": names[alert_id],
            "tenders": grouped[alert_id][:PER_ALERT],
            "more": max(len(grouped[alert_id]) - PER_ALERT, 0),
            "alert_url": f"{base}/{lang}/alerts?alert={alert_id}",
            "settings_url": f"{base}/{lang}/alerts/edit?id={alert_id}",
            "pause_url": page_url(Unsubscribe(user.id, ALERT, alert_id), lang),
        }
        for alert_id in sorted(grouped, key=lambda a: names[a].casefold())
    ]
    return {
        "name": user.full_name,
        "groups": groups,
        "count": len(first_alert),
        "alerts_url": f"{base}/{lang}/alerts",
        "pause_all_url": page_url(Unsubscribe(user.id, ALL), lang),
    }
