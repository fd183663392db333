"""Reading the audit trail (Reflex-free): filtered by staff member, user, action and dates,
shown or exported as CSV; every read and export is itself an audit event."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.admin import audit
from oktra.admin.models import AuditEvent, StaffMember
from oktra.admin.roles import Action
from oktra.admin.security import subject_hash
from oktra.admin.service import require
from oktra.core.clock import MOROCCO, to_morocco

SHOWN_MAX = 500
EXPORT_MAX = 50_000
CSV_COLUMNS = (
    "id",
    "time_casablanca",
    "staff_id",
    "staff_email",
    "staff_role",
    "action",
    "category",
    "user_id",
    "subject_hash",
    "target_staff_id",
    "reason",
)


class AuditFilterError(ValueError):
    """A filter the trail cannot apply (unknown staff member, dates in the wrong order)."""


@dataclass(frozen=True)
class AuditFilter:
    """What to show: a staff member (email or id), a user (email or id; an erased user is
    still found by email through the keyed hash), an action, and days in Casablanca time."""

    staff: str = ""
    user: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    def describe(self) -> str:
        """The filter in words, written as the reason of the audit event of the read."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("staff", self.staff),
                ("user", self.user),
                ("action", self.action),
                ("since", self.since.isoformat() if self.since else ""),
                ("until", self.until.isoformat() if self.until else ""),
            )
            if value
        ]
        return "audit trail: " + (", ".join(parts) if parts else "everything")


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the trail shows it."""

    event_id: int
    at: datetime
    staff_id: int
    staff_email: str
    staff_role: str
    action: str
    category: str
    user_id: int | None
    subject_hash: str
    target_staff_id: int | None
    reason: str


def _staff_id(session: Session, text: str) -> int:
    text = text.strip().lower().lstrip("#")
    if text.isdigit():
        return int(text)
    found = session.exec(select(StaffMember.id).where(StaffMember.email == text)).first()
    if found is None:
        raise AuditFilterError("No staff member has this email or id.")
    return found


def _user_condition(session: Session, text: str):
    text = text.strip().lower().lstrip("#")
    if text.isdigit():
        return AuditEvent.user_id == int(text)
    if "@" not in text:
        raise AuditFilterError("Give the user's exact email or id.")
    user_id = session.exec(select(User.id).where(User.email == text)).first()
    by_hash = AuditEvent.subject_hash == subject_hash(text)
    return by_hash if user_id is None else or_(by_hash, AuditEvent.user_id == user_id)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=MOROCCO)


def _query(session: Session, filters: AuditFilter):
    query = select(AuditEvent, StaffMember.email).join(
        StaffMember, StaffMember.id == AuditEvent.staff_id
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise AuditFilterError("The first day comes after the last one.")
    if filters.staff.strip():
        query = query.where(AuditEvent.staff_id == _staff_id(session, filters.staff))
    if filters.user.strip():
        query = query.where(_user_condition(session, filters.user))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since:
        query = query.where(AuditEvent.created_at >= _day_start(filters.since))
    if filters.until:
        query = query.where(AuditEvent.created_at < _day_start(filters.until + timedelta(days=1)))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _rows(session: Session, filters: AuditFilter, limit: int) -> list[AuditRow]:
    return [
        AuditRow(
            event_id=event.id,
            at=event.created_at,
            staff_id=event.staff_id,
            staff_email=email,
            staff_role=event.staff_role,
            action=event.action,
            category=event.category,
            user_id=event.user_id,
            subject_hash=event.subject_hash,
            target_staff_id=event.target_staff_id,
            reason=event.reason,
        )
        for event, email in session.exec(_query(session, filters).limit(limit)).all()
    ]


def read_audit_trail(
    *, session: Session, staff: StaffMember, filters: AuditFilter, now: datetime
) -> list[AuditRow]:
    """The newest 500 events matching the filter; the read is audited with the filter."""
    require(staff, Action.READ_AUDIT_TRAIL)
    rows = _rows(session, filters, SHOWN_MAX)
    audit.record(
        session=session,
        staff=staff,
        action=Action.READ_AUDIT_TRAIL.value,
        reason=filters.describe(),
        now=now,
    )
    return rows


def export_audit_trail(
    *, session: Session, staff: StaffMember, filters: AuditFilter, now: datetime
) -> str:
    """Every matching event (at most 50,000) as CSV, newest first; the export is audited."""
    require(staff, Action.READ_AUDIT_TRAIL)
    rows = _rows(session, filters, EXPORT_MAX)
    audit.record(
        session=session,
        staff=staff,
        action="export_audit_trail",
        reason=filters.describe(),
        now=now,
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.event_id,
                to_morocco(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                row.staff_id,
                row.staff_email,
                row.staff_role,
                row.action,
                row.category,
                row.user_id or "",
                row.subject_hash,
                row.target_staff_id or "",
                _safe_cell(row.reason),
            ]
        )
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def known_actions(*, session: Session, staff: StaffMember) -> list[str]:
    """The actions present in the trail, for the filter's choices."""
    require(staff, Action.READ_AUDIT_TRAIL)
    return sorted(session.exec(select(AuditEvent.action).distinct()).all())
