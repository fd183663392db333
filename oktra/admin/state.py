"""Staff states: every on_load and handler re-reads the staff session and checks the role."""

from __future__ import annotations

import json
from urllib.parse import quote

import reflex as rx
from reflex.config import get_config

from oktra.accounts.limits import LimitExceededError
from oktra.admin import service, staff_auth
from oktra.admin.audit import ReasonRequiredError
from oktra.admin.models import StaffMember
from oktra.admin.roles import Action, PermissionDeniedError, Role, may_act
from oktra.core.clock import utc_now
from oktra.core.errors import NotFoundError
from oktra.db import session_scope

SIGNIN_ROUTE = "/staff/signin"
DENIED = "Your role does not allow this."
SIGNIN_FAILED = "Wrong email, password or code."


class StaffState(rx.State):
    """Who is signed in to the back office on this tab, read from the HttpOnly staff cookie."""

    staff_name: str = ""
    staff_role: str = ""
    denied: bool = False

    @rx.var
    def signout_url(self) -> str:
        """The backend route that ends the staff session and clears its cookie."""
        return f"{get_config().api_url.rstrip('/')}/staff/auth/signout"

    def _staff(self, session) -> StaffMember | None:
        token = staff_auth.token_from_cookie_header(self.router.headers.cookie)
        staff = staff_auth.staff_for_token(session=session, token=token, now=utc_now())
        self.staff_name = staff.full_name if staff else ""
        self.staff_role = staff.role if staff else ""
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
            )
        except (staff_auth.StaffSignInError, LimitExceededError):
            self.error = SIGNIN_FAILED
            return None
        self.error = ""
        url = f"{get_config().api_url.rstrip('/')}/staff/auth/complete?ticket={quote(ticket)}"
        return rx.call_script(f"window.location.assign({json.dumps(url)})")


class StaffUsersState(StaffState):
    """Looking up one user: a reason first, then only the categories the role reads."""

    error: str = ""
    user_id: int = 0
    sections: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    statistics: dict[str, int] = {}  # noqa: RUF012 - Reflex state var

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; the page shows only the role's counts."""
        self.sections, self.error, self.user_id = [], "", 0
        with session_scope() as session:
            staff = self._allowed(session, Action.READ_STATISTICS)
            if staff is None:
                self.statistics = {}
                return None if self.staff_role else rx.redirect(SIGNIN_ROUTE)
            self.statistics = service.read_statistics(session=session, staff=staff, now=utc_now())
            self.denied = not may_act(Role(staff.role), Action.FIND_USERS)
        return None

    @rx.event
    def look_up(self, form: dict):
        """Find the user by exact email or id, then read them with the reason given."""
        self.sections, self.user_id = [], 0
        with session_scope() as session:
            staff = self._allowed(session, Action.FIND_USERS)
            if staff is None:
                self.error = DENIED
                return
            try:
                found = service.find_users(
                    session=session, staff=staff, query=str(form.get("query", ""))
                )
                if not found:
                    self.error = "No user has this exact email or id."
                    return
                record = service.read_user(
                    session=session,
                    staff=staff,
                    user_id=found[0],
                    reason=form.get("reason", ""),
                    now=utc_now(),
                )
            except ReasonRequiredError:
                self.error = "Say why you need this user's data (500 characters at most)."
                return
            except (PermissionDeniedError, NotFoundError):
                self.error = DENIED
                return
        self.error, self.user_id = "", record.user_id
        self.sections = [
            {"category": category.value, "text": _as_text(tables)}
            for category, tables in record.categories.items()
        ]


def _as_text(tables: dict[str, list[dict[str, str]]]) -> str:
    lines = []
    for name, rows in tables.items():
        lines.append(f"{name}: {len(rows)} row(s)")
        lines.extend("  " + ", ".join(f"{k}={v}" for k, v in row.items()) for row in rows)
    return "\n".join(lines) or "(nothing)"
