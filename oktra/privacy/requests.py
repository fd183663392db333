"""Requests to the DPO (Reflex-free): the public form, the identity check by a signed email
link, due dates, the requester's own view, and the email sent at every step."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from oktra.accounts.limits import Rule, get_limiter
from oktra.accounts.models import User
from oktra.accounts.validation import Checked, check_email, check_name
from oktra.core.clock import as_utc, to_morocco
from oktra.core.security import keyed_hash
from oktra.i18n import LANGUAGES, N_, format_date, normalize_language, t
from oktra.notifications.service import enqueue_email
from oktra.privacy.rights_models import DpoRequest, DpoRequestEvent
from oktra.settings import get_settings

RIGHTS: dict[str, str] = {
    "access": N_("Access to my data"),
    "rectification": N_("Rectification of my data"),
    "objection": N_("Objection to a processing of my data"),
    "deletion": N_("Deletion of my data"),
    "portability": N_("A copy of my data in a structured format (portability)"),
    "question": N_("A question about my data"),
}
# The requester must say what to correct, object to or ask; the other rights speak for themselves.
MESSAGE_REQUIRED = frozenset({"rectification", "objection", "question"})
STATUSES: dict[str, str] = {
    "unverified": N_("Waiting for you to confirm your email address"),
    "received": N_("Received"),
    "in_progress": N_("In progress"),
    "answered": N_("Answered"),
    "refused": N_("Refused"),
    "closed": N_("Closed"),
}
FINAL = frozenset({"answered", "refused", "closed"})
CHANNELS = ("form", "email", "post")
MESSAGE_MAX = 5000
UNVERIFIED_KEPT = timedelta(days=30)
LINK_SALT = "oktra.dpo-request"

REQUESTS_PER_IP = Rule("dpo-request-ip", "5/hour")
REQUESTS_PER_ADDRESS = Rule("dpo-request-address", "3/hour")

RIGHT_INVALID = N_("Choose what your request is about.")
MESSAGE_NEEDED = N_("Describe your request in a few words.")
MESSAGE_LONG = N_("Write at most 5,000 characters.")


@dataclass(frozen=True)
class RequestView:
    """What the requester (or the DPO) is shown of one request, in a language."""

    reference: str
    right: str
    status: str
    received: str
    due: str
    answer: str


def due_at_for(*, right: str, received_at: datetime) -> datetime:
    """The answer is due 30 days after receipt, 10 for a rectification (both are settings)."""
    settings = get_settings()
    days = (
        settings.dpo_rectification_due_days if right == "rectification" else settings.dpo_due_days
    )
    return as_utc(received_at) + timedelta(days=days)


def is_overdue(request: DpoRequest, *, now: datetime) -> bool:
    """Whether a verified request is past its due date without a final answer."""
    if request.due_at is None or request.status == "unverified" or request.status in FINAL:
        return False
    return as_utc(request.due_at) < as_utc(now)


def view(request: DpoRequest, lang: str) -> RequestView:
    """The request's reference, right, status and dates, worded in a language."""
    return RequestView(
        reference=request.reference,
        right=t(lang, RIGHTS.get(request.right, request.right)),
        status=t(lang, STATUSES.get(request.status, request.status)),
        received=_day(request.received_at, lang),
        due=_day(request.due_at, lang) if request.due_at else "",
        answer=request.answer or "",
    )


def _day(value: datetime, lang: str) -> str:
    return format_date(to_morocco(value).date(), lang)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), salt=LINK_SALT)


def verification_token(request: DpoRequest) -> str:
    """A link token proving the requester controls the address the request gives."""
    return _serializer().dumps({"rid": request.id, "email": request.requester_email})


def _read_token(token: object) -> tuple[int, str] | None:
    if not isinstance(token, str) or not token or len(token) > 1000:
        return None
    max_age = get_settings().verification_link_hours * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    rid, email = data.get("rid"), data.get("email")
    if not isinstance(rid, int) or not isinstance(email, str):
        return None
    return rid, email


def request_for_token(*, session: Session, token: object) -> DpoRequest | None:
    """The one request a valid, unexpired link names; None for any other token."""
    found = _read_token(token)
    if found is None:
        return None
    request = session.get(DpoRequest, found[0])
    if request is None or request.requester_email != found[1]:
        return None
    return request


def requests_of_user(*, session: Session, user_id: int) -> list[DpoRequest]:
    """A signed-in user's own requests, newest first."""
    return list(
        session.exec(
            select(DpoRequest)
            .where(DpoRequest.user_id == user_id)
            .order_by(DpoRequest.received_at.desc(), DpoRequest.id.desc())
        ).all()
    )


def clean_request(form: dict, *, user: User | None) -> dict[str, str]:
    """The right, message, name and email of a request; ValidationFailedError otherwise."""
    checked = Checked()
    right = form.get("right")
    if right not in RIGHTS:
        checked.errors["right"] = RIGHT_INVALID
    message = form.get("message", "")
    message = message.strip() if isinstance(message, str) else ""
    if len(message) > MESSAGE_MAX:
        checked.errors["message"] = MESSAGE_LONG
    elif not message and right in MESSAGE_REQUIRED:
        checked.errors["message"] = MESSAGE_NEEDED
    check_name(form, checked)
    if user is None:
        check_email(form, checked)
    else:
        checked.values["email"] = user.email
    values = checked.raise_if_any()
    return {"right": right, "message": message, "name": values["full_name"], **values}


def add_event(
    *,
    session: Session,
    request: DpoRequest,
    now: datetime,
    note: str = "",
    staff_id: int | None = None,
) -> DpoRequestEvent:
    """Record one step of the request: its status now, a note, who acted."""
    event = DpoRequestEvent(
        request_id=request.id, status=request.status, note=note[:1000], staff_id=staff_id, at=now
    )
    session.add(event)
    session.flush()
    return event


def email_requester(
    *, session: Session, request: DpoRequest, event: DpoRequestEvent, kind: str, **context: object
) -> None:
    """Email the requester about one step, once, in the request's language."""
    lang = normalize_language(request.language)
    shown = view(request, lang)
    enqueue_email(
        session=session,
        kind=kind,
        to_address=request.requester_email,
        lang=lang,
        context={
            "name": request.requester_name,
            "title": request.reference,
            "reference": request.reference,
            "right": shown.right,
            "status": shown.status,
            "received": shown.received,
            "due": shown.due,
            "answer": shown.answer,
            **context,
        },
        idempotency_key=f"dpo-request:{request.id}:event:{event.id}",
        user_id=request.user_id,
    )


def create_request(
    *,
    session: Session,
    values: dict[str, str],
    lang: str,
    received_at: datetime,
    user_id: int | None = None,
    channel: str = "form",
    staff_id: int | None = None,
) -> DpoRequest:
    """Store a new, unverified request and give it its reference, such as DPO-2026-000123."""
    request = DpoRequest(
        reference=f"new-{secrets.token_hex(6)}",
        user_id=user_id,
        right=values["right"],
        message=values["message"],
        requester_name=values["name"],
        requester_email=values["email"],
        language=lang if lang in LANGUAGES else "fr",
        channel=channel,
        status="unverified",
        received_at=received_at,
        registered_by=staff_id,
    )
    session.add(request)
    session.flush()
    request.reference = f"DPO-{to_morocco(received_at).year}-{request.id:06d}"
    session.flush()
    return request


def mark_verified(
    *, session: Session, request: DpoRequest, now: datetime, note: str, staff_id: int | None = None
) -> DpoRequestEvent:
    """The identity is checked: the request is received, due, and acknowledged by email."""
    request.status = "received"
    request.verified_at = now
    request.due_at = due_at_for(right=request.right, received_at=request.received_at)
    if request.user_id is None:
        owner = session.exec(select(User).where(User.email == request.requester_email)).first()
        request.user_id = owner.id if owner is not None else None
    event = add_event(session=session, request=request, now=now, note=note, staff_id=staff_id)
    email_requester(session=session, request=request, event=event, kind="dpo_received")
    return event


def submit_request(
    *, session: Session, form: dict, lang: str, user: User | None, ip_hash: str, now: datetime
) -> DpoRequest:
    """The public form: a visitor confirms by email; a signed-in user with a confirmed address
    is identified by the session and the request is received at once."""
    values = clean_request(form, user=user)
    limiter = get_limiter()
    limiter.take(REQUESTS_PER_IP, ip_hash or "no-ip")
    secret = get_settings().secret_key.get_secret_value()
    limiter.take(REQUESTS_PER_ADDRESS, keyed_hash(values["email"], secret))
    request = create_request(
        session=session,
        values=values,
        lang=lang,
        received_at=now,
        user_id=user.id if user is not None else None,
    )
    event = add_event(session=session, request=request, now=now, note="submitted with the form")
    if user is not None and user.email_verified_at is not None:
        mark_verified(
            session=session, request=request, now=now, note="identity: the signed-in account"
        )
        return request
    base = get_settings().base_url
    link = f"{base}/{request.language}/requests/verify?token={verification_token(request)}"
    email_requester(
        session=session,
        request=request,
        event=event,
        kind="dpo_verify",
        link=link,
        hours=get_settings().verification_link_hours,
    )
    return request


def verify_request(*, session: Session, token: object, now: datetime) -> DpoRequest | None:
    """Confirm a request from its email link (once; a second visit just shows it)."""
    request = request_for_token(session=session, token=token)
    if request is None:
        return None
    if request.status == "unverified":
        mark_verified(
            session=session, request=request, now=now, note="identity: the signed email link"
        )
    return request


def purge_unverified_requests(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete requests never confirmed within 30 days, with their steps."""
    cutoff = now - UNVERIFIED_KEPT
    stale = session.exec(
        select(DpoRequest).where(DpoRequest.status == "unverified", DpoRequest.received_at < cutoff)
    ).all()
    for request in stale:
        for event in session.exec(
            select(DpoRequestEvent).where(DpoRequestEvent.request_id == request.id)
        ).all():
            session.delete(event)
        session.flush()
        session.delete(request)
    session.flush()
    return {"deleted": len(stale)}
