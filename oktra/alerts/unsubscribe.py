"""One-click unsubscribe (RFC 8058): signed links that pause an alert, every alert, or stop
following a tender, without sign-in.

The token is signed with the secret key (itsdangerous) and names the user and what it stops;
it carries no address and cannot be forged or widened. Links keep working for 400 days, longer
than any email is worth keeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlmodel import Session

from oktra.alerts.models import FollowedTender, SavedSearch
from oktra.alerts.service import AlertError, follow_tender, set_paused
from oktra.billing.lifecycle import PLAN_LIMIT
from oktra.core.errors import NotFoundError
from oktra.privacy.inactivity import record_activity
from oktra.settings import get_settings
from oktra.tenders.models import Tender

PURPOSE = "oktra.unsubscribe"
MAX_AGE_SECONDS = 400 * 24 * 3600
UNSUBSCRIBED = "unsubscribe"
ALERT, ALL, FOLLOW = "alert", "all", "follow"


@dataclass(frozen=True)
class Unsubscribe:
    """What a link stops: one alert, every alert, or the emails about one followed tender."""

    user_id: int
    scope: str
    target: int | None = None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt=PURPOSE)


def unsubscribe_token(request: Unsubscribe) -> str:
    """The signed token of a link."""
    return _serializer().dumps([request.user_id, request.scope, request.target])


def read_token(token: str) -> Unsubscribe | None:
    """The request a valid token carries, or None."""
    if not isinstance(token, str) or not token or len(token) > 300:
        return None
    try:
        user_id, scope, target = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except (BadSignature, SignatureExpired, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or scope not in (ALERT, ALL, FOLLOW):
        return None
    if scope != ALL and not isinstance(target, int):
        return None
    return Unsubscribe(user_id=user_id, scope=scope, target=target)


def one_click_url(request: Unsubscribe) -> str:
    """The List-Unsubscribe address: an HTTPS POST endpoint of the API."""
    settings = get_settings()
    return f"{settings.public_api_url}/alerts/unsubscribe/{unsubscribe_token(request)}"


def page_url(request: Unsubscribe, lang: str) -> str:
    """The visible link: a page that says what it stops and stops it in one click."""
    return f"{get_settings().base_url}/{lang}/unsubscribe?token={unsubscribe_token(request)}"


def list_unsubscribe_headers(request: Unsubscribe) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers for one message."""
    return {
        "List-Unsubscribe": f"<{one_click_url(request)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def describe(*, session: Session, request: Unsubscribe) -> list[str]:
    """Names of what the request stops (the alert's name, every active alert's, the tender's)."""
    if request.scope == FOLLOW:
        followed = session.scalars(
            select(Tender.title)
            .join(FollowedTender, FollowedTender.tender_id == Tender.id)
            .where(
                FollowedTender.user_id == request.user_id,
                FollowedTender.tender_id == request.target,
            )
        ).first()
        return [] if followed is None else [followed]
    query = select(SavedSearch.name).where(SavedSearch.user_id == request.user_id)
    if request.scope == ALERT:
        query = query.where(SavedSearch.id == request.target)
    else:
        query = query.where(SavedSearch.paused_at.is_(None))
    return list(session.scalars(query.order_by(SavedSearch.id)))


def _follow(session: Session, request: Unsubscribe, follow: bool, now: datetime) -> int:
    try:
        user_id, tender_id = request.user_id, request.target
        follow_tender(session=session, user_id=user_id, tender_id=tender_id, follow=follow, now=now)
    except NotFoundError:
        return 0
    return 1


def _pause_alerts(session: Session, request: Unsubscribe, paused: bool, now: datetime) -> int:
    """Pause the link's active alerts, or resume those a link paused; returns how many."""
    query = select(SavedSearch.id).where(SavedSearch.user_id == request.user_id)
    if paused:
        query = query.where(SavedSearch.paused_at.is_(None))
    else:
        query = query.where(SavedSearch.pause_reason == UNSUBSCRIBED)
    if request.scope == ALERT:
        query = query.where(SavedSearch.id == request.target)
    changed = 0
    for alert_id in list(session.scalars(query)):
        try:
            set_paused(
                session=session,
                user_id=request.user_id,
                alert_id=alert_id,
                paused=paused,
                now=now,
                reason=UNSUBSCRIBED,
            )
        except AlertError:
            # The plan no longer covers it: it stays paused, now saying why.
            session.get(SavedSearch, alert_id).pause_reason = PLAN_LIMIT
            continue
        changed += 1
    return changed


def apply(*, session: Session, request: Unsubscribe, now: datetime) -> int:
    """Stop what the link says; returns how many alerts or follows changed (0: already done)."""
    record_activity(session=session, user_id=request.user_id, now=now)
    if request.scope == FOLLOW:
        if not describe(session=session, request=request):
            return 0
        return _follow(session, request, False, now)
    return _pause_alerts(session, request, True, now)


def undo(*, session: Session, request: Unsubscribe, now: datetime) -> int:
    """Resume what a link paused (the alerts it paused, or the follow it stopped)."""
    record_activity(session=session, user_id=request.user_id, now=now)
    if request.scope == FOLLOW:
        return _follow(session, request, True, now)
    return _pause_alerts(session, request, False, now)
