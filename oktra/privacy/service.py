"""Consent: append-only proofs of what each user agreed to, with the texts they were shown."""

from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from oktra.i18n import N_, t
from oktra.privacy.models import ConsentRecord
from oktra.privacy.policy import load_source

TERMS_AND_PRIVACY = "terms_privacy"
PRODUCT_NEWS = "product_news"
WORDINGS = {
    TERMS_AND_PRIVACY: N_("I accept the terms of use and the privacy policy."),
    PRODUCT_NEWS: N_("Send me occasional news about OKTRA (optional)."),
}


def current_versions() -> tuple[str, str]:
    """The versions of the privacy policy and of the terms of use shown today."""
    return (
        str(load_source("privacy")["meta"]["version"]),
        str(load_source("terms")["meta"]["version"]),
    )


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
    policy_version, terms_version = current_versions()
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


def has_consent(*, session: Session, user_id: int, purpose: str) -> bool:
    """Whether the latest record for this purpose is a grant."""
    latest = session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.purpose == purpose)
        .order_by(ConsentRecord.id.desc())
    ).first()
    return bool(latest and latest.granted)
