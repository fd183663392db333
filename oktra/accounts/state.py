"""Account states: the auth base every page state inherits, and the sign-in forms."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import reflex as rx
from reflex.config import get_config

from oktra.accounts import service, sessions
from oktra.accounts.limits import TOO_MANY, LimitExceededError
from oktra.accounts.models import AuthSession, User
from oktra.accounts.validation import ValidationFailedError
from oktra.core.clock import utc_now
from oktra.db import reading_scope, session_scope
from oktra.i18n import N_, normalize_language, t

# A public page re-reads the session of an open connection at most this often.
DISPLAY_RECHECK_SECONDS = 30
RESET_SENT = N_("If an account uses this address, we have sent it a link to choose a new password.")
EMAIL_VERIFIED = N_("Your email address is confirmed: your alerts can now be sent.")
VERIFICATION_SENT = N_("We have sent you a new confirmation link.")


class AuthState(rx.State):
    """Who is signed in on this tab, read from the HttpOnly session cookie on the server."""

    signed_in: bool = False
    user_name: str = ""
    email_verified: bool = False
    _user_id: int | None = None
    _session_id: int | None = None
    # When and on which websocket connection the session was last read (_refresh_for_display).
    _session_read_at: float = 0.0
    _session_read_on: str = ""

    @rx.var
    def signout_url(self) -> str:
        """The backend route that ends the session and clears its cookie."""
        return f"{get_config().api_url.rstrip('/')}/auth/signout"

    @property
    def page_lang(self) -> str:
        """The language of the page that sent the event (/fr/..., /en/..., /ar/...)."""
        parts = [part for part in self.router.url.path.split("/") if part]
        return normalize_language(parts[0] if parts else None)

    def _client(self) -> sessions.ClientInfo:
        return sessions.ClientInfo(
            ip=self.router.session.client_ip, user_agent=self.router.headers.user_agent
        )

    def _current(self, session) -> tuple[User, AuthSession] | None:
        token = sessions.token_from_cookie_header(self.router.headers.cookie)
        found = sessions.session_and_user_for_token(session=session, token=token, now=utc_now())
        return (found[1], found[0]) if found is not None else None

    def _refresh(self) -> User | None:
        self._session_read_at, self._session_read_on = time.time(), self._connection()
        with reading_scope() as session:
            current = self._current(session)
            if current is None:
                self.signed_in, self.user_name, self.email_verified = False, "", False
                self._user_id = self._session_id = None
                return None
            user, row = current
            self.signed_in, self.user_name = True, user.full_name
            self.email_verified = user.email_verified_at is not None
            self._user_id, self._session_id = user.id, row.id
            return user

    def _connection(self) -> str:
        return self.router.session.session_id

    def _refresh_for_display(self) -> None:
        """For a public page (the search, a tender), where the session only shows who is signed
        in: read it again when this connection has not read it for DISPLAY_RECHECK_SECONDS.
        A page load opens a new connection and reads it at once; a handler that acts for the
        user reads it every time (_refresh, _signed_in_or_redirect)."""
        fresh = time.time() - self._session_read_at < DISPLAY_RECHECK_SECONDS
        if not (fresh and self._session_read_on == self._connection()):
            self._refresh()

    def _signed_in_or_redirect(self):
        """(the signed-in user, None); for a visitor (None, the redirect to sign-in that comes
        back to this page)."""
        user = self._refresh()
        if user is None:
            url = self.router.url
            target = url.path + (f"?{url.query}" if url.query else "")
            return None, rx.redirect(f"/{self.page_lang}/signin?next={quote(target, safe='/')}")
        return user, None

    @rx.event
    def load_session(self):
        """On every page: show who is signed in (a revoked session signs the tab out)."""
        self._refresh()

    def _sign_in_redirect(self, ticket: str, target: str):
        """A full page load of the backend route that sets the HttpOnly cookie.

        rx.redirect would open a new tab (is_external) or stay inside the single-page app
        when the backend shares the site's host; the cookie needs a real HTTP navigation.
        """
        api = get_config().api_url.rstrip("/")
        url = f"{api}/auth/complete?ticket={quote(ticket)}&next={quote(target)}"
        return rx.call_script(f"window.location.assign({json.dumps(url)})")

    def _errors(self, failure: ValidationFailedError) -> dict[str, str]:
        return {key: t(self.page_lang, message) for key, message in failure.errors.items()}

    def _wait_message(self, refusal: LimitExceededError) -> str:
        return t(self.page_lang, TOO_MANY).format(minutes=refusal.wait_minutes)


class SignUpState(AuthState):
    """The sign-up form."""

    errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    submitting: bool = False
    sent_to: str = ""

    @rx.event
    async def submit(self, form: dict):
        """Create the account, or show what to correct beside each field."""
        self.submitting = True
        yield
        try:
            await service.sign_up(form=form, lang=self.page_lang, client=self._client())
        except ValidationFailedError as failure:
            self.errors = self._errors(failure)
            self.submitting = False
            return
        except LimitExceededError as refusal:
            self.errors = {"form": self._wait_message(refusal)}
            self.submitting = False
            return
        self.errors = {}
        self.submitting = False
        self.sent_to = str(form.get("email", "")).strip()


class SignInState(AuthState):
    """The sign-in form."""

    errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    submitting: bool = False

    @rx.event
    async def submit(self, form: dict):
        """Check the credentials; the same message for an unknown email and a wrong password."""
        self.submitting = True
        yield
        lang = self.page_lang
        try:
            signed = await service.sign_in(
                email=form.get("email"), password=form.get("password"), client=self._client()
            )
        except ValidationFailedError as failure:
            self.errors = self._errors(failure)
            self.submitting = False
            return
        except LimitExceededError as refusal:
            self.errors = {"password": self._wait_message(refusal)}
            self.submitting = False
            return
        self.errors = {}
        self.submitting = False
        target = self.router.url.query_parameters.get("next", "")
        if not target.startswith(f"/{lang}/") or target.startswith("//"):
            target = f"/{lang}/account"
        yield self._sign_in_redirect(signed.ticket, target)


class PasswordResetState(AuthState):
    """Asking for a reset link, and choosing a new password from it."""

    errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    message: str = ""
    done: bool = False

    @rx.event
    async def request_link(self, form: dict):
        """Send a link if the address has an account; say the same thing either way."""
        try:
            await service.request_password_reset(
                email=form.get("email"), now=utc_now(), ip_hash=self._client().ip_hash()
            )
        except LimitExceededError as refusal:
            self.message = self._wait_message(refusal)
            return
        self.message = t(self.page_lang, RESET_SENT)

    @rx.event
    async def choose_password(self, form: dict):
        """Set the new password from the link in the address bar."""
        token = self.router.url.query_parameters.get("token", "")
        try:
            await service.reset_password(token=token, form=form)
        except ValidationFailedError as failure:
            self.errors = self._errors(failure)
            return
        self.errors = {}
        self.done = True


class VerifyState(AuthState):
    """The page a verification link opens."""

    verified: bool = False
    checked: bool = False
    message: str = ""

    @rx.event
    def verify(self):
        """Check the link in the address bar and confirm the address."""
        token = self.router.url.query_parameters.get("token", "")
        with session_scope() as session:
            user = service.verify_email(session=session, token=token, now=utc_now())
        self.checked = True
        self.verified = user is not None
        self.message = t(self.page_lang, EMAIL_VERIFIED if user else service.LINK_INVALID)
        self._refresh()
