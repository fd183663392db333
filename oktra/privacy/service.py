"""Consent: append-only proofs of what each user agreed to, with the texts they were shown."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlmodel import Session, select

from oktra.core.clock import as_utc
from oktra.i18n import N_, t
from oktra.privacy.models import ConsentRecord, PolicyVersion
from oktra.privacy.policy import load_source

TERMS_AND_PRIVACY = "terms_privacy"
PRODUCT_NEWS = "product_news"
WORDINGS = {
    TERMS_AND_PRIVACY: N_("I accept the terms of use and the privacy policy."),
    PRODUCT_NEWS: N_("Send me occasional news about OKTRA (optional)."),
}


def current_versions(*, session: Session | None = None) -> tuple[str, str]:
    """The versions of the privacy policy and of the terms of use in force (the latest published
    ones when a session is given, else those shipped in the texts)."""
    return (_version_in_force(session, "privacy"), _version_in_force(session, "terms"))


def _version_in_force(session: Session | None, document: str) -> str:
    if session is not None:
        published = session.exec(
            select(PolicyVersion.version)
            .where(PolicyVersion.document == document)
            .order_by(PolicyVersion.id.desc())
        ).first()
        if published is not None:
            return published
    return str(load_source(document)["meta"]["version"])


def wording_version(purpose: str) -> str:
    """A short fingerprint of the English wording, the reference the translations follow."""
    return hashlib.sha256(WORDINGS[purpose].encode("utf-8")).hexdigest()[:16]


def record_consent(
    *,
    session: Session,
    user_id: int,
    purpose: str,
    granted: bool,
    lang: str,
    ip_hash: str,
    user_agent: str,
) -> ConsentRecord:
    """Append a grant or a withdrawal, with the policy versions and the wording shown."""
    policy_version, terms_version = current_versions(session=session)
    record = ConsentRecord(
        user_id=user_id,
        purpose=purpose,
        granted=granted,
        policy_version=policy_version,
        terms_version=terms_version,
        wording_version=wording_version(purpose),
        wording=t(lang, WORDINGS[purpose])[:500],
        language=lang,
        ip_hash=ip_hash,
        user_agent=user_agent[:300],
    )
    session.add(record)
    session.flush()
    return record


def consent_history(*, session: Session, user_id: int) -> list[ConsentRecord]:
    """Every consent record of a user, oldest first."""
    return list(
        session.exec(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.created_at, ConsentRecord.id)
        ).all()
    )


def reconsent_since(*, session: Session, purpose: str) -> datetime | None:
    """When the latest version asking this purpose again was published (None: never asked)."""
    rows = session.exec(
        select(PolicyVersion.published_at, PolicyVersion.reconsent).order_by(
            PolicyVersion.published_at.desc(), PolicyVersion.id.desc()
        )
    ).all()
    return next((as_utc(when) for when, asked in rows if purpose in (asked or [])), None)


def _counts(record: ConsentRecord | None, since: datetime | None) -> bool:
    """A grant counts unless a later version asked for this purpose again."""
    if record is None or not record.granted:
        return False
    return since is None or as_utc(record.created_at) >= since


def has_consent(*, session: Session, user_id: int, purpose: str) -> bool:
    """Whether the latest record for this purpose is a grant given since it was last asked
    again (a changed policy section about this purpose reads as not granted until answered)."""
    latest = session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.purpose == purpose)
        .order_by(ConsentRecord.id.desc())
    ).first()
    return _counts(latest, reconsent_since(session=session, purpose=purpose))


def granted_among(*, session: Session, purpose: str, user_ids: list[int]) -> set[int]:
    """Which of these users have consent for this purpose today (has_consent for many)."""
    if not user_ids:
        return set()
    latest: dict[int, ConsentRecord] = {}
    for record in session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.user_id.in_(user_ids), ConsentRecord.purpose == purpose)
        .order_by(ConsentRecord.id)
    ).all():
        latest[record.user_id] = record
    since = reconsent_since(session=session, purpose=purpose)
    return {user_id for user_id, record in latest.items() if _counts(record, since)}


def reconsent_pending(*, session: Session, user_id: int) -> list[str]:
    """Purposes the user had granted before a change asked them again, still unanswered."""
    pending = []
    for purpose in WORDINGS:
        since = reconsent_since(session=session, purpose=purpose)
        if since is None:
            continue
        latest = session.exec(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id, ConsentRecord.purpose == purpose)
            .order_by(ConsentRecord.id.desc())
        ).first()
        if latest is not None and latest.granted and as_utc(latest.created_at) < since:
            pending.append(purpose)
    return pending
