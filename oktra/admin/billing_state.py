"""The billing page's state: every handler re-reads the staff session and checks the matrix
before listing orders or confirming a bank transfer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import reflex as rx

from oktra.admin import billing
from oktra.admin.roles import Action, PermissionDeniedError
from oktra.admin.state import DENIED, StaffState
from oktra.billing.models import CARD, TRANSFER
from oktra.core.clock import to_morocco, utc_now
from oktra.db import session_scope
from oktra.i18n import N_

PROVIDER_LABELS = {CARD: N_("card (CMI)"), TRANSFER: N_("bank transfer")}
ACCOUNT_ERASED = N_("(account erased)")
NOT_PENDING = N_("This order is not a pending bank transfer.")
ORDER_PAID = N_("Order {oid} is paid ({amount} MAD): its period has started.")
# The fixed English messages of oktra.admin.billing (refusals of a confirmation), marked here so
# that they are extracted and shown in the page's language. The one carrying a value ("This order
# is …: only a pending one is confirmed.") stays English.
SERVICE_MESSAGES = (
    N_("Give the bank's transfer reference (64 characters at most)."),
    N_("No such order."),
    N_("This order is paid by card: only a bank transfer is confirmed."),
    N_("This order is already paid."),
    N_("Give the date the transfer was received."),
    N_("The date received is in the future."),
    N_("The date received is before the order was made."),
)


def _moment(value: datetime | None) -> str:
    return to_morocco(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value: object) -> date | None:
    """The date of an <input type=date> (YYYY-MM-DD), or None."""
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _as_row(row: billing.OrderRow, translate: Callable[[str], str]) -> dict[str, str]:
    """One order of the list, its labels translated with `translate` (the state's _t)."""
    provider = PROVIDER_LABELS.get(row.provider)
    return {
        "oid": row.oid,
        "email": row.email or (translate(ACCOUNT_ERASED) if row.account_shown else "—"),
        "company": row.company,
        "plan": f"{row.plan} · {row.period}",
        "amount": f"{row.amount} MAD",
        "provider": translate(provider) if provider else row.provider,
        "status": row.status,
        "created": _moment(row.created_at),
        "paid": _moment(row.paid_at),
        "confirmed_by": row.confirmed_by,
        "confirmable": "yes" if row.confirmable else "",
    }


class StaffBillingState(StaffState):
    """The orders list, its filters, and the confirmation of one pending bank transfer."""

    status_filter: str = ""
    provider_filter: str = ""
    sees_all: bool = False
    rows: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    selected: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    message: str = ""
    error: str = ""
    form_key: int = 0

    def _load(self, session, staff) -> None:
        self.sees_all = billing.sees_every_order(staff)
        self.rows = [
            _as_row(row, self._t)
            for row in billing.list_orders(
                session=session,
                staff=staff,
                status=self.status_filter or None,
                provider=self.provider_filter or None,
                now=utc_now(),
            )
        ]

    def _staff_or_deny(self, session):
        """The staff member who may confirm bank transfers; else None, the view emptied and the
        refusal shown."""
        staff = self._allowed(session, Action.CONFIRM_BANK_TRANSFERS)
        if staff is None:
            self.rows, self.selected = [], {}
            self.error = self._t(DENIED)
        return staff

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; roles the matrix excludes see a refusal."""
        self.message = self.error = ""
        self.selected = {}
        with session_scope() as session:
            staff = self._allowed(session, Action.CONFIRM_BANK_TRANSFERS)
            if staff is None:
                self.rows = []
                return None if self.staff_role else self._to_signin()
            self._load(session, staff)
        return None

    def _refilter(self) -> None:
        self.message = self.error = ""
        self.selected = {}
        with session_scope() as session:
            staff = self._staff_or_deny(session)
            if staff is not None:
                self._load(session, staff)

    @rx.event
    def filter_status(self, status: str):
        """Show the orders of one status (empty: every status)."""
        self.status_filter = status if status in billing.STATUSES else ""
        self._refilter()

    @rx.event
    def filter_provider(self, provider: str):
        """Show the orders of one provider (empty: card and transfer)."""
        self.provider_filter = provider if provider in billing.PROVIDERS else ""
        self._refilter()

    @rx.event
    def choose(self, oid: str):
        """Open the confirmation form of one pending bank transfer of the list."""
        self.message = self.error = ""
        with session_scope() as session:
            if self._staff_or_deny(session) is None:
                return
        found = [row for row in self.rows if row["oid"] == oid and row["confirmable"]]
        self.selected = found[0] if found else {}
        if not found:
            self.error = self._t(NOT_PENDING)
        self.form_key += 1

    @rx.event
    def cancel(self):
        """Close the confirmation form; nothing is changed."""
        self.selected, self.message, self.error = {}, "", ""

    @rx.event
    def confirm(self, form: dict):
        """Record the transfer received (reference and date) and start the order's period."""
        self.message = self.error = ""
        oid = self.selected.get("oid", "")
        try:
            with session_scope() as session:
                staff = self._staff_or_deny(session)
                if staff is None:
                    return
                order = billing.confirm_transfer(
                    session=session,
                    staff=staff,
                    oid=oid,
                    reference=str(form.get("reference", "")),
                    received_on=_day(form.get("received_on")),
                    now=utc_now(),
                )
                self.selected = {}
                self._load(session, staff)
        except billing.BillingAdminError as exc:
            self.error = self._t(str(exc))
            return
        except PermissionDeniedError:
            self.error = self._t(DENIED)
            return
        self.message = self._t(ORDER_PAID).format(oid=oid, amount=order.amount)
