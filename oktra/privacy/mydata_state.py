"""The "My data" page's state: access, objections, portability and deletion, for the signed-in
user only (visitors go to sign-in and come back)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

import reflex as rx
from itsdangerous import BadSignature, URLSafeTimedSerializer
from reflex.config import get_config
from sqlmodel import select

from oktra.accounts import limits
from oktra.accounts import service as accounts
from oktra.accounts.models import User
from oktra.admin.security import subject_hash
from oktra.core.clock import as_utc, utc_now
from oktra.db import session_scope
from oktra.i18n import N_, format_datetime, t
from oktra.privacy import access, consent, erasure, export, objections
from oktra.privacy.consent_state import ConsentState
from oktra.privacy.registry import REGISTRY
from oktra.privacy.rights_models import ErasureTombstone
from oktra.settings import get_settings
from oktra.ui.polling import poll

SWITCH_SAVED = N_("Your choice is saved and applies now.")
WRONG_PASSWORD = N_("This is not your password: nothing was deleted.")
CONFIRM_MISMATCH = N_("Type your email address exactly as shown to confirm.")
EXPORT_FAILED = N_(
    "The export could not be built. Ask for a new one; if it fails again, write to our DPO."
)
EXPORT_EXPIRED = N_("This export has expired and its file is deleted: ask for a new one.")
EXPORT_RUNNING = N_("An export of your data is already being prepared.")
ERASURE_FAILED = N_(
    "Your account could not be deleted just now; nothing was changed. Please try again."
)
ACTIONS = {
    "deleted": N_("deleted"),
    "anonymized": N_("anonymized"),
    "held": N_("kept under a legal hold, without your name"),
    "revoked": N_("signed out"),
    "cancelled": N_("emails cancelled"),
}
ERASURE_REASON = "user_request"
RECEIPT_SALT = "oktra-erasure-receipt"
RECEIPT_MAX_AGE = 24 * 3600
POLL_SECONDS = 2
POLL_ROUNDS = 300
WORKING = export.RUNNING


@dataclass
class DataCell:
    """One (label, value) pair of a row."""

    label: str = ""
    value: str = ""


@dataclass
class DataTable:
    """One table of a category: why it is kept, how long, and its newest rows."""

    title: str = ""
    retention: str = ""
    rows: list[list[DataCell]] = field(default_factory=list)
    more: int = 0


@dataclass
class DataCategory:
    """A category of what OKTRA holds, with its tables."""

    key: str = ""
    title: str = ""
    count: int = 0
    tables: list[DataTable] = field(default_factory=list)


def _overview(raw: list[dict]) -> list[DataCategory]:
    """data_overview's categories as the page draws them."""
    categories = []
    for item in raw:
        tables = [
            DataTable(
                title=str(table["purpose"]),
                retention=str(table["retention"]),
                rows=[
                    [DataCell(str(label), str(value)) for label, value in row]
                    for row in table["rows"]
                ],
                more=int(table["more"]),
            )
            for table in item["tables"]
        ]
        categories.append(
            DataCategory(
                key=str(item["category"]),
                title=str(item["title"]),
                count=sum(int(table["count"]) for table in item["tables"]),
                tables=tables,
            )
        )
    return categories


def _erase(user_id: int) -> erasure.Receipt:
    """In a worker thread: the erasure (it may call the sign-in provider) and its commit."""
    with session_scope() as session:
        return erasure.erase_account(
            session=session, user_id=user_id, now=utc_now(), reason=ERASURE_REASON
        )


def receipt_lines(tables: dict, lang: str) -> list[str]:
    """What the erasure did, one line per table and action, in the language."""
    lines = []
    for table, counts in tables.items():
        declaration = REGISTRY.get(table)
        purpose = t(lang, declaration.purpose) if declaration else table
        for action, count in counts.items():
            if count and action in ACTIONS:
                lines.append(f"{purpose} · {t(lang, ACTIONS[action])}: {count}")
    return lines


def _receipt_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key.get_secret_value(), RECEIPT_SALT)


class MyDataState(ConsentState):
    """Everything OKTRA holds about the user, their objections, their export, their deletion."""

    loaded: bool = False
    categories: list[DataCategory] = []  # noqa: RUF012 - Reflex state var
    switches: dict[str, bool] = {}  # noqa: RUF012 - Reflex state var
    switch_notice: str = ""
    export_status: str = ""
    export_progress: int = 0
    export_expires: str = ""
    export_message: str = ""
    download_url: str = ""
    polling: bool = False
    erased_items: list[str] = []  # noqa: RUF012 - Reflex state var
    kept_items: list[str] = []  # noqa: RUF012 - Reflex state var
    account_email: str = ""
    delete_errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    deleting: bool = False
    receipt_reference: str = ""
    receipt_when: str = ""
    receipt_lines: list[str] = []  # noqa: RUF012 - Reflex state var

    def _visitor_id(self) -> str:
        device = consent.parse_cookie(value=self.consent_cookie)
        return device.visitor_id if device else consent.new_visitor_id()

    def _requester(self) -> consent.Requester:
        client = self._client()
        return consent.Requester(
            lang=self.page_lang, ip_hash=client.ip_hash(), user_agent=client.user_agent or ""
        )

    def _read_export(self, session) -> None:
        found = export.latest_export(session=session, user_id=self._user_id)
        lang, now = self.page_lang, utc_now()
        status = found.status if found else ""
        if status == "ready" and (found.expires_at is None or as_utc(found.expires_at) <= now):
            status = "expired"
        self.export_status = status
        self.export_progress = int(found.progress or 0) if found else 0
        self.export_expires = (
            format_datetime(found.expires_at, lang, "medium") if status == "ready" else ""
        )
        self.export_message = {
            "failed": t(lang, EXPORT_FAILED),
            "expired": t(lang, EXPORT_EXPIRED),
        }.get(status, "")
        if status != "ready":
            self.download_url = ""

    def _issue_link(self, session) -> None:
        token = export.issue_download_token(session=session, user_id=self._user_id, now=utc_now())
        if token:
            api = get_config().api_url.rstrip("/")
            self.download_url = f"{api}/privacy/export/{token}"

    def _load(self, user: User) -> None:
        lang = self.page_lang
        with session_scope() as session:
            self.categories = _overview(
                access.data_overview(session=session, user_id=user.id, lang=lang)
            )
            self.switches = objections.current_switches(
                session=session, user_id=user.id, visitor_id=self._visitor_id()
            )
            self._read_export(session)
            plan = erasure.erasure_plan(session=session, user_id=user.id, lang=lang)
        self.erased_items, self.kept_items = list(plan["erased"]), list(plan["kept"])
        self.account_email = user.email
        self.loaded = True

    @rx.event
    def open_page(self):
        """Load everything the page shows, or send a visitor to sign-in."""
        self.receipt_reference, self.receipt_when, self.receipt_lines = "", "", []
        user, redirect = self._signed_in_or_redirect()
        if user is None:
            return redirect
        self.switch_notice, self.delete_errors, self.deleting = "", {}, False
        self._load(user)
        if self.export_status in WORKING:
            return MyDataState.poll_export
        return None

    @rx.event
    def toggle(self, purpose: str, on: bool):
        """Record one objection switch; a cookie switch also rewrites this browser's cookie."""
        if self._refresh() is None or purpose not in objections.PURPOSES:
            return
        with session_scope() as session:
            cookie = objections.set_switch(
                session=session,
                user_id=self._user_id,
                purpose=purpose,
                on=bool(on),
                visitor_id=self._visitor_id(),
                requester=self._requester(),
            )
            if cookie is not None:
                self.consent_cookie = cookie
            self.switches = objections.current_switches(
                session=session, user_id=self._user_id, visitor_id=self._visitor_id()
            )
        self.switch_notice = t(self.page_lang, SWITCH_SAVED)

    @rx.event
    def request_export(self):
        """Ask for a new export (built in the background), then follow its progress."""
        if self._refresh() is None:
            return None
        try:
            with session_scope() as session:
                export.request_export(session=session, user_id=self._user_id, now=utc_now())
        except export.ExportInProgressError:
            self.export_message = t(self.page_lang, EXPORT_RUNNING)
            return MyDataState.poll_export
        with session_scope() as session:
            self._read_export(session)
        self.download_url = ""
        return MyDataState.poll_export

    @rx.event
    def refresh_export(self):
        """Read the export's progress again; once it is ready, give this page its link."""
        if self._refresh() is None:
            return
        with session_scope() as session:
            was_working = self.export_status in WORKING
            self._read_export(session)
            if was_working and self.export_status == "ready":
                self._issue_link(session)

    @rx.event(background=True)
    async def poll_export(self):
        """While the export is being built: its progress every few seconds."""

        def step() -> bool:
            was_working = self.export_status in WORKING
            with session_scope() as session:
                self._read_export(session)
                if was_working and self.export_status == "ready":
                    self._issue_link(session)
            return self.export_status in WORKING

        await poll(self, step, rounds=POLL_ROUNDS, seconds=POLL_SECONDS)

    @rx.event
    def new_download_link(self):
        """A fresh download link for the ready export (an older link stops working)."""
        if self._refresh() is None:
            return
        with session_scope() as session:
            self._read_export(session)
            if self.export_status == "ready":
                self._issue_link(session)

    async def _password_ok(self, user: User, password: str) -> str:
        """'' when the password is the user's; else the message to show. Failures count
        against the account's sign-in limit, as at sign-in."""
        limiter, key = limits.get_limiter(), subject_hash(user.email)
        try:
            limiter.check(limits.SIGNIN_FAILURES_PER_ACCOUNT, key)
        except limits.LimitExceededError as refusal:
            return self._wait_message(refusal)
        if await accounts.provider().check(email=user.email, user=user, password=password):
            return ""
        limiter.hit(limits.SIGNIN_FAILURES_PER_ACCOUNT, key)
        return t(self.page_lang, WRONG_PASSWORD)

    @rx.event
    async def delete_account(self, form: dict):
        """Erase the account after the password and the typed address; then sign out and show
        the receipt. A wrong password or address erases nothing."""
        user = self._refresh()
        if user is None:
            return
        lang = self.page_lang
        typed = str(form.get("confirm_email", "")).strip().lower()
        password = str(form.get("password", ""))[:1000]
        errors: dict[str, str] = {}
        if typed != user.email.strip().lower():
            errors["confirm_email"] = t(lang, CONFIRM_MISMATCH)
        refused = await self._password_ok(user, password) if password else t(lang, WRONG_PASSWORD)
        if refused:
            errors["password"] = refused
        self.delete_errors = errors
        if errors:
            return
        self.deleting = True
        yield
        try:
            receipt = await asyncio.to_thread(_erase, user.id)
        except erasure.ErasureError:
            self.deleting = False
            self.delete_errors = {"password": t(lang, ERASURE_FAILED)}
            return
        self.deleting = False
        self._show_receipt(receipt.reference, receipt.erased_at, receipt.summary)
        self.signed_in, self._user_id, self._session_id = False, None, None
        signed = _receipt_signer().dumps(receipt.reference)
        target = f"/{lang}/my-data/erased?receipt={quote(signed)}"
        yield rx.call_script(
            "const form = document.getElementById('erase-signout');"
            f"form.elements['next'].value = {json.dumps(target)}; form.submit();"
        )

    def _show_receipt(self, reference: str, erased_at: datetime, tables: dict) -> None:
        lang = self.page_lang
        self.receipt_reference = reference
        self.receipt_when = format_datetime(erased_at, lang, "long")
        self.receipt_lines = receipt_lines(tables, lang)

    @rx.event
    def open_receipt(self):
        """The receipt page, reached after sign-out through a signed, one-day link."""
        self._refresh()
        self.receipt_reference, self.receipt_when, self.receipt_lines = "", "", []
        signed = str(self.router.url.query_parameters.get("receipt", ""))
        try:
            reference = _receipt_signer().loads(signed, max_age=RECEIPT_MAX_AGE)
        except BadSignature:
            reference = None
        if reference is None:
            return
        with session_scope() as session:
            tombstone = session.exec(
                select(ErasureTombstone).where(ErasureTombstone.reference == str(reference))
            ).first()
            if tombstone is not None:
                self._show_receipt(
                    tombstone.reference,
                    tombstone.erased_at,
                    dict(tombstone.summary.get("tables", {})),
                )
