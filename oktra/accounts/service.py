"""Account services (Reflex-free): sign-up, sign-in, verification, reset, profile.

Synchronous functions take the session; the async ones hash or check passwords in a worker
thread first, then open their own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from oktra.accounts import limits, sessions, tokens
from oktra.accounts.models import User
from oktra.accounts.passwords import (
    AccountExistsError,
    SignInProvider,
    provider_for,
)
from oktra.accounts.validation import (
    Checked,
    ValidationFailedError,
    check_new_password,
    check_signup,
    normalize_email,
)
from oktra.admin.security import record_security_event, subject_hash
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import N_
from oktra.notifications.service import enqueue_email
from oktra.privacy.inactivity import record_activity, reopen
from oktra.privacy.service import PRODUCT_NEWS, TERMS_AND_PRIVACY, record_consent
from oktra.settings import get_settings

EMAIL_TAKEN = N_("Another account uses this email address.")
BAD_CREDENTIALS = N_("Wrong email or password.")
ACCOUNT_SUSPENDED = N_("This account is suspended: contact us to find out why and to lift it.")
BAD_CURRENT_PASSWORD = N_("Your current password is not this one.")
LINK_INVALID = N_("This link is invalid or has expired: ask for a new one.")


@dataclass(frozen=True)
class SignedIn:
    """A user and the ticket that completes the sign-in in the browser."""

    user_id: int
    ticket: str


def provider() -> SignInProvider:
    """The configured sign-in provider."""
    return provider_for(get_settings())


def get_user_by_email(*, session: Session, email: str) -> User | None:
    """The user with this email, compared case-insensitively."""
    normalized = normalize_email(email)
    if normalized is None:
        return None
    return session.exec(select(User).where(User.email == normalized)).first()


def link(path: str, token: str) -> str:
    """An absolute link into the site."""
    return f"{get_settings().base_url}{path}?token={token}"


def email_user(*, session: Session, user: User, kind: str, key: str, **context: object) -> None:
    """Put an email of this kind for the user in the outbox, in the user's language."""
    enqueue_email(
        session=session,
        kind=kind,
        to_address=user.email,
        lang=user.language,
        context={"name": user.full_name, **context},
        idempotency_key=key,
        user_id=user.id,
    )


async def resend_verification(*, user_id: int) -> None:
    """A new confirmation link on the user's request (three an hour at most)."""
    limits.get_limiter().take(limits.RESENDS_PER_ACCOUNT, str(user_id))
    with session_scope() as session:
        await send_verification(session=session, user=session.get(User, user_id), now=utc_now())


async def send_verification(*, session: Session, user: User, now: datetime) -> None:
    """Put a verification email for the user's current address in the outbox.

    With Firebase the email carries Firebase's own link, which continues to OKTRA's.
    """
    own_link = link(f"/{user.language}/verify", tokens.verification_token(user))
    email_user(
        session=session,
        user=user,
        kind="verify_email",
        key=f"verify:{user.id}:{user.email}:{now.timestamp():.0f}",
        link=await provider().verification_link(user=user, oktra_link=own_link),
        hours=get_settings().verification_link_hours,
    )


async def sign_up(*, form: Mapping[str, object], lang: str, client: sessions.ClientInfo) -> None:
    """Create an account with its proofs of consent and a verification email.

    An address that already has an account gets an email saying so, and the caller shows the
    same answer either way: sign-up never reveals whether an address is registered (the
    password is hashed in both cases, so the time taken does not tell either).
    """
    values = check_signup(form)
    limits.get_limiter().take(limits.SIGNUPS_PER_IP, client.ip_hash() or "no-ip")
    try:
        password_hash, external_id = await provider().new_credentials(
            email=values["email"], password=values["password"]
        )
    except AccountExistsError:
        password_hash = external_id = None
    now = utc_now()
    with session_scope() as session:
        existing = get_user_by_email(session=session, email=values["email"])
        if existing is not None:
            _tell_owner_of_attempt(session=session, user=existing, now=now)
            return
        user = User(
            email=values["email"],
            full_name=values["full_name"],
            company_name=values["company_name"],
            phone=values["phone"],
            password_hash=password_hash,
            auth_provider=provider().name,
            external_id=external_id,
            language=lang,
            created_at=now,
            password_changed_at=now,
            updated_at=now,
        )
        session.add(user)
        session.flush()
        for purpose, granted in (
            (TERMS_AND_PRIVACY, True),
            (PRODUCT_NEWS, values["product_news"]),
        ):
            record_consent(
                session=session,
                user_id=user.id,
                purpose=purpose,
                granted=granted,
                lang=lang,
                ip_hash=client.ip_hash(),
                user_agent=client.user_agent,
            )
        await send_verification(session=session, user=user, now=now)


def _tell_owner_of_attempt(*, session: Session, user: User, now: datetime) -> None:
    """Email the owner of an address someone tried to sign up with (once an hour at most)."""
    base = f"{get_settings().base_url}/{user.language}"
    email_user(
        session=session,
        user=user,
        kind="account_exists",
        key=f"account-exists:{user.id}:{now:%Y%m%d%H}",
        signin_link=f"{base}/signin",
        forgot_link=f"{base}/forgot",
    )


async def sign_in(*, email: object, password: object, client: sessions.ClientInfo) -> SignedIn:
    """Check the credentials (one bcrypt check either way) and open a session.

    Failures count per account and per IP address; a full window refuses before any check and
    says how long to wait. Each failure is a security event; a lockout also emails the owner.
    """
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > 1000:
        raise ValidationFailedError({"password": BAD_CREDENTIALS})
    limiter = limits.get_limiter()
    account_key, ip_key = subject_hash(email), client.ip_hash() or "no-ip"
    now = utc_now()
    try:
        limiter.check(limits.SIGNIN_FAILURES_PER_IP, ip_key)
        limiter.check(limits.SIGNIN_FAILURES_PER_ACCOUNT, account_key)
    except limits.LimitExceededError:
        with session_scope() as session:
            record_security_event(
                session=session,
                kind="signin_refused",
                now=now,
                subject=email,
                ip_hash=client.ip_hash(),
            )
        raise
    with session_scope() as session:
        user = get_user_by_email(session=session, email=email)
    if await provider().check(email=email, user=user, password=password) and user is not None:
        changed_elsewhere = await provider().password_changed_since(user=user)
        if user.disabled_at is not None:
            raise ValidationFailedError({"password": ACCOUNT_SUSPENDED})
        with session_scope() as session:
            stored = session.get(User, user.id)
            if changed_elsewhere is not None:
                _password_changed(
                    session=session,
                    user=stored,
                    new_hash=stored.password_hash,
                    now=changed_elsewhere,
                    keep_session_id=None,
                )
            reopen(session=session, user=stored, now=now)
            ticket = sessions.open_session(session=session, user=stored, client=client, now=now)
            record_activity(session=session, user_id=user.id, now=now)
            return SignedIn(user_id=user.id, ticket=ticket)
    limiter.hit(limits.SIGNIN_FAILURES_PER_IP, ip_key)
    limiter.hit(limits.SIGNIN_FAILURES_PER_ACCOUNT, account_key)
    locked = not _has_attempts_left(limiter, account_key)
    with session_scope() as session:
        record_security_event(
            session=session,
            kind="signin_failed",
            now=now,
            user_id=user.id if user else None,
            subject=email,
            ip_hash=client.ip_hash(),
        )
        if locked:
            record_security_event(
                session=session,
                kind="account_locked",
                now=now,
                user_id=user.id if user else None,
                subject=email,
                ip_hash=client.ip_hash(),
            )
            if user is not None:
                _tell_owner_of_lockout(session=session, user=session.get(User, user.id), now=now)
    raise ValidationFailedError({"password": BAD_CREDENTIALS})


def _has_attempts_left(limiter: limits.Limiter, account_key: str) -> bool:
    try:
        limiter.check(limits.SIGNIN_FAILURES_PER_ACCOUNT, account_key)
    except limits.LimitExceededError:
        return False
    return True


def _tell_owner_of_lockout(*, session: Session, user: User, now: datetime) -> None:
    """Email the owner once per lockout window that sign-in attempts were paused."""
    window = limits.SIGNIN_FAILURES_PER_ACCOUNT.item
    email_user(
        session=session,
        user=user,
        kind="signin_failures",
        key=f"signin-failures:{user.id}:{int(now.timestamp()) // window.get_expiry()}",
        minutes=window.get_expiry() // 60,
        forgot_link=f"{get_settings().base_url}/{user.language}/forgot",
    )


def verify_email(*, session: Session, token: str, now: datetime) -> User | None:
    """Mark the address verified when the link is valid for the user's current address."""
    max_age = get_settings().verification_link_hours * 3600
    found = tokens.read_verification(token, max_age_seconds=max_age)
    if found is None:
        return None
    user = session.get(User, found[0])
    if user is None or user.email != found[1]:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = now
    record_activity(session=session, user_id=user.id, now=now)
    return user


async def request_password_reset(*, email: object, now: datetime, ip_hash: str = "") -> None:
    """Email a reset link if the address has an account; the caller says the same either way.

    With Firebase the link is Firebase's: the new password is chosen there, and OKTRA ends the
    other sessions at the next sign-in, when it sees the change.
    """
    limiter = limits.get_limiter()
    limiter.take(limits.RESETS_PER_IP, ip_hash or "no-ip")
    if isinstance(email, str):
        limiter.take(limits.RESETS_PER_ACCOUNT, subject_hash(email))
    with session_scope() as session:
        user = get_user_by_email(session=session, email=email) if isinstance(email, str) else None
        if user is None:
            return
        reset_link = await provider().reset_link(
            user=user,
            oktra_link=link(f"/{user.language}/reset", tokens.reset_token(user)),
            signin_url=f"{get_settings().base_url}/{user.language}/signin",
        )
        email_user(
            session=session,
            user=user,
            kind="reset_password",
            key=f"reset:{user.id}:{now.timestamp():.0f}",
            link=reset_link,
            minutes=get_settings().reset_link_minutes,
        )


def user_for_reset(*, session: Session, token: str) -> User | None:
    """The user a reset link is for, if it is valid, unexpired and unused."""
    found = tokens.read_reset(token, max_age_seconds=get_settings().reset_link_minutes * 60)
    if found is None:
        return None
    user = session.get(User, found[0])
    if user is None or not tokens.reset_stamp_matches(user, found[1]):
        return None
    return user


def _password_changed(
    *,
    session: Session,
    user: User,
    new_hash: str | None,
    now: datetime,
    keep_session_id: int | None,
) -> None:
    user.password_hash = new_hash
    user.password_changed_at = now
    user.updated_at = now
    sessions.revoke_all_sessions(session=session, user_id=user.id, now=now, keep_id=keep_session_id)
    email_user(
        session=session,
        user=user,
        kind="password_changed",
        key=f"password-changed:{user.id}:{now.timestamp():.6f}",
    )


async def reset_password(*, token: str, form: Mapping[str, object]) -> None:
    """Set a new password from a reset link; every session ends; the link stops working."""
    with session_scope() as session:
        user = user_for_reset(session=session, token=token)
        if user is None:
            raise ValidationFailedError({"token": LINK_INVALID})
        hints = {"email": user.email, "full_name": user.full_name}
    checked = Checked(values=dict(hints))
    check_new_password(form, checked)
    checked.raise_if_any()
    new_hash = await provider().change(user=user, password=str(form["password"]))
    with session_scope() as session:
        stored = user_for_reset(session=session, token=token)
        if stored is None:
            raise ValidationFailedError({"token": LINK_INVALID})
        _password_changed(
            session=session, user=stored, new_hash=new_hash, now=utc_now(), keep_session_id=None
        )


async def change_password(
    *, user_id: int, current_session_id: int, form: Mapping[str, object]
) -> None:
    """Change the password after checking the current one; every other session ends."""
    with session_scope() as session:
        user = session.get(User, user_id)
    current = str(form.get("current_password", ""))
    if not await provider().check(email=user.email, user=user, password=current):
        raise ValidationFailedError({"current_password": BAD_CURRENT_PASSWORD})
    checked = Checked(values={"email": user.email, "full_name": user.full_name})
    check_new_password(form, checked, key="new_password")
    checked.raise_if_any()
    new_hash = await provider().change(user=user, password=str(form["new_password"]))
    with session_scope() as session:
        _password_changed(
            session=session,
            user=session.get(User, user_id),
            new_hash=new_hash,
            now=utc_now(),
            keep_session_id=current_session_id,
        )


def may_receive_alerts(user: User) -> bool:
    """No alert is ever sent to an address that was not verified."""
    return user.email_verified_at is not None
