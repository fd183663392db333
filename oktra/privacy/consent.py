"""Visitors' cookie choices (Reflex-free): the essential `oktra_consent` cookie holds a random
visitor id and the choice; every grant and withdrawal is an append-only ConsentRecord keyed by an
HMAC of that id, and joined to the account when the visitor signs in (docs/privacy.md)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, select

from oktra.core.clock import as_utc
from oktra.core.security import keyed_hash
from oktra.i18n import N_, t
from oktra.privacy.models import ConsentRecord
from oktra.privacy.service import current_versions, reconsent_since
from oktra.settings import get_settings

ANALYTICS = "analytics"
FUNCTIONAL = "functional"
PURPOSES = (ANALYTICS, FUNCTIONAL)
WORDINGS = {
    ANALYTICS: N_(
        "Analytics: anonymized audience measurement (pages visited, visit duration), "
        "kept by OKTRA alone."
    ),
    FUNCTIONAL: N_("Functional: remembers interface preferences on this browser."),
}
COOKIE_FORMAT = "1"
_COOKIE = re.compile(r"^1\.([A-Za-z0-9_-]{16,64})\.([01])([01])$")


@dataclass(frozen=True)
class Choice:
    """The answer for each optional category (essential cookies need no consent)."""

    analytics: bool
    functional: bool

    def granted(self, purpose: str) -> bool:
        """Whether this purpose is granted."""
        return bool(getattr(self, purpose))


@dataclass(frozen=True)
class DeviceConsent:
    """What the consent cookie of one browser holds."""

    visitor_id: str
    choice: Choice


@dataclass(frozen=True)
class Requester:
    """Who answers, and from where (stored as a keyed hash of the IP and a trimmed user-agent)."""

    lang: str
    ip_hash: str = ""
    user_agent: str = ""


def new_visitor_id() -> str:
    """A fresh random identifier for a browser, written only once a choice is made."""
    return secrets.token_urlsafe(18)


def encode_cookie(*, visitor_id: str, choice: Choice) -> str:
    """The consent cookie's value: format, visitor id, then one digit per category."""
    return f"{COOKIE_FORMAT}.{visitor_id}.{int(choice.analytics)}{int(choice.functional)}"


def parse_cookie(*, value: str | None) -> DeviceConsent | None:
    """The visitor id and choice in a consent cookie; None when absent or malformed."""
    found = _COOKIE.match(value or "")
    if found is None:
        return None
    visitor_id, analytics, functional = found.groups()
    return DeviceConsent(visitor_id, Choice(analytics == "1", functional == "1"))


def visitor_hash(*, visitor_id: str) -> str:
    """What records keep of a visitor id: HMAC-SHA256 under the app's secret key."""
    return keyed_hash(visitor_id, get_settings().secret_key.get_secret_value())


def wording_version(*, purpose: str) -> str:
    """A short fingerprint of the English wording of a category."""
    return hashlib.sha256(WORDINGS[purpose].encode("utf-8")).hexdigest()[:16]


def _latest(session: Session, purpose: str, *conditions: object) -> ConsentRecord | None:
    if not conditions:
        return None
    return session.exec(
        select(ConsentRecord)
        .where(ConsentRecord.purpose == purpose, or_(*conditions))
        .order_by(ConsentRecord.id.desc())
    ).first()


def _in_force(
    session: Session, purpose: str, hashed: str, user_id: int | None
) -> ConsentRecord | None:
    """The newest record of this browser or of the signed-in account; a browser's record made
    under another account does not bind the one signed in now; a grant given before a policy
    version asked this purpose again is no answer any more (the banner asks again)."""
    own = _latest(session, purpose, ConsentRecord.visitor_hash == hashed)
    if user_id is not None and own is not None and own.user_id not in (None, user_id):
        own = None
    account = _latest(session, purpose, ConsentRecord.user_id == user_id) if user_id else None
    found = [record for record in (own, account) if record is not None]
    newest = max(found, key=lambda record: record.id) if found else None
    if newest is not None and newest.granted:
        since = reconsent_since(session=session, purpose=purpose)
        if since is not None and as_utc(newest.created_at) < since:
            return None
    return newest


def _append(
    session: Session,
    *,
    purpose: str,
    granted: bool,
    hashed: str,
    user_id: int | None,
    requester: Requester,
) -> ConsentRecord:
    policy_version, terms_version = current_versions(session=session)
    record = ConsentRecord(
        user_id=user_id,
        visitor_hash=hashed,
        purpose=purpose,
        granted=granted,
        policy_version=policy_version,
        terms_version=terms_version,
        wording_version=wording_version(purpose=purpose),
        wording=t(requester.lang, WORDINGS[purpose])[:500],
        language=requester.lang,
        ip_hash=requester.ip_hash,
        user_agent=requester.user_agent[:300],
    )
    session.add(record)
    session.flush()
    return record


def choice_in_force(
    *, session: Session, visitor_id: str, user_id: int | None = None
) -> Choice | None:
    """The choice that applies to this browser now (None while a category is unanswered)."""
    hashed = visitor_hash(visitor_id=visitor_id)
    records = [_in_force(session, purpose, hashed, user_id) for purpose in PURPOSES]
    if any(record is None for record in records):
        return None
    return Choice(*(record.granted for record in records))


def asked_again(*, session: Session, visitor_id: str) -> bool:
    """Whether a policy change asked again a category this browser had granted (its cookie's
    choice no longer counts: the banner asks)."""
    hashed = visitor_hash(visitor_id=visitor_id)
    for purpose in PURPOSES:
        newest = _latest(session, purpose, ConsentRecord.visitor_hash == hashed)
        if newest is not None and _in_force(session, purpose, hashed, None) is None:
            return True
    return False


def allows(*, session: Session, visitor_id: str, purpose: str, user_id: int | None = None) -> bool:
    """Whether the choice in force grants this purpose (checked before anything it gates)."""
    record = _in_force(session, purpose, visitor_hash(visitor_id=visitor_id), user_id)
    return bool(record and record.granted)


def record_choice(
    *,
    session: Session,
    visitor_id: str,
    user_id: int | None,
    choice: Choice,
    requester: Requester,
) -> list[ConsentRecord]:
    """Append a grant or a withdrawal for each category whose answer changes (all at first)."""
    hashed = visitor_hash(visitor_id=visitor_id)
    appended = []
    for purpose in PURPOSES:
        current = _in_force(session, purpose, hashed, user_id)
        unchanged = current is not None and current.granted == choice.granted(purpose)
        if unchanged and current.visitor_hash == hashed and current.user_id == user_id:
            continue
        appended.append(
            _append(
                session,
                purpose=purpose,
                granted=choice.granted(purpose),
                hashed=hashed,
                user_id=user_id,
                requester=requester,
            )
        )
    return appended


def join_account(
    *, session: Session, visitor_id: str, user_id: int, requester: Requester
) -> Choice | None:
    """After sign-in: the newer of this browser's choice and the account's applies to both.

    A browser's anonymous answer is appended again with the user id; an answer given on another
    device is appended for this browser. A record of another account on a shared browser is
    ignored. None while a category is unanswered on both sides.
    """
    hashed = visitor_hash(visitor_id=visitor_id)
    answers = {}
    for purpose in PURPOSES:
        newest = _in_force(session, purpose, hashed, user_id)
        if newest is None:
            continue
        if newest.visitor_hash != hashed or newest.user_id != user_id:
            _append(
                session,
                purpose=purpose,
                granted=newest.granted,
                hashed=hashed,
                user_id=user_id,
                requester=requester,
            )
        answers[purpose] = newest.granted
    if len(answers) < len(PURPOSES):
        return None
    return Choice(**answers)


def join_at_sign_in(
    *, session: Session, cookie: str | None, user_id: int, requester: Requester
) -> str | None:
    """At sign-in, on the server: join this browser's choice to the account (or bring the
    account's to this browser); the consent cookie's new value, or None to leave it as it is."""
    device = parse_cookie(value=cookie)
    visitor_id = device.visitor_id if device else new_visitor_id()
    choice = join_account(
        session=session, visitor_id=visitor_id, user_id=user_id, requester=requester
    )
    if choice is None:
        return None
    value = encode_cookie(visitor_id=visitor_id, choice=choice)
    return None if value == cookie else value
