"""The anomalies page's state: every handler re-reads the staff session and checks the matrix."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from oktra.admin import anomalies
from oktra.admin.roles import Action, PermissionDeniedError
from oktra.admin.state import DENIED, StaffState
from oktra.core.clock import to_morocco, utc_now
from oktra.core.errors import NotFoundError
from oktra.db import session_scope
from oktra.i18n import N_

STATUS_FILTERS = {"": N_("every incident"), "open": N_("open"), "acknowledged": N_("acknowledged")}
NO_SUCH_ANOMALY = N_("No such anomaly.")
# The fixed messages of oktra.admin.anomalies, shown in the page's language.
SERVICE_MESSAGES = (
    N_("Give a note of 1 to 1000 characters: what was checked, what was done."),
    N_("This anomaly is already acknowledged."),
)


def _moment(value: datetime) -> str:
    return to_morocco(value).strftime("%Y-%m-%d %H:%M")


class StaffAnomaliesState(StaffState):
    """The incidents the detection rules raised, and the acknowledgement form."""

    status_filter: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    message: str = ""
    error: str = ""
    form_key: int = 0

    def _load(self, session, staff) -> None:
        self.rows = [
            {
                "id": str(row.anomaly_id),
                "description": row.description,
                "subject": row.subject,
                "first": _moment(row.first_at),
                "last": _moment(row.last_at),
                "events": str(row.events),
                "status": row.status,
                "note": row.note,
            }
            for row in anomalies.list_anomalies(
                session=session, staff=staff, status=self.status_filter or None
            )
        ]
        self.form_key += 1

    def _staff_or_deny(self, session):
        """The staff member who may manage anomalies; else None, the list emptied, refused."""
        staff = self._allowed(session, Action.MANAGE_ANOMALIES)
        if staff is None:
            self.rows = []
            self.error = self._t(DENIED)
        return staff

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; roles the matrix excludes see a refusal."""
        self.message = self.error = ""
        with session_scope() as session:
            staff = self._allowed(session, Action.MANAGE_ANOMALIES)
            if staff is None:
                self.rows = []
                return None if self.staff_role else self._to_signin()
            self._load(session, staff)
        return None

    @rx.event
    def filter_by(self, status: str):
        """Show the incidents of one status (empty: all, open first)."""
        self.status_filter = status if status in STATUS_FILTERS else ""
        self.message = self.error = ""
        with session_scope() as session:
            staff = self._staff_or_deny(session)
            if staff is not None:
                self._load(session, staff)

    @rx.event
    def acknowledge(self, form: dict):
        """Close one open incident with the note written in its form (audited)."""
        self.message = self.error = ""
        try:
            anomaly_id = int(str(form.get("anomaly_id", "")))
        except ValueError:
            self.error = self._t(NO_SUCH_ANOMALY)
            return
        try:
            with session_scope() as session:
                staff = self._staff_or_deny(session)
                if staff is None:
                    return
                anomalies.acknowledge(
                    session=session,
                    staff=staff,
                    anomaly_id=anomaly_id,
                    note=str(form.get("note", "")),
                    now=utc_now(),
                )
                self._load(session, staff)
        except anomalies.AnomalyError as exc:
            self.error = self._t(str(exc))
            return
        except NotFoundError:
            self.error = self._t(NO_SUCH_ANOMALY)
            return
        except PermissionDeniedError:
            self.error = self._t(DENIED)
            return
        self.message = self._t(N_("Anomaly #{id} acknowledged.")).format(id=anomaly_id)
