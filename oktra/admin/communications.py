"""Staff actions on the legal texts and on announcements (Reflex-free): each checks the role
matrix first, then audits what it did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from oktra.admin import audit
from oktra.admin.models import StaffMember
from oktra.admin.roles import Action, Role, may_act
from oktra.admin.service import require
from oktra.privacy import announcements, versions
from oktra.privacy.models import Announcement, PolicyVersion
from oktra.privacy.policy import DOCUMENTS

ACTION_OF_KIND = {
    announcements.SERVICE_UPDATE: Action.SEND_SERVICE_UPDATE,
    announcements.PRODUCT_NEWS_KIND: Action.SEND_PRODUCT_NEWS,
}
PAGE_ACTIONS = (Action.PUBLISH_POLICY, *ACTION_OF_KIND.values())


@dataclass(frozen=True)
class TextStatus:
    """One legal text: the version this deployment ships and the one in force."""

    document: str
    shipped: str
    published: str
    published_at: str

    @property
    def publishable(self) -> bool:
        """Whether the shipped text is a version not published yet."""
        return self.shipped != self.published


def may_open_page(staff: StaffMember | None) -> bool:
    """Whether the member may take any of the page's actions."""
    if staff is None or not staff.active or staff.role not in {r.value for r in Role}:
        return False
    return any(may_act(Role(staff.role), action) for action in PAGE_ACTIONS)


def text_statuses(*, session: Session, staff: StaffMember, now: datetime) -> list[TextStatus]:
    """Shipped and published versions of each text (publishers only)."""
    require(staff, Action.PUBLISH_POLICY)
    statuses = []
    for document in DOCUMENTS:
        current = versions.current_version(session=session, document=document, now=now)
        statuses.append(
            TextStatus(
                document=document,
                shipped=versions.shipped_version(document),
                published=current.version,
                published_at=current.published_at.isoformat(timespec="minutes"),
            )
        )
    return statuses


def publish_policy(
    *,
    session: Session,
    staff: StaffMember,
    document: str,
    substantial: bool,
    summary: dict[str, str],
    now: datetime,
) -> PolicyVersion:
    """Publish the shipped text of a document as its new version; audited."""
    require(staff, Action.PUBLISH_POLICY)
    version = versions.publish_version(
        session=session,
        staff_id=staff.id,
        document=document,
        substantial=substantial,
        summary=summary,
        now=now,
    )
    kind = "substantial" if version.substantial else "minor"
    audit.record(
        session=session,
        staff=staff,
        action=Action.PUBLISH_POLICY.value,
        reason=f"published {document} version {version.version} ({kind} change)",
        now=now,
    )
    return version


def _action_for(kind: str) -> Action:
    action = ACTION_OF_KIND.get(kind)
    if action is None:
        raise announcements.AnnouncementError(f"staff cannot send {kind!r}")
    return action


def clean_announcement(
    *, staff: StaffMember | None, kind: str, subject: object, body: object
) -> tuple[dict[str, str], dict[str, str]]:
    """The checked subject and body of an announcement the member may send."""
    require(staff, _action_for(kind))
    return announcements.clean_message(subject=subject, body=body)


def count_recipients(*, session: Session, staff: StaffMember, kind: str, now: datetime) -> int:
    """How many users an announcement of this kind would reach (the confirmation step)."""
    require(staff, _action_for(kind))
    return announcements.count_recipients(session=session, kind=kind, now=now)


def send_announcement(
    *,
    session: Session,
    staff: StaffMember,
    kind: str,
    subject: dict[str, str],
    body: dict[str, str],
    now: datetime,
) -> Announcement:
    """Record a service update or product news; the job emails it by batches; audited."""
    require(staff, _action_for(kind))
    cleaned_subject, cleaned_body = announcements.clean_message(subject=subject, body=body)
    announcement = announcements.create_announcement(
        session=session,
        kind=kind,
        subject=cleaned_subject,
        body=cleaned_body,
        staff_id=staff.id,
        now=now,
    )
    audit.record(
        session=session,
        staff=staff,
        action=_action_for(kind).value,
        reason=f"announcement {announcement.id}: {cleaned_subject['en']}"[:500],
        now=now,
    )
    return announcement
