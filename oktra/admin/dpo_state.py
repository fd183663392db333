"""The DPO queue's state: every handler re-reads the staff session and checks the matrix."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from oktra.accounts.validation import ValidationFailedError
from oktra.admin import dpo
from oktra.admin.roles import Action, PermissionDeniedError
from oktra.admin.state import DENIED, StaffState
from oktra.core.clock import to_morocco, utc_now
from oktra.core.errors import NotFoundError
from oktra.db import session_scope
from oktra.i18n import N_
from oktra.privacy.requests import STATUSES

STAFF_STATUS_LABELS = {
    "unverified": N_("unverified (email not confirmed)"),
    "received": N_("received"),
    "in_progress": N_("in progress"),
    "answered": N_("answered"),
    "refused": N_("refused"),
    "closed": N_("closed"),
}
NO_SUCH_REQUEST = N_("No such request.")
OPEN_FIRST = N_("Open a request first.")
NOTE_ADDED = N_("Note added.")
STATUS_CHANGED = N_("Status changed to {status}; the requester is emailed.")
REGISTERED = N_("Registered {reference}; the requester is emailed.")
# The fixed English messages of oktra.admin.dpo (refusals of a step, checks of a registered
# request), marked here so that they are extracted and shown in the page's language. The one
# carrying values ("A … request cannot become …") stays English.
SERVICE_MESSAGES = (
    N_("Write a note of 1 to 1,000 characters."),
    N_("Write the answer the requester will receive."),
    N_("The answer is too long (20,000 characters at most)."),
    N_("Choose email or post."),
    N_("Choose the requester's language."),
    N_("Give the date of receipt."),
    N_("The date of receipt is in the future."),
)


def _day(value: datetime | None) -> str:
    return to_morocco(value).strftime("%Y-%m-%d") if value else ""


def _moment(value: datetime | None) -> str:
    return to_morocco(value).strftime("%Y-%m-%d %H:%M") if value else ""


class StaffDpoState(StaffState):
    """The queue, one opened request, and the forms acting on it."""

    status_filter: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    detail: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    events: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    next_statuses: list[str] = []  # noqa: RUF012 - Reflex state var
    errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    message: str = ""
    error: str = ""
    form_key: int = 0

    def _status(self, status: str) -> str:
        """A request status as the page shows it, in the page's language."""
        return self._t(STAFF_STATUS_LABELS[status]) if status in STAFF_STATUS_LABELS else status

    def _load_queue(self, session, staff) -> None:
        self.rows = [
            {
                "id": str(row.request_id),
                "reference": row.reference,
                "right": row.right,
                "channel": row.channel,
                "status": self._status(row.status),
                "received": _day(row.received_at),
                "due": _day(row.due_at),
                "overdue": "overdue" if row.overdue else "",
            }
            for row in dpo.queue(
                session=session, staff=staff, now=utc_now(), status=self.status_filter
            )
        ]

    def _show(self, session, staff, request_id: int) -> None:
        opened = dpo.open_request(
            session=session, staff=staff, request_id=request_id, now=utc_now()
        )
        request = opened.request
        self.detail = {
            "id": str(request.id),
            "reference": request.reference,
            "right": request.right,
            "channel": request.channel,
            "status": self._status(request.status),
            "name": request.requester_name,
            "email": request.requester_email,
            "language": request.language,
            "user": f"#{request.user_id}" if request.user_id else self._t(N_("no account")),
            "message": request.message or self._t(N_("(no message)")),
            "received": _moment(request.received_at),
            "verified": _moment(request.verified_at),
            "due": _day(request.due_at),
            "overdue": "overdue" if opened.overdue else "",
            "answer": request.answer or "",
        }
        self.events = [
            {
                "at": _moment(event.at),
                "status": self._status(event.status),
                "note": event.note,
                "by": (
                    self._t(N_("staff #{id}")).format(id=event.staff_id)
                    if event.staff_id
                    else self._t(N_("requester"))
                ),
            }
            for event in opened.events
        ]
        self.next_statuses = list(opened.next_statuses)
        self.form_key += 1

    def _reset_view(self) -> None:
        self.rows, self.detail, self.events, self.next_statuses = [], {}, [], []

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; roles the matrix excludes see a refusal."""
        self.message = self.error = ""
        self.errors, self.detail, self.events = {}, {}, []
        with session_scope() as session:
            staff = self._allowed(session, Action.MANAGE_DPO_REQUESTS)
            if staff is None:
                self._reset_view()
                return None if self.staff_role else self._to_signin()
            self._load_queue(session, staff)
        return None

    @rx.event
    def filter_by(self, status: str):
        """Show the requests of one status (empty: every verified request)."""
        self.status_filter = status if status in STATUSES else ""
        with session_scope() as session:
            staff = self._staff_or_deny(session)
            if staff is None:
                return
            self._load_queue(session, staff)

    def _staff_or_deny(self, session):
        """The staff member who may manage DPO requests; else None, the view emptied and the
        refusal shown."""
        staff = self._allowed(session, Action.MANAGE_DPO_REQUESTS)
        if staff is None:
            self._reset_view()
            self.error = self._t(DENIED)
        return staff

    @rx.event
    def open_request(self, request_id: str):
        """Open one request (an audited read of the requester's data)."""
        self.message = self.error = ""
        with session_scope() as session:
            staff = self._staff_or_deny(session)
            if staff is None:
                return
            try:
                self._show(session, staff, int(request_id))
            except (ValueError, NotFoundError):
                self.error = self._t(NO_SUCH_REQUEST)
            except PermissionDeniedError:
                self.error = self._t(DENIED)

    def _act(self, step, done: str) -> None:
        """Run one step on the opened request, then show it and the queue again."""
        self.message = self.error = ""
        if not self.detail:
            self.error = self._t(OPEN_FIRST)
            return
        request_id = int(self.detail["id"])
        try:
            with session_scope() as session:
                staff = self._staff_or_deny(session)
                if staff is None:
                    return
                step(session, staff, request_id)
                self._show(session, staff, request_id)
                self._load_queue(session, staff)
        except dpo.DpoRequestError as exc:
            self.error = self._t(str(exc))
            return
        except PermissionDeniedError:
            self.error = self._t(DENIED)
            return
        self.message = done

    @rx.event
    def add_note(self, form: dict):
        """An internal note (the requester is not emailed)."""

        def step(session, staff, request_id):
            dpo.add_note(
                session=session,
                staff=staff,
                request_id=request_id,
                note=str(form.get("note", "")),
                now=utc_now(),
            )

        self._act(step, self._t(NOTE_ADDED))

    @rx.event
    def change_status(self, form: dict):
        """Move the request on, with the answer text; the requester is emailed."""
        status = str(form.get("status", ""))

        def step(session, staff, request_id):
            dpo.change_status(
                session=session,
                staff=staff,
                request_id=request_id,
                status=status,
                answer=str(form.get("answer", "")),
                now=utc_now(),
            )

        self._act(step, self._t(STATUS_CHANGED).format(status=self._status(status)))

    @rx.event
    def register(self, form: dict):
        """Register a request received by email or post, with its date of receipt."""
        self.message = self.error = ""
        with session_scope() as session:
            staff = self._staff_or_deny(session)
            if staff is None:
                return
            try:
                request = dpo.register_request(
                    session=session, staff=staff, form=form, now=utc_now()
                )
            except ValidationFailedError as failure:
                self.errors = {key: self._t(text) for key, text in failure.errors.items()}
                return
            self.errors = {}
            self._show(session, staff, request.id)
            self._load_queue(session, staff)
        self.message = self._t(REGISTERED).format(reference=request.reference)
