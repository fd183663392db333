"""Staff states: every on_load and handler re-reads the staff session and checks the role."""

from __future__ import annotations

import json
from urllib.parse import quote

import reflex as rx
from reflex.config import get_config

from oktra.accounts.limits import LimitExceededError
from oktra.admin import staff_auth
from oktra.admin.models import StaffMember
from oktra.admin.navigation import STAFF_LANGUAGE, pages_for, staff_href
from oktra.admin.roles import Action, Role, may_act
from oktra.core.clock import utc_now
from oktra.i18n import LANGUAGES, N_, t

SIGNIN_ROUTE = "/staff/signin"
DENIED = N_("Your role does not allow this.")
SIGNIN_FAILED = N_("Wrong email, password or code.")


def staff_language(path: str) -> str:
    """The language of a back-office page: /fr/staff/… and /ar/staff/…; /staff/… is English."""
    first = next((part for part in path.split("/") if part), "")
    return first if first in LANGUAGES else STAFF_LANGUAGE


class StaffState(rx.State):
    """Who is signed in to the back office on this tab, read from the HttpOnly staff cookie."""

    staff_name: str = ""
    staff_role: str = ""
    denied: bool = False
    # The pages the member's role may use (the menu), labels in the page's language, hrefs
    # without the language prefix (the page adds it).
    staff_links: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var

    @property
    def staff_lang(self) -> str:
        """The language of the page that sent the event."""
        return staff_language(self.router.url.path)

    def _t(self, message: str) -> str:
        """A message (marked with N_ where defined) in the page's language."""
        return t(self.staff_lang, message)

    def _to_signin(self):
        """Send a signed-out visitor to the sign-in page in the page's language."""
        return rx.redirect(staff_href(self.staff_lang, "signin"))

    @rx.var
    def signout_url(self) -> str:
        """The backend route that ends the staff session and clears its cookie."""
        return f"{get_config().api_url.rstrip('/')}/staff/auth/signout"

    def _staff(self, session) -> StaffMember | None:
        token = staff_auth.token_from_cookie_header(self.router.headers.cookie)
        staff = staff_auth.staff_for_token(session=session, token=token, now=utc_now())
        self.staff_name = staff.full_name if staff else ""
        self.staff_role = staff.role if staff else ""
        self.staff_links = [
            {"href": page["href"], "label": self._t(page["label"])}
            for page in pages_for(self.staff_role)
        ]
        return staff

    def _allowed(self, session, action: Action) -> StaffMember | None:
        """The signed-in staff member when the matrix allows the action; None (and denied)."""
        staff = self._staff(session)
        self.denied = staff is None or not may_act(Role(staff.role), action)
        return None if self.denied else staff


class StaffSignInState(StaffState):
    """The staff sign-in form: email, password and the authenticator's code."""

    error: str = ""

    @rx.event
    async def submit(self, form: dict):
        """Check password and code; on success a real navigation sets the staff cookie."""
        try:
            ticket = await staff_auth.sign_in(
                email=form.get("email"),
                password=form.get("password"),
                code=form.get("code"),
                ip=self.router.session.client_ip,
                now=utc_now(),
                device=self.router.headers.user_agent,
            )
        except (staff_auth.StaffSignInError, LimitExceededError):
            self.error = self._t(SIGNIN_FAILED)
            return None
        self.error = ""
        url = (
            f"{get_config().api_url.rstrip('/')}/staff/auth/complete?ticket={quote(ticket)}"
            f"&lang={self.staff_lang}"
        )
        return rx.call_script(f"window.location.assign({json.dumps(url)})")
