"""Objections (Reflex-free): the switches of the "My data" page, one per purpose, each recorded
as a consent record and honored at once by the code that serves the purpose.

Personalized alerts are on until the user objects (the latest record of the purpose is a
refusal): no alert or follow email is then queued for them. Product news and the optional
cookies follow their own consent records (privacy.service, privacy.consent).
"""

from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from oktra.core.batches import in_chunks
from oktra.i18n import N_, t
from oktra.privacy import consent
from oktra.privacy.models import ConsentRecord
from oktra.privacy.service import PRODUCT_NEWS, current_versions, has_consent, record_consent

PERSONALIZED_ALERTS = "personalized_alerts"
PURPOSES = (PERSONALIZED_ALERTS, PRODUCT_NEWS, consent.ANALYTICS, consent.FUNCTIONAL)
ALERTS_WORDING = N_(
    "Personalized alerts: compare new tenders with my saved searches and followed tenders, "
    "and email me what matches."
)
LABELS = {
    PERSONALIZED_ALERTS: N_("Personalized alerts"),
    PRODUCT_NEWS: N_("Product news"),
    consent.ANALYTICS: N_("Analytics cookies"),
    consent.FUNCTIONAL: N_("Functional cookies"),
}
HINTS = {
    PERSONALIZED_ALERTS: N_(
        "Emails about the tenders that match your alerts and the tenders you follow. "
        "Off: no alert email is sent to you any more."
    ),
    PRODUCT_NEWS: N_("Occasional news about OKTRA. Off: you receive none."),
    consent.ANALYTICS: consent.WORDINGS[consent.ANALYTICS],
    consent.FUNCTIONAL: consent.WORDINGS[consent.FUNCTIONAL],
}


class UnknownPurposeError(ValueError):
    """A switch the page does not have."""


def _latest_alert_record(session: Session, user_id: int) -> ConsentRecord | None:
    return session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.purpose == PERSONALIZED_ALERTS)
        .order_by(ConsentRecord.id.desc())
    ).first()


def objects_to_alerts(*, session: Session, user_id: int) -> bool:
    """Whether the user's latest answer about personalized alerts is an objection."""
    latest = _latest_alert_record(session, user_id)
    return latest is not None and not latest.granted


def objecting_among(*, session: Session, user_ids: set[int]) -> set[int]:
    """Which of these users object to personalized alerts today (objects_to_alerts for many)."""
    latest: dict[int, bool] = {}
    for chunk in in_chunks(user_ids):
        rows = session.exec(
            select(ConsentRecord.user_id, ConsentRecord.granted)
            .where(
                ConsentRecord.user_id.in_(chunk),
                ConsentRecord.purpose == PERSONALIZED_ALERTS,
            )
            .order_by(ConsentRecord.id)
        )
        latest.update((user_id, granted) for user_id, granted in rows)
    return {user_id for user_id, granted in latest.items() if not granted}


def _record_alerts_answer(
    session: Session, user_id: int, wanted: bool, requester: consent.Requester
) -> ConsentRecord:
    policy_version, terms_version = current_versions(session=session)
    record = ConsentRecord(
        user_id=user_id,
        purpose=PERSONALIZED_ALERTS,
        granted=wanted,
        policy_version=policy_version,
        terms_version=terms_version,
        wording_version=hashlib.sha256(ALERTS_WORDING.encode("utf-8")).hexdigest()[:16],
        wording=t(requester.lang, ALERTS_WORDING)[:500],
        language=requester.lang,
        ip_hash=requester.ip_hash,
        user_agent=requester.user_agent[:300],
    )
    session.add(record)
    session.flush()
    return record


def current_switches(*, session: Session, user_id: int, visitor_id: str | None) -> dict[str, bool]:
    """What each switch says now for this user on this browser."""
    cookies = {
        purpose: bool(
            visitor_id
            and consent.allows(
                session=session, visitor_id=visitor_id, purpose=purpose, user_id=user_id
            )
        )
        for purpose in consent.PURPOSES
    }
    return {
        PERSONALIZED_ALERTS: not objects_to_alerts(session=session, user_id=user_id),
        PRODUCT_NEWS: has_consent(session=session, user_id=user_id, purpose=PRODUCT_NEWS),
        **cookies,
    }


def set_switch(
    *,
    session: Session,
    user_id: int,
    purpose: str,
    on: bool,
    visitor_id: str,
    requester: consent.Requester,
) -> str | None:
    """Record one switch's new answer; for a cookie purpose, the consent cookie's new value
    for this browser (the other cookie purpose keeps its answer), else None."""
    if purpose not in PURPOSES:
        raise UnknownPurposeError(purpose)
    if purpose == PERSONALIZED_ALERTS:
        if objects_to_alerts(session=session, user_id=user_id) == on:
            _record_alerts_answer(session, user_id, on, requester)
        return None
    if purpose == PRODUCT_NEWS:
        if has_consent(session=session, user_id=user_id, purpose=PRODUCT_NEWS) != on:
            record_consent(
                session=session,
                user_id=user_id,
                purpose=PRODUCT_NEWS,
                granted=on,
                lang=requester.lang,
                ip_hash=requester.ip_hash,
                user_agent=requester.user_agent,
            )
        return None
    answers = current_switches(session=session, user_id=user_id, visitor_id=visitor_id)
    choice = consent.Choice(
        analytics=on if purpose == consent.ANALYTICS else answers[consent.ANALYTICS],
        functional=on if purpose == consent.FUNCTIONAL else answers[consent.FUNCTIONAL],
    )
    consent.record_choice(
        session=session,
        visitor_id=visitor_id,
        user_id=user_id,
        choice=choice,
        requester=requester,
    )
    return consent.encode_cookie(visitor_id=visitor_id, choice=choice)
