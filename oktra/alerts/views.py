"""Alerts as pages show them: cards with their criteria in words, matches with their tenders."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from oktra.alerts import service
from oktra.alerts.models import FREQUENCY_LABELS, AlertMatch, SavedSearch
from oktra.alerts.unsubscribe import UNSUBSCRIBED
from oktra.billing.lifecycle import PLAN_LIMIT
from oktra.i18n import N_, format_datetime, t
from oktra.notifications.models import EmailSuppression
from oktra.tenders.criteria import Criteria, to_params
from oktra.tenders.models import Buyer, Tender
from oktra.tenders.search_db import buyer_names
from oktra.tenders.search_views import active_filters, address, countdown
from oktra.tenders.views import tender_summary

PAUSE_NOTES = {
    UNSUBSCRIBED: N_("Paused from a link in an email."),
    PLAN_LIMIT: N_(
        "Paused: your plan does not include this alert (its frequency, or one alert too many). "
        "Upgrade, or change the alert, then resume it."
    ),
}
BOUNCED = N_(
    "Our emails to %(email)s could not be delivered (%(detail)s, %(date)s), so we stopped "
    "sending them. Check the address, or change it in your account; then ask for emails again."
)
COMPLAINED = N_(
    "An OKTRA email was reported as spam from %(email)s (%(date)s), so we stopped sending "
    "emails there. If that was a mistake, ask for emails again."
)


def _pause_note(alert: SavedSearch, lang: str) -> str:
    note = PAUSE_NOTES.get(alert.pause_reason or "") if alert.paused_at else None
    return t(lang, note) if note else ""


def suppression_note(suppression: EmailSuppression | None, lang: str) -> str:
    """Why the user's address gets no email, in words, or nothing."""
    if suppression is None:
        return ""
    template = COMPLAINED if suppression.reason == "complaint" else BOUNCED
    return t(lang, template) % {
        "email": suppression.address,
        "detail": suppression.detail or suppression.reason,
        "date": format_datetime(suppression.created_at, lang, "medium"),
    }


def criteria_summary(*, session: Session, lang: str, criteria: Criteria, now: datetime) -> str:
    """An alert's criteria in one line: its words, then each filter."""
    buyers = buyer_names(session=session, ids=list(criteria.buyers))
    parts = [f"“{criteria.text.strip()}”"] if criteria.text.strip() else []
    parts += [chip["label"] for chip in active_filters(lang, criteria, buyers, now)]
    return " · ".join(parts) or t(lang, "Every new open tender")


def alert_cards(
    *, session: Session, lang: str, user_id: int, now: datetime
) -> list[dict[str, str]]:
    """The user's alerts with their unread counts, channels and criteria."""
    cards = []
    for alert, unread, total in service.list_alerts(session=session, user_id=user_id):
        criteria = service.criteria_from_json(alert.criteria)
        channels = [t(lang, "Email")] if alert.by_email else []
        channels += [t(lang, "In the app")] if alert.in_app else []
        cards.append(
            {
                "id": str(alert.id),
                "name": alert.name,
                "frequency": t(lang, FREQUENCY_LABELS.get(alert.frequency, alert.frequency)),
                "channels": " · ".join(channels),
                "paused": "yes" if alert.paused_at else "",
                "paused_note": _pause_note(alert, lang),
                "feed": "yes" if alert.feed_token_hash else "",
                "unread": str(unread) if unread else "",
                "total": str(total),
                "summary": criteria_summary(session=session, lang=lang, criteria=criteria, now=now),
                "search_href": address(lang, criteria),
            }
        )
    return cards


def match_cards(
    lang: str, rows: list[tuple[AlertMatch, Tender, Buyer]], followed: set[int], now: datetime
) -> list[dict[str, str]]:
    """An alert's matches: the tender's summary, whether it is new and whether it is followed."""
    return [
        {
            **tender_summary(tender, buyer, lang),
            "match_id": str(match.id),
            "unread": "" if match.read_at else "yes",
            "followed": "yes" if tender.id in followed else "",
            "countdown": countdown(tender, lang, now),
        }
        for match, tender, buyer in rows
    ]


def edit_params(alert: SavedSearch) -> list[tuple[str, str]]:
    """An alert's criteria as URL parameters (to open the search page or the form with them)."""
    return to_params(service.criteria_from_json(alert.criteria))
