"""Staff back-office services (Reflex-free): each checks the role matrix first, then audits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.admin import audit
from oktra.admin.models import SecurityEvent, StaffMember
from oktra.admin.roles import Action, PermissionDeniedError, Role, may_act, may_read
from oktra.admin.staff_auth import revoke_staff_sessions
from oktra.core.errors import NotFoundError
from oktra.models import METADATA
from oktra.privacy.models import ConsentRecord
from oktra.privacy.registry import REGISTRY, Category
from oktra.privacy.statistics import AudienceReport, audience_report

# The audit trail is read through its own view, never as part of a user's data.
NOT_SHOWN_IN_USER_READS = frozenset({"audit_event"})
SECURITY_EVENTS_MAX = 200


@dataclass(frozen=True)
class UserRecord:
    """What a staff member sees of one user: only the categories the role may read."""

    user_id: int
    categories: dict[Category, dict[str, list[dict[str, str]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class StaffSummary:
    """One staff account as the administrators see it."""

    staff_id: int
    email: str
    full_name: str
    role: str
    active: bool


def require(staff: StaffMember | None, action: Action) -> StaffMember:
    """The staff member, if active and allowed by the matrix; PermissionDeniedError otherwise."""
    if staff is None or not staff.active or staff.role not in {r.value for r in Role}:
        raise PermissionDeniedError("no active staff member")
    if not may_act(Role(staff.role), action):
        raise PermissionDeniedError(f"role {staff.role} may not {action.value}")
    return staff


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return "" if value is None else str(value)


def _rows(session: Session, table_name: str, user_id: int) -> list[dict[str, str]]:
    declaration = REGISTRY[table_name]
    table = METADATA.tables[table_name]
    columns = [table.c[name] for name in declaration.export_columns]
    query = select(*columns).where(table.c[declaration.user_link] == user_id)
    return [
        {name: _plain(value) for name, value in zip(declaration.export_columns, row, strict=True)}
        for row in session.exec(query).all()
    ]


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    return user


def find_users(*, session: Session, staff: StaffMember, query: str) -> list[int]:
    """Ids of users matching an exact email or id: nothing personal is shown before a reason."""
    require(staff, Action.FIND_USERS)
    text = (query or "").strip().lower().lstrip("#")
    if text.isdigit():
        found = session.get(User, int(text))
        return [found.id] if found else []
    if "@" not in text:
        return []
    return list(session.exec(select(User.id).where(User.email == text)).all())


def read_user(
    *, session: Session, staff: StaffMember, user_id: int, reason: str, now: datetime
) -> UserRecord:
    """The user's data in the categories the role reads; one audit event per category read."""
    require(staff, Action.READ_USER)
    reason = audit.clean_reason(reason)
    user = _user(session, user_id)
    role = Role(staff.role)
    categories: dict[Category, dict[str, list[dict[str, str]]]] = {}
    for category in Category:
        if not may_read(role, category):
            continue
        categories[category] = {
            name: _rows(session, name, user_id)
            for name, declaration in sorted(REGISTRY.items())
            if declaration.category == category and name not in NOT_SHOWN_IN_USER_READS
        }
        audit.record(
            session=session,
            staff=staff,
            action=Action.READ_USER.value,
            reason=reason,
            now=now,
            category=category,
            user_id=user_id,
            subject=user.email,
        )
    return UserRecord(user_id=user_id, categories=categories)


def read_consent_history(
    *, session: Session, staff: StaffMember, user_id: int, reason: str, now: datetime
) -> list[dict[str, str]]:
    """Every consent proof of the user, oldest first (data-rights requests); audited."""
    require(staff, Action.READ_CONSENT_HISTORY)
    reason = audit.clean_reason(reason)
    user = _user(session, user_id)
    rows = session.exec(
        select(ConsentRecord).where(ConsentRecord.user_id == user_id).order_by(ConsentRecord.id)
    ).all()
    audit.record(
        session=session,
        staff=staff,
        action=Action.READ_CONSENT_HISTORY.value,
        reason=reason,
        now=now,
        category=Category.CONSENT,
        user_id=user_id,
        subject=user.email,
    )
    columns = REGISTRY["consent_record"].export_columns
    return [{name: _plain(getattr(row, name)) for name in columns} for row in rows]


def read_security_events(
    *,
    session: Session,
    staff: StaffMember,
    reason: str,
    now: datetime,
    user_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, str]]:
    """The newest security events, all or one user's; one audit event per read."""
    require(staff, Action.READ_SECURITY_EVENTS)
    reason = audit.clean_reason(reason)
    query = select(SecurityEvent).order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
    subject = ""
    if user_id is not None:
        subject = _user(session, user_id).email
        query = query.where(SecurityEvent.user_id == user_id)
    rows = session.exec(query.limit(max(1, min(limit, SECURITY_EVENTS_MAX)))).all()
    audit.record(
        session=session,
        staff=staff,
        action=Action.READ_SECURITY_EVENTS.value,
        reason=reason,
        now=now,
        category=Category.SECURITY,
        user_id=user_id,
        subject=subject,
    )
    return [
        {
            "kind": row.kind,
            "user_id": _plain(row.user_id),
            "ip_hash": row.ip_hash[:12],
            "created_at": _plain(row.created_at),
        }
        for row in rows
    ]


def read_statistics(*, session: Session, staff: StaffMember, now: datetime) -> dict[str, int]:
    """Counts only, no personal data: what the development role works from."""
    require(staff, Action.READ_STATISTICS)
    users = session.exec(select(func.count()).select_from(User)).one()
    verified = session.exec(
        select(func.count()).select_from(User).where(User.email_verified_at.is_not(None))
    ).one()
    recent = session.exec(
        select(func.count()).select_from(User).where(User.created_at >= now - timedelta(days=30))
    ).one()
    return {"users": users, "verified_users": verified, "signups_30_days": recent}


def read_audience(*, session: Session, staff: StaffMember, now: datetime) -> AudienceReport:
    """Audience figures over groups of at least ten visitors; smaller groups are suppressed."""
    require(staff, Action.READ_STATISTICS)
    return audience_report(session=session, now=now)


def list_staff(*, session: Session, staff: StaffMember) -> list[StaffSummary]:
    """Every staff account, active first, then by email."""
    require(staff, Action.LIST_STAFF)
    rows = session.exec(select(StaffMember).order_by(StaffMember.email)).all()
    summaries = [
        StaffSummary(
            staff_id=row.id,
            email=row.email,
            full_name=row.full_name,
            role=row.role,
            active=row.active,
        )
        for row in rows
    ]
    return sorted(summaries, key=lambda s: not s.active)


def disable_staff(
    *, session: Session, staff: StaffMember, staff_id: int, reason: str, now: datetime
) -> bool:
    """Disable another staff member and end their sessions; audited. False if already disabled."""
    require(staff, Action.DISABLE_STAFF)
    reason = audit.clean_reason(reason)
    if staff_id == staff.id:
        raise PermissionDeniedError("an administrator cannot disable their own account")
    target = session.get(StaffMember, staff_id)
    if target is None:
        raise NotFoundError(f"no staff member {staff_id}")
    if not target.active:
        return False
    target.active = False
    target.disabled_at = now
    revoke_staff_sessions(session=session, staff_id=staff_id, now=now)
    audit.record(
        session=session,
        staff=staff,
        action=Action.DISABLE_STAFF.value,
        reason=reason,
        now=now,
        target_staff_id=staff_id,
    )
    return True
