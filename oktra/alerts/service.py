"""Saved searches: create, edit, pause, delete; their matches; followed tenders; Atom feeds.

Every function takes the acting user's id and reaches only that user's rows: another user's
alert, match or feed is "not found", never "forbidden" (nothing tells it exists).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from oktra.alerts.models import AlertMatch, FollowedTender, Frequency, SavedSearch
from oktra.billing.service import entitlements
from oktra.core.errors import NotFoundError, OktraError
from oktra.i18n import N_
from oktra.tenders.criteria import Criteria, Reading, from_params, to_params
from oktra.tenders.models import Buyer, Status, Tender

MAX_NAME = 120
FEED_LIMIT = 50
USER_PAUSE = "user"


class AlertError(OktraError):
    """A request about alerts that cannot be done; `message` is an English msgid to translate."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AlertSettings:
    """What a user sets on an alert besides its criteria."""

    name: str
    frequency: str = Frequency.DAILY
    by_email: bool = True
    in_app: bool = True


def alert_criteria(criteria: Criteria) -> Criteria:
    """Search criteria as an alert keeps them: publication dates mean nothing for new notices,
    the status is always open, the order is irrelevant."""
    return replace(
        criteria, published_from=None, published_to=None, statuses=(Status.OPEN,), sort=None
    )


def criteria_to_json(criteria: Criteria) -> dict[str, list[str]]:
    """Criteria as stored: their URL parameters, grouped."""
    stored: dict[str, list[str]] = {}
    for key, value in to_params(alert_criteria(criteria)):
        stored.setdefault(key, []).append(value)
    return stored


def criteria_from_json(stored: dict) -> Criteria:
    """Criteria of a stored alert (read as a URL is: anything unknown is dropped)."""
    reading: Reading = from_params({str(key): list(value) for key, value in stored.items()})
    return alert_criteria(reading.criteria)


def interests_criteria(*, sectors: list[str], regions: list[str]) -> Criteria:
    """Where a new alert starts: the user's sectors and regions of interest."""
    return from_params({"sector": list(sectors), "region": list(regions)}).criteria


def _check(
    session: Session, user_id: int, settings: AlertSettings, *, creating: bool, now: datetime
) -> str:
    name = " ".join(settings.name.split())
    if not name:
        raise AlertError(N_("Give the alert a name."))
    if len(name) > MAX_NAME:
        raise AlertError(N_("The name is too long (120 characters at most)."))
    if settings.frequency not in set(Frequency):
        raise AlertError(N_("Choose how often to receive this alert."))
    if not (settings.by_email or settings.in_app):
        raise AlertError(N_("Choose at least one channel: email or in the app."))
    allowed = entitlements(session=session, user_id=user_id, now=now)
    if settings.frequency not in allowed.frequencies:
        raise AlertError(N_("Your plan does not include this frequency."))
    if creating and allowed.max_alerts is not None:
        count = session.scalar(
            select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
        )
        if count >= allowed.max_alerts:
            raise AlertError(N_("Your plan allows no more alerts. Delete one or upgrade."))
    return name


def create_alert(
    *, session: Session, user_id: int, settings: AlertSettings, criteria: Criteria, now: datetime
) -> SavedSearch:
    """Save a search as an alert."""
    name = _check(session, user_id, settings, creating=True, now=now)
    alert = SavedSearch(
        user_id=user_id,
        name=name,
        criteria=criteria_to_json(criteria),
        frequency=settings.frequency,
        by_email=settings.by_email,
        in_app=settings.in_app,
        created_at=now,
        updated_at=now,
    )
    session.add(alert)
    session.flush()
    return alert


def get_alert(*, session: Session, user_id: int, alert_id: int) -> SavedSearch:
    """One of the user's alerts."""
    alert = session.get(SavedSearch, alert_id)
    if alert is None or alert.user_id != user_id:
        raise NotFoundError(f"no alert {alert_id}")
    return alert


def update_alert(
    *,
    session: Session,
    user_id: int,
    alert_id: int,
    settings: AlertSettings,
    criteria: Criteria,
    now: datetime,
) -> SavedSearch:
    """Change an alert's name, frequency, channels and criteria."""
    alert = get_alert(session=session, user_id=user_id, alert_id=alert_id)
    alert.name = _check(session, user_id, settings, creating=False, now=now)
    alert.frequency, alert.by_email, alert.in_app = (
        settings.frequency,
        settings.by_email,
        settings.in_app,
    )
    alert.criteria = criteria_to_json(criteria)
    alert.updated_at, alert.revision = now, alert.revision + 1
    session.flush()
    return alert


def _check_resume(session: Session, alert: SavedSearch, now: datetime) -> None:
    """Refuse to resume an alert the plan does not cover: its frequency, or one too many."""
    allowed = entitlements(session=session, user_id=alert.user_id, now=now)
    if alert.frequency not in allowed.frequencies:
        raise AlertError(
            N_("Your plan does not include this alert: upgrade, or change its frequency first.")
        )
    if allowed.max_alerts is not None:
        running = session.scalar(
            select(func.count())
            .select_from(SavedSearch)
            .where(SavedSearch.user_id == alert.user_id, SavedSearch.paused_at.is_(None))
        )
        if running >= allowed.max_alerts:
            raise AlertError(
                N_("Your plan allows no more running alerts: pause another one, or upgrade.")
            )


def set_paused(
    *, session: Session, user_id: int, alert_id: int, paused: bool, now: datetime, reason=USER_PAUSE
) -> SavedSearch:
    """Pause an alert (it stops matching and sending) or resume it, within the plan."""
    alert = get_alert(session=session, user_id=user_id, alert_id=alert_id)
    if not paused and alert.paused_at is not None:
        _check_resume(session, alert, now)
    alert.paused_at, alert.pause_reason = (now, reason) if paused else (None, None)
    alert.updated_at, alert.revision = now, alert.revision + 1
    session.flush()
    return alert


def delete_alert(*, session: Session, user_id: int, alert_id: int) -> None:
    """Delete an alert and its matches."""
    alert = get_alert(session=session, user_id=user_id, alert_id=alert_id)
    session.execute(delete(AlertMatch).where(AlertMatch.saved_search_id == alert.id))
    session.delete(alert)
    session.flush()


def list_alerts(*, session: Session, user_id: int) -> list[tuple[SavedSearch, int, int]]:
    """The user's alerts, newest first, with their unread and total match counts."""
    counts = (
        select(
            AlertMatch.saved_search_id,
            func.count().label("total"),
            func.count(AlertMatch.read_at).label("read"),
        )
        .where(AlertMatch.user_id == user_id)
        .group_by(AlertMatch.saved_search_id)
        .subquery()
    )
    rows = session.execute(
        select(SavedSearch, counts.c.total, counts.c.read)
        .outerjoin(counts, counts.c.saved_search_id == SavedSearch.id)
        .where(SavedSearch.user_id == user_id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
    ).all()
    return [(alert, (total or 0) - (read or 0), total or 0) for alert, total, read in rows]


def alert_matches(
    *, session: Session, user_id: int, alert_id: int, now: datetime, limit: int = 50
) -> list[tuple[AlertMatch, Tender, Buyer]]:
    """An alert's matches, newest first, with their tenders, as deep in the past as the
    user's plan allows (its history depth)."""
    get_alert(session=session, user_id=user_id, alert_id=alert_id)
    depth = entitlements(session=session, user_id=user_id, now=now).history_days
    rows = session.execute(
        select(AlertMatch, Tender, Buyer)
        .join(Tender, Tender.id == AlertMatch.tender_id)
        .join(Buyer, Buyer.id == Tender.buyer_id)
        .where(
            AlertMatch.saved_search_id == alert_id,
            AlertMatch.user_id == user_id,
            AlertMatch.matched_at >= now - timedelta(days=depth),
        )
        .order_by(AlertMatch.matched_at.desc(), AlertMatch.id.desc())
        .limit(limit)
    ).all()
    return [(match, tender, buyer) for match, tender, buyer in rows]


def mark_read(
    *, session: Session, user_id: int, alert_id: int, now: datetime, match_id: int | None = None
) -> int:
    """Mark one match, or all of an alert's matches, as read; returns how many changed."""
    get_alert(session=session, user_id=user_id, alert_id=alert_id)
    statement = update(AlertMatch).where(
        AlertMatch.saved_search_id == alert_id,
        AlertMatch.user_id == user_id,
        AlertMatch.read_at.is_(None),
    )
    if match_id is not None:
        statement = statement.where(AlertMatch.id == match_id)
    return session.execute(statement.values(read_at=now)).rowcount


def unread_total(*, session: Session, user_id: int) -> int:
    """How many matches the user has not read, over every alert."""
    return session.scalar(
        select(func.count())
        .select_from(AlertMatch)
        .where(AlertMatch.user_id == user_id, AlertMatch.read_at.is_(None))
    )


def follow_tender(
    *, session: Session, user_id: int, tender_id: int, follow: bool, now: datetime
) -> bool:
    """Follow or stop following a tender; returns whether it is now followed."""
    if session.get(Tender, tender_id) is None:
        raise NotFoundError(f"no tender {tender_id}")
    existing = session.scalars(
        select(FollowedTender).where(
            FollowedTender.user_id == user_id, FollowedTender.tender_id == tender_id
        )
    ).first()
    if follow and existing is None:
        session.add(FollowedTender(user_id=user_id, tender_id=tender_id, created_at=now))
    if not follow and existing is not None:
        session.delete(existing)
    session.flush()
    return follow


def followed_ids(*, session: Session, user_id: int) -> set[int]:
    """Ids of the tenders the user follows."""
    return set(
        session.scalars(select(FollowedTender.tender_id).where(FollowedTender.user_id == user_id))
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(*, session: Session, user_id: int, alert_id: int, now: datetime) -> str:
    """A new private feed address token for an alert (the previous one stops working).
    Only its hash is stored: the token is shown once."""
    alert = get_alert(session=session, user_id=user_id, alert_id=alert_id)
    token = secrets.token_urlsafe(24)
    alert.feed_token_hash = _token_hash(token)
    alert.updated_at = now
    session.flush()
    return token


def revoke_feed(*, session: Session, user_id: int, alert_id: int, now: datetime) -> None:
    """Turn an alert's feed off."""
    alert = get_alert(session=session, user_id=user_id, alert_id=alert_id)
    alert.feed_token_hash = None
    alert.updated_at = now
    session.flush()


def feed_by_token(
    *, session: Session, token: str, now: datetime
) -> tuple[SavedSearch, list[tuple[AlertMatch, Tender, Buyer]]]:
    """The alert behind a feed token and its latest matches."""
    if not token or len(token) > 100:
        raise NotFoundError("no feed")
    alert = session.scalars(
        select(SavedSearch).where(SavedSearch.feed_token_hash == _token_hash(token))
    ).first()
    if alert is None:
        raise NotFoundError("no feed")
    matches = alert_matches(
        session=session, user_id=alert.user_id, alert_id=alert.id, now=now, limit=FEED_LIMIT
    )
    return alert, matches
