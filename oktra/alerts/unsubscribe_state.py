"""The page behind an email's unsubscribe link: it says what it stops, stops it in one click
(without sign-in), and offers to undo."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.state import AuthState
from oktra.alerts import unsubscribe
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import N_, t

INVALID = N_("This link is not valid. Sign in to manage your alerts.")
NOTHING_LEFT = N_("Nothing to stop: it is already done.")
QUESTIONS = {
    unsubscribe.ALERT: N_("Stop emails for the alert “%(names)s”? The alert is paused."),
    unsubscribe.ALL: N_("Stop emails for all your alerts (%(names)s)? They are paused."),
    unsubscribe.FOLLOW: N_("Stop emails about the tender “%(names)s”? You stop following it."),
}
DONE = {
    unsubscribe.ALERT: N_("Done: the alert is paused. You will receive no more emails for it."),
    unsubscribe.ALL: N_("Done: your alerts are paused. You will receive no more alert emails."),
    unsubscribe.FOLLOW: N_("Done: you no longer follow this tender."),
}
UNDONE = N_("Undone: the emails start again.")


class UnsubscribeState(AuthState):
    """What the link in the address stops, and whether it was stopped."""

    question: str = ""
    outcome: str = ""
    problem: str = ""
    stopped: bool = False
    _token: str = ""

    def _request(self) -> unsubscribe.Unsubscribe | None:
        return unsubscribe.read_token(self._token)

    @rx.event
    def open_page(self):
        """Read the token and describe what it stops."""
        self.question = self.outcome = self.problem = ""
        self.stopped = False
        self._token = str(self.router.url.query_parameters.get("token", ""))[:300]
        lang, request = self.page_lang, self._request()
        if request is None:
            self.problem = t(lang, INVALID)
            return
        with session_scope() as session:
            names = unsubscribe.describe(session=session, request=request)
        if not names:
            self.outcome = t(lang, NOTHING_LEFT)
            return
        self.question = t(lang, QUESTIONS[request.scope]) % {"names": ", ".join(names)}

    @rx.event
    def stop(self):
        """Stop what the link names."""
        request = self._request()
        if request is None:
            self.problem = t(self.page_lang, INVALID)
            return
        with session_scope() as session:
            unsubscribe.apply(session=session, request=request, now=utc_now())
        self.stopped, self.outcome = True, t(self.page_lang, DONE[request.scope])

    @rx.event
    def undo(self):
        """Start the emails again."""
        request = self._request()
        if request is None:
            return
        with session_scope() as session:
            unsubscribe.undo(session=session, request=request, now=utc_now())
        self.stopped, self.outcome = False, t(self.page_lang, UNDONE)
