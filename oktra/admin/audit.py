"""The audit trail (Reflex-free): every staff read of personal data goes through record()."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from oktra.admin.models import AuditEvent, StaffMember
from oktra.admin.security import subject_hash
from oktra.privacy.registry import Category

REASON_MAX = 500


class ReasonRequiredError(ValueError):
    """A read of personal data needs a reason of 1 to 500 characters."""


def clean_reason(reason: object) -> str:
    """The reason, stripped; refused when empty or longer than 500 characters."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > REASON_MAX:
        raise ReasonRequiredError("give a reason of 1 to 500 characters")
    return text


def record(
    *,
    session: Session,
    staff: StaffMember,
    action: str,
    reason: str,
    now: datetime,
    category: Category | None = None,
    user_id: int | None = None,
    subject: str = "",
    target_staff_id: int | None = None,
) -> AuditEvent:
    """Append one audit event; the subject (an email) is stored as a keyed hash only."""
    event = AuditEvent(
        staff_id=staff.id,
        staff_role=staff.role,
        action=action,
        category=category.value if category else "",
        user_id=user_id,
        subject_hash=subject_hash(subject) if subject else "",
        target_staff_id=target_staff_id,
        reason=clean_reason(reason),
        created_at=now,
    )
    session.add(event)
    session.flush()
    return event


def events_for_user(*, session: Session, user_id: int) -> list[AuditEvent]:
    """Every audit event naming this user, oldest first."""
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.user_id == user_id).order_by(AuditEvent.id)
        ).all()
    )
