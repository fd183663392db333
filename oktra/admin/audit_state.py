"""The audit trail page's state: filters, the newest 500 events, the CSV export; each read and
export is itself audited (by the service)."""

from __future__ import annotations

from datetime import date

import reflex as rx

from oktra.admin import audit_trail
from oktra.admin.audit_trail import AuditFilter, AuditFilterError
from oktra.admin.roles import Action, PermissionDeniedError
from oktra.admin.state import DENIED, StaffState
from oktra.core.clock import to_morocco, utc_now
from oktra.db import session_scope
from oktra.i18n import N_

FILTER_FIELDS = ("staff", "user", "action", "since", "until")
BAD_DATE = N_("Dates are written YYYY-MM-DD.")
# What audit_trail.AuditFilterError says (English there), marked here to be shown translated.
FILTER_ERRORS = (
    N_("No staff member has this email or id."),
    N_("Give the user's exact email or id."),
    N_("The first day comes after the last one."),
)


def _day(value: object) -> date | None:
    text = str(value or "").strip()
    return date.fromisoformat(text) if text else None


def _filters(values: dict[str, str]) -> AuditFilter:
    """The filter from the form's values; ValueError for a date that is not YYYY-MM-DD."""
    return AuditFilter(
        staff=values.get("staff", ""),
        user=values.get("user", ""),
        action=values.get("action", ""),
        since=_day(values.get("since")),
        until=_day(values.get("until")),
    )


class StaffAuditState(StaffState):
    """Who read or changed what, when and why."""

    message: str = ""
    error: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    actions: list[str] = []  # noqa: RUF012 - Reflex state var
    values: dict[str, str] = {}  # noqa: RUF012 - Reflex state var

    def _staff_or_deny(self, session):
        staff = self._allowed(session, Action.READ_AUDIT_TRAIL)
        if staff is None:
            self.rows, self.actions, self.error = [], [], self._t(DENIED)
        return staff

    def _load(self, session, staff) -> None:
        self.actions = audit_trail.known_actions(session=session, staff=staff)
        self.rows = [
            {
                "id": str(row.event_id),
                "at": to_morocco(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                "staff": f"{row.staff_email} ({row.staff_role})",
                "action": row.action,
                "category": row.category,
                "user": str(row.user_id or ""),
                "subject": row.subject_hash[:12],
                "reason": row.reason,
            }
            for row in audit_trail.read_audit_trail(
                session=session, staff=staff, filters=_filters(self.values), now=utc_now()
            )
        ]

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; roles the matrix excludes see a refusal."""
        self.message = self.error = ""
        self.values = {}
        with session_scope() as session:
            staff = self._allowed(session, Action.READ_AUDIT_TRAIL)
            if staff is None:
                self.rows, self.actions = [], []
                return None if self.staff_role else self._to_signin()
            self._load(session, staff)
        return None

    def _take(self, form: dict) -> bool:
        values = {name: str(form.get(name) or "").strip() for name in FILTER_FIELDS}
        try:
            _filters(values)
        except ValueError:
            self.error = self._t(BAD_DATE)
            return False
        self.values = values
        return True

    @rx.event
    def apply(self, form: dict):
        """Show the events matching the filters (the read is audited with them)."""
        self.message = self.error = ""
        with session_scope() as session:
            staff = self._staff_or_deny(session)
            if staff is None or not self._take(form):
                return
            try:
                self._load(session, staff)
            except AuditFilterError as exc:
                self.rows, self.error = [], self._t(str(exc))

    @rx.event
    def export_csv(self):
        """Download every event matching the filters shown, as CSV (audited)."""
        self.message = self.error = ""
        with session_scope() as session:
            staff = self._staff_or_deny(session)
            if staff is None:
                return None
            try:
                text = audit_trail.export_audit_trail(
                    session=session, staff=staff, filters=_filters(self.values), now=utc_now()
                )
            except (AuditFilterError, PermissionDeniedError, ValueError) as exc:
                self.error = self._t(str(exc) if isinstance(exc, AuditFilterError) else DENIED)
                return None
        stamp = to_morocco(utc_now()).strftime("%Y%m%d-%H%M")
        return rx.download(
            data=text.encode("utf-8"), mime_type="text/csv", filename=f"oktra-audit-{stamp}.csv"
        )
