"""The account page: profile (rectification), password, signed-in devices."""

from __future__ import annotations

import reflex as rx

from oktra.accounts import profile, service, sessions
from oktra.accounts.interests import REGIONS, SECTORS
from oktra.accounts.limits import LimitExceededError
from oktra.accounts.models import User
from oktra.accounts.state import VERIFICATION_SENT, AuthState
from oktra.accounts.validation import ValidationFailedError
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import N_, format_datetime, t
from oktra.ui.forms import ticked

SAVED = N_("Your changes are saved.")
PASSWORD_CHANGED = N_("Your password is changed; your other devices are signed out.")
DEVICE_REVOKED = N_("That device is signed out.")


class AccountState(AuthState):
    """The signed-in user's own data, editable in place."""

    full_name: str = ""
    email: str = ""
    company_name: str = ""
    phone: str = ""
    language: str = "fr"
    sectors: list[str] = []  # noqa: RUF012 - Reflex state var
    regions: list[str] = []  # noqa: RUF012 - Reflex state var
    devices: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    password_errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    notice: str = ""
    form_key: int = 0

    def _load(self, user: User) -> None:
        self.full_name, self.email = user.full_name, user.email
        self.company_name, self.phone = user.company_name or "", user.phone or ""
        self.language = user.language
        self.sectors, self.regions = list(user.sectors), list(user.regions)
        lang = self.page_lang
        with session_scope() as session:
            rows = sessions.active_sessions(session=session, user_id=user.id, now=utc_now())
        self.devices = [
            {
                "id": str(row.id),
                "agent": row.user_agent or "?",
                "since": format_datetime(row.created_at, lang, "short"),
                "seen": format_datetime(row.last_seen_at, lang, "short"),
                "current": "yes" if row.id == self._session_id else "",
            }
            for row in rows
        ]
        self.form_key += 1

    @rx.event
    def open_page(self):
        """Load the account, or send a visitor who is not signed in to the sign-in page."""
        user = self._refresh()
        if user is None:
            path = self.router.url.path
            return rx.redirect(f"/{self.page_lang}/signin?next={path}")
        self.notice = ""
        self._load(user)
        return None

    @rx.event
    async def save_profile(self, form: dict):
        """Rectify the account fields; a new email must be confirmed again."""
        if self._refresh() is None:
            yield rx.redirect(f"/{self.page_lang}/signin")
            return
        data = {
            **{key: form.get(key, "") for key in ("full_name", "email", "company_name", "phone")},
            "language": form.get("language", self.language),
            "sectors": ticked(form, "sector", SECTORS),
            "regions": ticked(form, "region", REGIONS),
        }
        try:
            user = await profile.save_profile(user_id=self._user_id, form=data)
        except ValidationFailedError as failure:
            self.errors = self._errors(failure)
            self.notice = ""
            return
        self.errors = {}
        self._refresh()
        self._load(user)
        self.notice = t(self.page_lang, SAVED)

    @rx.event
    async def change_password(self, form: dict):
        """Change the password; every other device is signed out."""
        if self._refresh() is None:
            return
        try:
            await service.change_password(
                user_id=self._user_id, current_session_id=self._session_id, form=form
            )
        except ValidationFailedError as failure:
            self.password_errors = self._errors(failure)
            return
        self.password_errors = {}
        with session_scope() as session:
            self._load(session.get(User, self._user_id))
        self.notice = t(self.page_lang, PASSWORD_CHANGED)

    @rx.event
    def revoke(self, session_id: str):
        """Sign out one of this user's devices (never another user's)."""
        if self._refresh() is None or not str(session_id).isdigit():
            return
        with session_scope() as session:
            done = sessions.revoke_session(
                session=session, user_id=self._user_id, session_id=int(session_id), now=utc_now()
            )
            user = session.get(User, self._user_id)
        if done:
            self.notice = t(self.page_lang, DEVICE_REVOKED)
        self._load(user)

    @rx.event
    async def resend_verification(self):
        """Send a new confirmation link to the current address."""
        user = self._refresh()
        if user is None or user.email_verified_at is not None:
            return
        try:
            await service.resend_verification(user_id=user.id)
        except LimitExceededError as refusal:
            self.notice = self._wait_message(refusal)
            return
        self.notice = t(self.page_lang, VERIFICATION_SENT)
