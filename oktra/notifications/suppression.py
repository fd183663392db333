"""The suppression list: addresses that bounced for good or complained get no more email.

SES reports bounces, complaints and accepted sends through SNS (`routes.py`); this module
applies them: a hard bounce or a complaint suppresses the address, a Send or Delivery event
confirms the outbox message it names by its idempotency key.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from oktra.core.batches import in_chunks
from oktra.integrations.ses import MESSAGE_TAG
from oktra.integrations.sns import SesEvent
from oktra.notifications.models import EmailMessage, EmailSuppression

logger = logging.getLogger(__name__)

BOUNCE = "bounce"
COMPLAINT = "complaint"


def normalized(address: str) -> str:
    """The form addresses are compared in."""
    return address.strip().lower()


def suppression_for(*, session: Session, address: str) -> EmailSuppression | None:
    """Why this address gets no email, if it gets none."""
    return session.scalars(
        select(EmailSuppression).where(EmailSuppression.address == normalized(address))
    ).first()


def suppressed_among(*, session: Session, addresses: set[str]) -> set[str]:
    """Which of these addresses are suppressed (normalized forms)."""
    found: set[str] = set()
    for chunk in in_chunks(normalized(address) for address in addresses):
        found.update(
            session.scalars(
                select(EmailSuppression.address).where(EmailSuppression.address.in_(chunk))
            )
        )
    return found


def suppress(
    *, session: Session, address: str, reason: str, detail: str, now: datetime
) -> EmailSuppression:
    """Stop every email to an address (kept once: a second report changes nothing)."""
    existing = suppression_for(session=session, address=address)
    if existing is not None:
        return existing
    owner = session.scalar(
        select(EmailMessage.user_id)
        .where(EmailMessage.to_address == address, EmailMessage.user_id.is_not(None))
        .order_by(EmailMessage.id.desc())
        .limit(1)
    )
    entry = EmailSuppression(
        address=normalized(address),
        user_id=owner,
        reason=reason,
        detail=detail[:120],
        created_at=now,
    )
    with session.begin_nested():
        session.add(entry)
    logger.info("address suppressed after a %s (user %s)", reason, owner)
    return entry


def lift(*, session: Session, address: str) -> bool:
    """Write to the address again (its owner fixed it); returns whether it was suppressed."""
    entry = suppression_for(session=session, address=address)
    if entry is None:
        return False
    session.delete(entry)
    session.flush()
    return True


def apply_ses_event(*, session: Session, event: SesEvent, now: datetime) -> dict[str, int]:
    """Act on one SES event: suppress after a hard bounce or a complaint, confirm a send."""
    counts = {"suppressed": 0, "confirmed": 0}
    if event.kind in (BOUNCE, COMPLAINT) and event.permanent:
        for address in event.recipients:
            before = suppression_for(session=session, address=address)
            suppress(
                session=session, address=address, reason=event.kind, detail=event.detail, now=now
            )
            counts["suppressed"] += before is None
    if event.kind in ("send", "delivery"):
        for reference in event.tags.get(MESSAGE_TAG, []):
            counts["confirmed"] += confirm_sent(session=session, reference=reference, now=now)
    return counts


def confirm_sent(*, session: Session, reference: str, now: datetime) -> int:
    """The provider says it accepted the outbox message with this reference (its id)."""
    if not reference.isdigit():
        return 0
    message = session.get(EmailMessage, int(reference))
    if message is None or message.confirmed_at is not None:
        return 0
    message.confirmed_at = now
    if message.status in ("pending", "sending", "uncertain"):
        message.status, message.sent_at = "sent", now
    session.flush()
    return 1
