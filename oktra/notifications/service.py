"""The outbox: every email is a row first; the sender job delivers it exactly once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from oktra.core.clock import utc_now
from oktra.integrations.ses import LocalOutbox, OutgoingEmail, SendError, SesSender
from oktra.notifications.models import EmailMessage
from oktra.notifications.render import render_email
from oktra.notifications.suppression import suppressed_among
from oktra.settings import Settings, get_settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
STUCK_AFTER = timedelta(minutes=15)
BATCH = 50


def enqueue_email(
    *,
    session: Session,
    kind: str,
    to_address: str,
    lang: str,
    context: dict[str, object],
    idempotency_key: str,
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """Build a message and put it in the outbox; the same key twice gives the same message."""
    existing = session.exec(
        select(EmailMessage).where(EmailMessage.idempotency_key == idempotency_key)
    ).first()
    if existing is not None:
        return existing
    rendered = render_email(kind, lang, context)
    message = EmailMessage(
        idempotency_key=idempotency_key,
        user_id=user_id,
        kind=kind,
        language=lang,
        to_address=to_address,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        headers=dict(headers or {}),
    )
    session.add(message)
    session.flush()
    return message


def sender_for(settings: Settings) -> LocalOutbox | SesSender:
    """The configured email backend."""
    if settings.email_backend == "ses":
        return SesSender(
            region=settings.ses_region,
            configuration_set=settings.ses_configuration_set,
            endpoint_url=settings.ses_endpoint_url,
        )
    return LocalOutbox()


def backoff(attempts: int) -> timedelta:
    """Exponential wait before the next try: 30 s, 1 min, 2 min... at most one hour."""
    return min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_pending(
    *, session: Session, now: datetime, sender: LocalOutbox | SesSender | None = None
) -> dict[str, int]:
    """Deliver due messages, each claimed and settled in its own commit.

    A message is claimed by a conditional update, so two senders never send it both; one left
    "sending" by a crash is settled by `_settle_stuck`."""
    sender = sender or sender_for(get_settings())
    counts = {"sent": 0, "retry": 0, "failed": 0, "suppressed": 0}
    counts.update(_settle_stuck(session, now, knows_what_was_sent=sender.knows_what_was_sent))
    due = session.exec(
        select(EmailMessage)
        .where(EmailMessage.status == "pending", EmailMessage.next_attempt_at <= now)
        .order_by(EmailMessage.id)
        .limit(BATCH)
    ).all()
    suppressed = suppressed_among(session=session, addresses={m.to_address for m in due})
    sender_address = get_settings().email_from
    for message in due:
        if not _claim(session, message, now):
            continue
        if message.confirmed_at is not None:
            message.status, message.sent_at = "sent", message.confirmed_at
            counts["confirmed"] += 1
            session.commit()
            continue
        if message.to_address.strip().lower() in suppressed:
            message.status, message.last_error = "suppressed", "the address is suppressed"
            counts["suppressed"] += 1
            session.commit()
            continue
        outgoing = OutgoingEmail(
            sender=sender_address,
            to=message.to_address,
            subject=message.subject,
            text=message.text_body,
            html=message.html_body,
            idempotency_key=message.idempotency_key,
            headers=tuple(message.headers.items()),
            reference=str(message.id),
        )
        try:
            message.provider_message_id = sender.send(outgoing)
        except SendError as exc:
            message.last_error = str(exc)[:300]
            if exc.transient and message.attempts < MAX_ATTEMPTS:
                message.status = "pending"
                message.next_attempt_at = now + backoff(message.attempts)
                counts["retry"] += 1
            else:
                message.status = "failed"
                counts["failed"] += 1
            logger.warning("email %s not sent: %s", message.id, message.last_error)
        else:
            message.status = "sent"
            message.sent_at = utc_now()
            counts["sent"] += 1
        session.commit()
    return counts


def _claim(session: Session, message: EmailMessage, now: datetime) -> bool:
    """Take a pending message for this sender; False when another sender took it first."""
    claimed = session.execute(
        update(EmailMessage)
        .where(EmailMessage.id == message.id, EmailMessage.status == "pending")
        .values(status="sending", attempts=EmailMessage.attempts + 1, next_attempt_at=now)
    ).rowcount
    session.commit()
    if claimed != 1:
        return False
    session.refresh(message)
    return True


def _settle_stuck(session: Session, now: datetime, *, knows_what_was_sent: bool) -> dict[str, int]:
    """Settle messages a crash left "sending": sent if the provider confirmed them; else sent
    again when the provider reports every accepted message (it would have confirmed this one
    by now), or marked uncertain and never sent twice when it does not."""
    stuck = session.exec(
        select(EmailMessage).where(
            EmailMessage.status == "sending", EmailMessage.next_attempt_at < now - STUCK_AFTER
        )
    ).all()
    counts = {"confirmed": 0, "resent": 0, "uncertain": 0}
    for message in stuck:
        if message.confirmed_at is not None:
            message.status, message.sent_at = "sent", message.confirmed_at
            counts["confirmed"] += 1
        elif knows_what_was_sent:
            message.status, message.next_attempt_at = "pending", now
            message.last_error = "interrupted while sending and not confirmed: sent again"
            counts["resent"] += 1
        else:
            message.status = "uncertain"
            message.last_error = "interrupted while sending: not retried, to never send it twice"
            counts["uncertain"] += 1
        logger.error("email %s was interrupted while sending: %s", message.id, message.status)
    if stuck:
        session.commit()
    return counts


def recent_messages(*, session: Session, limit: int = 50) -> list[EmailMessage]:
    """The newest messages, for the developer mailbox."""
    return list(
        session.exec(select(EmailMessage).order_by(EmailMessage.id.desc()).limit(limit)).all()
    )


def get_message(*, session: Session, message_id: int) -> EmailMessage | None:
    """One message, for the developer mailbox."""
    return session.get(EmailMessage, message_id)
