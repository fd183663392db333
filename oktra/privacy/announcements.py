"""Emails to every user concerned (Reflex-free): a policy change, a service update, product news.

An announcement is a row; the `queue_announcements` job puts its emails in the outbox by
batches of users in id order, remembering the last user id it went through
(`queued_through`) in the same commit as the batch's emails. Each email's idempotency key names
the announcement and the user, so a crash between batches neither loses nor doubles one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.i18n import LANGUAGES, N_, normalize_language, t
from oktra.notifications.models import EmailMessage
from oktra.notifications.service import enqueue_email
from oktra.notifications.suppression import suppressed_among
from oktra.privacy import news
from oktra.privacy.models import Announcement, PolicyVersion
from oktra.privacy.service import PRODUCT_NEWS, granted_among
from oktra.settings import get_settings

POLICY_CHANGE = "policy_change"
SERVICE_UPDATE = "service_update"
PRODUCT_NEWS_KIND = news.NEWS_KIND
KINDS = (POLICY_CHANGE, SERVICE_UPDATE, PRODUCT_NEWS_KIND)
STAFF_KINDS = (SERVICE_UPDATE, PRODUCT_NEWS_KIND)
DOCUMENT_TITLES = {"privacy": N_("Privacy policy"), "terms": N_("Terms of use")}
BATCH = 200
MAX_BATCHES_PER_RUN = 25
SUBJECT_MAX = 150
BODY_MAX = 5000


class AnnouncementError(ValueError):
    """An announcement cannot be made as asked (unknown kind, missing subject or body)."""


def clean_message(*, subject: object, body: object) -> tuple[dict[str, str], dict[str, str]]:
    """Subject (1-150 characters) and body (1-5,000) in each of the three languages."""
    subjects = subject if isinstance(subject, dict) else {}
    bodies = body if isinstance(body, dict) else {}
    cleaned_subject = {lang: " ".join(str(subjects.get(lang) or "").split()) for lang in LANGUAGES}
    cleaned_body = {lang: str(bodies.get(lang) or "").strip() for lang in LANGUAGES}
    if not all(cleaned_subject.values()) or not all(cleaned_body.values()):
        raise AnnouncementError("a subject and a body are needed in en, fr and ar")
    if any(len(text) > SUBJECT_MAX for text in cleaned_subject.values()) or any(
        len(text) > BODY_MAX for text in cleaned_body.values()
    ):
        raise AnnouncementError("a subject has 150 characters at most, a body 5000")
    return cleaned_subject, cleaned_body


def create_announcement(
    *,
    session: Session,
    kind: str,
    subject: dict[str, str],
    body: dict[str, str],
    staff_id: int | None,
    now: datetime,
    policy_version_id: int | None = None,
) -> Announcement:
    """Record an announcement; the job queues its emails from the next minute on."""
    if kind not in KINDS:
        raise AnnouncementError(f"unknown kind {kind!r}")
    announcement = Announcement(
        kind=kind,
        policy_version_id=policy_version_id,
        subject=dict(subject),
        body=dict(body),
        created_by=staff_id,
        created_at=now,
    )
    session.add(announcement)
    session.flush()
    return announcement


def announce_policy_change(
    *, session: Session, version: PolicyVersion, now: datetime
) -> Announcement:
    """The email of a substantial change: the text's name and the summary, in each language."""
    subject = {lang: t(lang, DOCUMENT_TITLES[version.document]) for lang in LANGUAGES}
    return create_announcement(
        session=session,
        kind=POLICY_CHANGE,
        subject=subject,
        body=dict(version.summary),
        staff_id=version.published_by,
        now=now,
        policy_version_id=version.id,
    )


def _candidates(session: Session, announcement: Announcement, after: int, limit: int | None):
    query = select(User).where(
        User.id > after,
        User.email_verified_at.is_not(None),
        User.closed_at.is_(None),
        User.disabled_at.is_(None),
    )
    if announcement.kind == POLICY_CHANGE:
        query = query.where(User.created_at < announcement.created_at)
    query = query.order_by(User.id)
    return list(session.exec(query.limit(limit) if limit else query).all())


def _eligible(session: Session, announcement: Announcement, users: list[User]) -> list[User]:
    """Verified users whose address is not suppressed; for news, those who consent today."""
    suppressed = suppressed_among(session=session, addresses={user.email for user in users})
    kept = [user for user in users if user.email.strip().lower() not in suppressed]
    if announcement.kind == PRODUCT_NEWS_KIND:
        consenting = granted_among(
            session=session, purpose=PRODUCT_NEWS, user_ids=[user.id for user in kept]
        )
        kept = [user for user in kept if user.id in consenting]
    return kept


def count_recipients(*, session: Session, kind: str, now: datetime) -> int:
    """How many users an announcement of this kind made now would reach."""
    probe = Announcement(kind=kind, created_at=now)
    return len(_eligible(session, probe, _candidates(session, probe, 0, None)))


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]


def _context(announcement: Announcement, version: PolicyVersion | None, user: User, lang: str):
    base_url = get_settings().base_url.rstrip("/")
    text = announcement.body.get(lang) or announcement.body.get("en", "")
    context: dict[str, object] = {
        "name": user.full_name,
        "title": announcement.subject.get(lang) or announcement.subject.get("en", ""),
        "paragraphs": _paragraphs(text),
        "body_text": text.strip(),
    }
    if version is not None:
        slug = "privacy" if version.document == "privacy" else "terms"
        context["document_url"] = f"{base_url}/{lang}/{slug}"
        context["versions_url"] = f"{base_url}/{lang}/{slug}/versions"
        context["version"] = version.version
        context["asks_again"] = bool(version.reconsent)
    if announcement.kind == PRODUCT_NEWS_KIND:
        context["unsubscribe_url"] = news.unsubscribe_url(user.id)
    return context


def idempotency_key(announcement_id: int, user_id: int) -> str:
    """One email per announcement and user, whatever happens to the job."""
    return f"announcement:{announcement_id}:user:{user_id}"


def queue_batch(
    *, session: Session, announcement: Announcement, now: datetime, batch: int = BATCH
) -> int:
    """Queue the emails of the next batch of users and record the progress (not committed)."""
    users = _candidates(session, announcement, announcement.queued_through, batch)
    version = (
        session.get(PolicyVersion, announcement.policy_version_id)
        if announcement.policy_version_id
        else None
    )
    recipients = _eligible(session, announcement, users)
    keys = [idempotency_key(announcement.id, user.id) for user in recipients]
    existing = (
        set(
            session.exec(
                select(EmailMessage.idempotency_key).where(EmailMessage.idempotency_key.in_(keys))
            )
        )
        if keys
        else set()
    )
    queued = 0
    for user, key in zip(recipients, keys, strict=True):
        if key in existing:
            continue
        lang = normalize_language(user.language)
        headers = (
            news.list_unsubscribe_headers(user.id)
            if announcement.kind == PRODUCT_NEWS_KIND
            else None
        )
        enqueue_email(
            session=session,
            kind=announcement.kind,
            to_address=user.email,
            lang=lang,
            context=_context(announcement, version, user, lang),
            idempotency_key=key,
            user_id=user.id,
            headers=headers,
        )
        queued += 1
    if users:
        announcement.queued_through = users[-1].id
    announcement.queued += queued
    if len(users) < batch:
        announcement.finished_at = now
    session.add(announcement)
    session.flush()
    return queued


def queue_announcements(
    *, session: Session, now: datetime, batch: int = BATCH, max_batches: int = MAX_BATCHES_PER_RUN
) -> dict[str, int]:
    """Queue unfinished announcements' emails, one commit per batch (the job's work)."""
    counts = {"batches": 0, "queued": 0, "finished": 0}
    while counts["batches"] < max_batches:
        announcement = session.exec(
            select(Announcement)
            .where(Announcement.finished_at.is_(None), Announcement.created_at <= now)
            .order_by(Announcement.id)
        ).first()
        if announcement is None:
            break
        counts["queued"] += queue_batch(
            session=session, announcement=announcement, now=now, batch=batch
        )
        counts["batches"] += 1
        counts["finished"] += announcement.finished_at is not None
        session.commit()
    return counts


def announcement_history(*, session: Session, limit: int = 20) -> list[Announcement]:
    """The newest announcements with their progress, for the back office."""
    return list(
        session.exec(select(Announcement).order_by(Announcement.id.desc()).limit(limit)).all()
    )


def pending_count(*, session: Session) -> int:
    """How many announcements are still being queued."""
    return session.exec(
        select(func.count()).select_from(Announcement).where(Announcement.finished_at.is_(None))
    ).one()
