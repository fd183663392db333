"""The users page's state: search (masked results), a reason before a user is opened, then
only the categories the role reads; suspending or lifting a suspension with a reason."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.models import User
from oktra.admin import service, users
from oktra.admin.audit import ReasonRequiredError
from oktra.admin.roles import Action, PermissionDeniedError, Role, may_act
from oktra.admin.state import DENIED, StaffState
from oktra.core.clock import utc_now
from oktra.core.errors import NotFoundError
from oktra.db import session_scope
from oktra.i18n import N_
from oktra.privacy.policy import CATEGORY_LABELS

REASON_NEEDED = N_("Say why you need this (500 characters at most).")
NO_SUCH_USER = N_("No such user.")
GONE = N_("This account is closed or no longer exists.")
NOTHING_TO_CHANGE = N_("Nothing to change.")
SUSPENDED = N_("Account suspended: its sessions ended, sign-in and emails are stopped.")
LIFTED = N_("Suspension lifted: the owner can sign in again.")
# The counts of read_statistics, by key; an unknown key is shown as it is.
STATISTIC_LABELS = {
    "users": N_("Accounts"),
    "verified_users": N_("Verified accounts"),
    "signups_30_days": N_("Sign-ups in the last 30 days"),
}
TABLE_ROWS = N_("{table}: {count} row(s)")
NOTHING = N_("(nothing)")


def _as_text(tables: dict[str, list[dict[str, str]]], translate) -> str:
    lines = []
    for name, rows in tables.items():
        lines.append(translate(TABLE_ROWS).format(table=name, count=len(rows)))
        lines.extend("  " + ", ".join(f"{k}={v}" for k, v in row.items()) for row in rows)
    return "\n".join(lines) or translate(NOTHING)


class StaffUsersState(StaffState):
    """Search, choose, give a reason, read; suspend or lift."""

    message: str = ""
    error: str = ""
    statistics: dict[str, int] = {}  # noqa: RUF012 - Reflex state var
    # The same counts, labelled in the page's language: [{"label", "value"}].
    counts: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    hits: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    searched: bool = False
    can_search: bool = False
    can_suspend: bool = False
    chosen_id: int = 0
    user_id: int = 0
    user_status: str = ""
    sections: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    form_key: int = 0

    def _forget_user(self) -> None:
        self.sections, self.user_id, self.user_status, self.chosen_id = [], 0, "", 0

    def _refused(self) -> None:
        self._forget_user()
        self.hits, self.searched, self.error = [], False, self._t(DENIED)

    def _may(self, session, action: Action):
        """The staff member when the role may take the action; else refused (lists emptied)."""
        staff = self._staff(session)
        if staff is None or not may_act(Role(staff.role), action):
            self._refused()
            return None
        return staff

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; roles with no user action see a refusal."""
        self.message = self.error = ""
        self._forget_user()
        self.hits, self.searched = [], False
        with session_scope() as session:
            staff = self._staff(session)
            role = Role(staff.role) if staff else None
            self.denied = role is None or not any(may_act(role, a) for a in users.PAGE_ACTIONS)
            if self.denied:
                self.statistics, self.counts = {}, []
                return None if self.staff_role else self._to_signin()
            self.can_search = may_act(role, Action.FIND_USERS)
            self.can_suspend = may_act(role, Action.DISABLE_USER)
            self.statistics = service.read_statistics(session=session, staff=staff, now=utc_now())
        self.counts = [
            {
                "label": self._t(STATISTIC_LABELS[key]) if key in STATISTIC_LABELS else key,
                "value": str(value),
            }
            for key, value in self.statistics.items()
        ]
        return None

    @rx.event
    def search(self, form: dict):
        """Accounts matching the text, masked: nothing personal before a reason is given."""
        self.message = self.error = ""
        self._forget_user()
        with session_scope() as session:
            staff = self._may(session, Action.FIND_USERS)
            if staff is None:
                return
            found = users.search_users(session=session, staff=staff, query=str(form.get("query")))
        self.searched = True
        self.hits = [
            {"id": str(hit.user_id), "email": hit.masked_email, "status": hit.status}
            for hit in found
        ]

    @rx.event
    def choose(self, user_id: str):
        """Pick a user to open: the reason form comes next."""
        self.message = self.error = ""
        self._forget_user()
        with session_scope() as session:
            if self._may(session, Action.READ_USER) is None:
                return
        self.chosen_id = int(user_id) if str(user_id).isdigit() else 0
        self.form_key += 1

    @rx.event
    def cancel(self):
        """Close the reason form without opening anyone."""
        self.message = self.error = ""
        self._forget_user()

    @rx.event
    def open_user(self, form: dict):
        """Read the chosen user with the reason given (one audit event per category read)."""
        self.message = self.error = ""
        chosen = self.chosen_id
        self.sections, self.user_id = [], 0
        with session_scope() as session:
            staff = self._may(session, Action.READ_USER)
            if staff is None:
                return
            try:
                record = service.read_user(
                    session=session,
                    staff=staff,
                    user_id=chosen,
                    reason=form.get("reason", ""),
                    now=utc_now(),
                )
            except ReasonRequiredError:
                self.error = self._t(REASON_NEEDED)
                return
            except NotFoundError:
                self.error, self.chosen_id = self._t(NO_SUCH_USER), 0
                return
            except PermissionDeniedError:
                self._refused()
                return
            self.user_status = users.account_status(session.get(User, chosen))
        self.chosen_id, self.user_id = 0, record.user_id
        self.sections = [
            {
                "category": category.value,
                "label": self._t(CATEGORY_LABELS.get(category, category.value)),
                "text": _as_text(tables, self._t),
            }
            for category, tables in record.categories.items()
        ]
        self.form_key += 1

    def _change(self, form: dict, change, done: str) -> None:
        self.message = self.error = ""
        target = self.user_id
        with session_scope() as session:
            staff = self._may(session, Action.DISABLE_USER)
            if staff is None:
                return
            try:
                changed = change(
                    session=session,
                    staff=staff,
                    user_id=target,
                    reason=form.get("reason", ""),
                    now=utc_now(),
                )
            except ReasonRequiredError:
                self.error = self._t(REASON_NEEDED)
                return
            except NotFoundError:
                self.error = self._t(GONE)
                return
            self.user_status = users.account_status(session.get(User, target))
        self.message = self._t(done if changed else NOTHING_TO_CHANGE)
        self.form_key += 1

    @rx.event
    def suspend(self, form: dict):
        """Suspend the open user's account: sessions end, sign-in and emails stop (audited)."""
        self._change(form, users.disable_user, SUSPENDED)

    @rx.event
    def lift(self, form: dict):
        """Lift the open user's suspension (audited)."""
        self._change(form, users.enable_user, LIFTED)
