"""The back office's legal texts and announcements: every handler re-reads the staff session
and checks the role matrix on the server."""

from __future__ import annotations

import reflex as rx

from oktra.admin import communications
from oktra.admin.roles import Action, PermissionDeniedError, Role, may_act
from oktra.admin.state import DENIED, StaffState
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import LANGUAGES, N_
from oktra.privacy.announcements import AnnouncementError, announcement_history
from oktra.privacy.versions import PublishError

CONFIRM_TEXTS = {
    "service_update": N_("Send the service update “{subject}” to {count} user(s)?"),
    "product_news": N_("Send the product news “{subject}” to {count} user(s)?"),
}
# The fixed messages of the services this page calls, shown in the page's language.
SERVICE_MESSAGES = (
    N_("a summary of 1 to 2000 characters is needed in en, fr and ar"),
    N_("a subject and a body are needed in en, fr and ar"),
    N_("a subject has 150 characters at most, a body 5000"),
)


def _per_language(form: dict, prefix: str) -> dict[str, str]:
    return {lang: str(form.get(f"{prefix}_{lang}", "")) for lang in LANGUAGES}


def _checked(value: object) -> bool:
    return value is True or str(value).lower() in {"on", "true", "1", "yes"}


class StaffPolicyState(StaffState):
    """Publishing a version of a legal text; sending a service update or product news."""

    can_publish: bool = False
    can_service: bool = False
    can_news: bool = False
    texts: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    history: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    message: str = ""
    error: str = ""
    awaiting: bool = False
    confirm_text: str = ""
    _pending: dict = {}  # noqa: RUF012 - Reflex state var

    def _load(self, session, staff) -> None:
        role = Role(staff.role)
        self.can_publish = may_act(role, Action.PUBLISH_POLICY)
        self.can_service = may_act(role, Action.SEND_SERVICE_UPDATE)
        self.can_news = may_act(role, Action.SEND_PRODUCT_NEWS)
        self.texts = []
        if self.can_publish:
            self.texts = [
                {
                    "document": status.document,
                    "shipped": status.shipped,
                    "published": status.published,
                    "published_at": status.published_at,
                    "publishable": "yes" if status.publishable else "",
                }
                for status in communications.text_statuses(
                    session=session, staff=staff, now=utc_now()
                )
            ]
        self.history = [
            {
                "id": str(row.id),
                "kind": row.kind,
                "subject": row.subject.get(self.staff_lang) or row.subject.get("en", ""),
                "queued": str(row.queued),
                "state": "done" if row.finished_at else "queuing",
            }
            for row in announcement_history(session=session)
        ]

    def _page_staff(self, session):
        staff = self._staff(session)
        self.denied = not communications.may_open_page(staff)
        return None if self.denied else staff

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; other roles see a refusal."""
        self.message, self.error, self.awaiting, self._pending = "", "", False, {}
        with session_scope() as session:
            staff = self._page_staff(session)
            if staff is None:
                self.texts, self.history = [], []
                return None if self.staff_role else self._to_signin()
            self._load(session, staff)
        return None

    @rx.event
    def publish(self, form: dict):
        """Publish the shipped text of a document as its new version."""
        self.message = self.error = ""
        with session_scope() as session:
            staff = self._allowed(session, Action.PUBLISH_POLICY)
            if staff is None:
                self.error = self._t(DENIED)
                return
            try:
                version = communications.publish_policy(
                    session=session,
                    staff=staff,
                    document=str(form.get("document", "")),
                    substantial=_checked(form.get("substantial")),
                    summary=_per_language(form, "summary"),
                    now=utc_now(),
                )
            except PublishError as exc:
                self.error = self._t(str(exc))
                return
            except PermissionDeniedError:
                self.error = self._t(DENIED)
                return
            self.message = self._t(N_("Published {document} version {version}.")).format(
                document=version.document, version=version.version
            )
            if version.substantial:
                self.message += " " + self._t(N_("Users are emailed and shown a notice."))
            self._load(session, staff)

    @rx.event
    def prepare(self, form: dict):
        """Check a service update or product news and show how many users it would reach."""
        self.message = self.error = ""
        self.awaiting, self._pending = False, {}
        kind = str(form.get("kind", ""))
        subject, body = _per_language(form, "subject"), _per_language(form, "body")
        with session_scope() as session:
            staff = self._staff(session)
            try:
                communications.clean_announcement(
                    staff=staff, kind=kind, subject=subject, body=body
                )
                count = communications.count_recipients(
                    session=session, staff=staff, kind=kind, now=utc_now()
                )
            except AnnouncementError as exc:
                self.error = self._t(str(exc))
                return
            except PermissionDeniedError:
                self.error = self._t(DENIED)
                return
        self._pending = {"kind": kind, "subject": subject, "body": body}
        self.awaiting = True
        template = CONFIRM_TEXTS.get(kind, N_("Send “{subject}” to {count} user(s)?"))
        self.confirm_text = self._t(template).format(
            subject=subject[self.staff_lang].strip(), count=count
        )

    @rx.event
    def confirm(self):
        """Send the prepared announcement (the job emails it by batches)."""
        pending, self._pending, self.awaiting = self._pending, {}, False
        self.message = self.error = ""
        if not pending:
            return
        with session_scope() as session:
            staff = self._staff(session)
            try:
                announcement = communications.send_announcement(
                    session=session, staff=staff, now=utc_now(), **pending
                )
            except AnnouncementError as exc:
                self.error = self._t(str(exc))
                return
            except PermissionDeniedError:
                self.error = self._t(DENIED)
                return
            self.message = self._t(N_("Announcement {id} is being sent.")).format(
                id=announcement.id
            )
            self._load(session, staff)

    @rx.event
    def cancel(self):
        """Drop the prepared announcement."""
        self._pending, self.awaiting, self.confirm_text = {}, False, ""
