"""Customer accounts in the back office (Reflex-free): searching without showing who, and
suspending an account (sessions ended, sign-in and emails stopped) or lifting it; audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.accounts.sessions import revoke_all_sessions
from oktra.admin import audit
from oktra.admin.models import StaffMember
from oktra.admin.roles import Action
from oktra.admin.service import find_users, require
from oktra.core.errors import NotFoundError
from oktra.privacy.registry import Category

SEARCH_LIMIT = 50
# The users page opens for a role that may find or read users.
PAGE_ACTIONS = (Action.FIND_USERS, Action.READ_USER)
SEARCH_MIN_LENGTH = 3


@dataclass(frozen=True)
class UserHit:
    """A search result: enough to pick the right account, nothing more before a reason."""

    user_id: int
    masked_email: str
    status: str


def mask_email(address: str) -> str:
    """`sa•••@atlas.ma`: the first two letters of the mailbox and the domain."""
    local, _, domain = address.partition("@")
    return f"{local[:2]}•••@{domain}" if domain else "•••"


def account_status(user: User) -> str:
    """closed, suspended, unverified or active."""
    if user.closed_at is not None:
        return "closed"
    if user.disabled_at is not None:
        return "suspended"
    return "active" if user.email_verified_at is not None else "unverified"


def search_users(*, session: Session, staff: StaffMember, query: str) -> list[UserHit]:
    """Accounts whose email or company contains the text (or the exact id), masked, at most 50.

    Exact matches come first; the text must be three characters at least."""
    require(staff, Action.FIND_USERS)
    text = (query or "").strip().lower()
    exact = set(find_users(session=session, staff=staff, query=text))
    hits: list[User] = [session.get(User, user_id) for user_id in sorted(exact)]
    if len(text) >= SEARCH_MIN_LENGTH and not text.lstrip("#").isdigit():
        pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        hits += session.exec(
            select(User)
            .where(
                or_(
                    User.email.like(pattern, escape="\\"),
                    func.lower(User.company_name).like(pattern, escape="\\"),
                ),
                User.id.not_in(exact) if exact else True,
            )
            .order_by(User.id)
            .limit(SEARCH_LIMIT)
        ).all()
    return [
        UserHit(user_id=user.id, masked_email=mask_email(user.email), status=account_status(user))
        for user in hits[:SEARCH_LIMIT]
    ]


def _audited_change(
    *, session: Session, staff: StaffMember, user: User, reason: str, now: datetime, what: str
) -> None:
    audit.record(
        session=session,
        staff=staff,
        action=what,
        reason=reason,
        now=now,
        category=Category.ACCOUNT,
        user_id=user.id,
        subject=user.email,
    )


def disable_user(
    *, session: Session, staff: StaffMember, user_id: int, reason: str, now: datetime
) -> bool:
    """Suspend the account: every session ends, sign-in is refused, no email goes out.

    Audited with the reason; False when it was already suspended (nothing changes)."""
    require(staff, Action.DISABLE_USER)
    reason = audit.clean_reason(reason)
    user = session.get(User, user_id)
    if user is None or user.closed_at is not None:
        raise NotFoundError(f"no open account {user_id}")
    if user.disabled_at is not None:
        return False
    user.disabled_at, user.updated_at = now, now
    revoke_all_sessions(session=session, user_id=user.id, now=now)
    _audited_change(
        session=session, staff=staff, user=user, reason=reason, now=now, what="disable_user"
    )
    return True


def enable_user(
    *, session: Session, staff: StaffMember, user_id: int, reason: str, now: datetime
) -> bool:
    """Lift a suspension (the owner signs in again); audited. False when it was not suspended."""
    require(staff, Action.DISABLE_USER)
    reason = audit.clean_reason(reason)
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no account {user_id}")
    if user.disabled_at is None:
        return False
    user.disabled_at, user.updated_at = None, now
    _audited_change(
        session=session, staff=staff, user=user, reason=reason, now=now, what="enable_user"
    )
    return True
