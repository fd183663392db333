"""The request form (/{lang}/requests) and the page its email link opens (/requests/verify)."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.limits import LimitExceededError
from oktra.accounts.models import User
from oktra.accounts.state import AuthState
from oktra.accounts.validation import ValidationFailedError
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import N_, t
from oktra.privacy import requests
from oktra.settings import get_settings

REGISTERED = N_("Your request %(reference)s is registered. We will answer by %(date)s.")
LINK_SENT = N_(
    "We have sent a link to %(email)s: open it within %(hours)s hours to confirm your request "
    "%(reference)s. We only start handling it once it is confirmed."
)
CONFIRMED = N_("Your request is confirmed. We will answer by %(date)s and email you at every step.")
LINK_INVALID = N_(
    "This link is invalid or has expired. Send your request again: a new link will be sent."
)


def _shown(request, lang: str) -> dict[str, str]:
    shown = requests.view(request, lang)
    return {
        "reference": shown.reference,
        "right": shown.right,
        "status": shown.status,
        "received": shown.received,
        "due": shown.due,
        "answer": shown.answer,
    }


class DpoRequestState(AuthState):
    """The form for a right or a question; a signed-in user's own requests below it."""

    errors: dict[str, str] = {}  # noqa: RUF012 - Reflex state var
    outcome: str = ""
    full_name: str = ""
    email: str = ""
    mine: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    form_key: int = 0

    def _load(self, user: User | None) -> None:
        self.full_name = user.full_name if user else ""
        self.email = user.email if user else ""
        self.mine = []
        if user is not None:
            with session_scope() as session:
                rows = requests.requests_of_user(session=session, user_id=user.id)
                self.mine = [_shown(row, self.page_lang) for row in rows]
        self.form_key += 1

    @rx.event
    def open_page(self):
        """Prefill the form for a signed-in user and list their requests."""
        self.errors, self.outcome = {}, ""
        self._load(self._refresh())

    @rx.event
    def submit(self, form: dict):
        """Register the request; a visitor is asked to confirm it from an email link."""
        lang = self.page_lang
        signed_in = self._refresh()
        try:
            with session_scope() as session:
                user = session.get(User, signed_in.id) if signed_in else None
                request = requests.submit_request(
                    session=session,
                    form=form,
                    lang=lang,
                    user=user,
                    ip_hash=self._client().ip_hash(),
                    now=utc_now(),
                )
                shown = requests.view(request, lang)
                verified = request.status != "unverified"
                address = request.requester_email
        except ValidationFailedError as failure:
            self.errors = self._errors(failure)
            return
        except LimitExceededError as refusal:
            self.errors = {"form": self._wait_message(refusal)}
            return
        self.errors = {}
        if verified:
            self.outcome = t(lang, REGISTERED) % {"reference": shown.reference, "date": shown.due}
        else:
            hours = get_settings().verification_link_hours
            self.outcome = t(lang, LINK_SENT) % {
                "email": address,
                "hours": hours,
                "reference": shown.reference,
            }
        self._load(signed_in)


class DpoVerifyState(AuthState):
    """The page behind the confirmation link: confirms the request and shows where it stands."""

    checked: bool = False
    problem: str = ""
    outcome: str = ""
    request: dict[str, str] = {}  # noqa: RUF012 - Reflex state var

    @rx.event
    def verify(self):
        """Check the link in the address bar; only the request it names is shown."""
        self._refresh()
        lang = self.page_lang
        token = str(self.router.url.query_parameters.get("token", ""))
        with session_scope() as session:
            request = requests.verify_request(session=session, token=token, now=utc_now())
            shown = _shown(request, lang) if request is not None else {}
            final = request is not None and request.status in requests.FINAL
        self.checked = True
        self.request = shown
        if not shown:
            self.problem, self.outcome = t(lang, LINK_INVALID), ""
            return
        self.problem = ""
        self.outcome = "" if final else t(lang, CONFIRMED) % {"date": shown["due"]}
