"""The in-app notice of a substantial change (Reflex-free): shown to a signed-in user until they
acknowledge it, once; with it, the consent questions a change asks again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.core.clock import as_utc
from oktra.privacy.models import PolicyAcknowledgement, PolicyVersion
from oktra.privacy.policy import DOCUMENTS
from oktra.privacy.service import reconsent_pending, record_consent


def pending_notices(*, session: Session, user_id: int) -> list[PolicyVersion]:
    """For each text, its latest substantial version published after the user signed up and
    not acknowledged yet."""
    user = session.get(User, user_id)
    if user is None:
        return []
    acknowledged = set(
        session.exec(
            select(PolicyAcknowledgement.policy_version_id).where(
                PolicyAcknowledgement.user_id == user_id
            )
        )
    )
    pending = []
    for document in DOCUMENTS:
        latest = session.exec(
            select(PolicyVersion)
            .where(PolicyVersion.document == document, PolicyVersion.substantial.is_(True))
            .order_by(PolicyVersion.id.desc())
        ).first()
        if latest is None or latest.id in acknowledged:
            continue
        if as_utc(latest.published_at) > as_utc(user.created_at):
            pending.append(latest)
    return pending


def acknowledge_notices(*, session: Session, user_id: int, now: datetime) -> int:
    """Record that the user saw every pending notice; returns how many were recorded."""
    recorded = 0
    for version in pending_notices(session=session, user_id=user_id):
        try:
            with session.begin_nested():
                session.add(
                    PolicyAcknowledgement(
                        user_id=user_id, policy_version_id=version.id, acknowledged_at=now
                    )
                )
        except IntegrityError:
            continue
        recorded += 1
    return recorded


def answer_reconsent(
    *,
    session: Session,
    user_id: int,
    purpose: str,
    granted: bool,
    lang: str,
    ip_hash: str = "",
    user_agent: str = "",
) -> bool:
    """Record the user's answer to a consent asked again; False when it was not asked."""
    if purpose not in reconsent_pending(session=session, user_id=user_id):
        return False
    record_consent(
        session=session,
        user_id=user_id,
        purpose=purpose,
        granted=granted,
        lang=lang,
        ip_hash=ip_hash,
        user_agent=user_agent,
    )
    return True
