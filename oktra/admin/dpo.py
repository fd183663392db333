"""The DPO's queue (Reflex-free): list, open (audited), register a request received by email or
post, add a note, change the status with an answer. Each step is a DpoRequestEvent; each
status change emails the requester."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, select

from oktra.accounts.validation import ValidationFailedError
from oktra.admin import audit
from oktra.admin.models import StaffMember
from oktra.admin.roles import Action
from oktra.admin.service import require
from oktra.core.clock import MOROCCO, as_utc
from oktra.core.errors import NotFoundError
from oktra.privacy import requests
from oktra.privacy.registry import Category
from oktra.privacy.rights_models import DpoRequest, DpoRequestEvent

STAFF_CHANNELS = ("email", "post")
# The statuses staff may move a request to, from each status.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "received": ("in_progress", "answered", "refused", "closed"),
    "in_progress": ("answered", "refused", "closed"),
    "answered": ("in_progress", "closed"),
    "refused": ("in_progress", "closed"),
    "closed": (),
    "unverified": (),
}
NEEDS_ANSWER = frozenset({"answered", "refused"})
ANSWER_MAX = 20000
NOTE_MAX = 1000
# What an empty status filter shows: every request whose identity is checked.
OPEN_QUEUE = ("received", "in_progress", "answered", "refused", "closed")
QUEUE_MAX = 500


class DpoRequestError(ValueError):
    """A step the request's state does not allow, or a field to correct."""


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: nothing personal, so listing is not an audited read."""

    request_id: int
    reference: str
    right: str
    channel: str
    status: str
    received_at: datetime
    due_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class RequestDetail:
    """An opened request: the requester, the message, the answer and every step."""

    request: DpoRequest
    overdue: bool
    events: list[DpoRequestEvent]
    next_statuses: tuple[str, ...]


def queue(
    *, session: Session, staff: StaffMember, now: datetime, status: str = ""
) -> list[QueueRow]:
    """Verified requests (or those of one status), the earliest due first."""
    require(staff, Action.MANAGE_DPO_REQUESTS)
    statuses = (status,) if status in requests.STATUSES else OPEN_QUEUE
    rows = session.exec(
        select(DpoRequest)
        .where(DpoRequest.status.in_(statuses))
        .order_by(DpoRequest.due_at, DpoRequest.received_at, DpoRequest.id)
        .limit(QUEUE_MAX)
    ).all()
    return [
        QueueRow(
            request_id=row.id,
            reference=row.reference,
            right=row.right,
            channel=row.channel,
            status=row.status,
            received_at=as_utc(row.received_at),
            due_at=as_utc(row.due_at) if row.due_at else None,
            overdue=requests.is_overdue(row, now=now),
        )
        for row in rows
    ]


def _request(session: Session, request_id: int) -> DpoRequest:
    request = session.get(DpoRequest, request_id)
    if request is None:
        raise NotFoundError(f"no DPO request {request_id}")
    return request


def _events(session: Session, request_id: int) -> list[DpoRequestEvent]:
    return list(
        session.exec(
            select(DpoRequestEvent)
            .where(DpoRequestEvent.request_id == request_id)
            .order_by(DpoRequestEvent.at, DpoRequestEvent.id)
        ).all()
    )


def open_request(
    *, session: Session, staff: StaffMember, request_id: int, now: datetime
) -> RequestDetail:
    """The whole request; an audited read of the requester's personal data."""
    require(staff, Action.MANAGE_DPO_REQUESTS)
    request = _request(session, request_id)
    audit.record(
        session=session,
        staff=staff,
        action=Action.MANAGE_DPO_REQUESTS.value,
        reason=f"handling DPO request {request.reference}",
        now=now,
        category=Category.SUPPORT,
        user_id=request.user_id,
        subject=request.requester_email,
    )
    return RequestDetail(
        request=request,
        overdue=requests.is_overdue(request, now=now),
        events=_events(session, request.id),
        next_statuses=NEXT_STATUSES.get(request.status, ()),
    )


def _received_on(value: object, now: datetime) -> datetime:
    """The date of receipt, as noon in Morocco; refused when missing or in the future."""
    try:
        day = date.fromisoformat(str(value or "").strip())
    except ValueError as exc:
        raise ValidationFailedError({"received_on": "Give the date of receipt."}) from exc
    received = as_utc(datetime.combine(day, time(12), tzinfo=MOROCCO))
    if day > now.astimezone(MOROCCO).date():
        raise ValidationFailedError({"received_on": "The date of receipt is in the future."})
    return min(received, now)


def register_request(
    *, session: Session, staff: StaffMember, form: dict, now: datetime
) -> DpoRequest:
    """A request received by email or post: staff checked the identity, so it is received at
    once, due from its date of receipt, and acknowledged by email."""
    require(staff, Action.MANAGE_DPO_REQUESTS)
    channel = form.get("channel")
    errors = {}
    if channel not in STAFF_CHANNELS:
        errors["channel"] = "Choose email or post."
    language = form.get("language")
    if language not in ("fr", "en", "ar"):
        errors["language"] = "Choose the requester's language."
    try:
        values = requests.clean_request(form, user=None)
    except ValidationFailedError as failure:
        errors.update(failure.errors)
        values = {}
    try:
        received_at = _received_on(form.get("received_on"), now)
    except ValidationFailedError as failure:
        errors.update(failure.errors)
    if errors:
        raise ValidationFailedError(errors)
    request = requests.create_request(
        session=session,
        values=values,
        lang=language,
        received_at=received_at,
        channel=channel,
        staff_id=staff.id,
    )
    requests.add_event(
        session=session, request=request, now=now, note=f"received by {channel}", staff_id=staff.id
    )
    requests.mark_verified(
        session=session,
        request=request,
        now=now,
        note="identity: checked by staff",
        staff_id=staff.id,
    )
    return request


def add_note(
    *, session: Session, staff: StaffMember, request_id: int, note: str, now: datetime
) -> DpoRequestEvent:
    """An internal note on the request (the requester is not emailed)."""
    require(staff, Action.MANAGE_DPO_REQUESTS)
    text = note.strip() if isinstance(note, str) else ""
    if not text or len(text) > NOTE_MAX:
        raise DpoRequestError("Write a note of 1 to 1,000 characters.")
    request = _request(session, request_id)
    return requests.add_event(
        session=session, request=request, now=now, note=text, staff_id=staff.id
    )


def change_status(
    *,
    session: Session,
    staff: StaffMember,
    request_id: int,
    status: str,
    answer: str = "",
    now: datetime,
) -> DpoRequestEvent:
    """Move the request on; an answer or a refusal needs its text; the requester is emailed."""
    require(staff, Action.MANAGE_DPO_REQUESTS)
    request = _request(session, request_id)
    if status not in NEXT_STATUSES.get(request.status, ()):
        raise DpoRequestError(f"A {request.status} request cannot become {status}.")
    text = answer.strip() if isinstance(answer, str) else ""
    if status in NEEDS_ANSWER and not text:
        raise DpoRequestError("Write the answer the requester will receive.")
    if len(text) > ANSWER_MAX:
        raise DpoRequestError("The answer is too long (20,000 characters at most).")
    request.status = status
    if text:
        request.answer = text
    if status in requests.FINAL:
        request.closed_at = request.closed_at or now
    else:
        request.closed_at = None
    event = requests.add_event(
        session=session, request=request, now=now, note=text, staff_id=staff.id
    )
    kind = "dpo_answer" if status in NEEDS_ANSWER else "dpo_status"
    requests.email_requester(session=session, request=request, event=event, kind=kind)
    return event
