"""The cookie choice on every customer page, and the page views it allows."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.state import AuthState
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.privacy import analytics, consent
from oktra.privacy.cookies import CONSENT_COOKIE, CONSENT_MAX_AGE_SECONDS

FOCUS_BANNER = "setTimeout(() => document.getElementById('consent-switch-analytics')?.focus(), 100)"


class ConsentState(AuthState):
    """The browser's choice, kept in the essential consent cookie and proven in the database."""

    consent_cookie: str = rx.Cookie(
        "",
        name=CONSENT_COOKIE,
        max_age=CONSENT_MAX_AGE_SECONDS,
        same_site="lax",
        path="/",
    )
    reopened: bool = False
    choosing: bool = False
    analytics_switch: bool = False
    functional_switch: bool = False

    @rx.var
    def decided(self) -> bool:
        """Whether this browser has answered."""
        return consent.parse_cookie(value=self.consent_cookie) is not None

    @rx.var
    def analytics_on(self) -> bool:
        """Whether audience measurement is allowed on this browser."""
        device = consent.parse_cookie(value=self.consent_cookie)
        return bool(device and device.choice.analytics)

    @rx.var
    def banner_open(self) -> bool:
        """First visit, or reopened from the footer link."""
        return self.reopened or consent.parse_cookie(value=self.consent_cookie) is None

    def _device(self) -> consent.DeviceConsent | None:
        return consent.parse_cookie(value=self.consent_cookie)

    def _requester(self) -> consent.Requester:
        client = self._client()
        return consent.Requester(
            lang=self.page_lang, ip_hash=client.ip_hash(), user_agent=client.user_agent
        )

    def _signed_in_user(self, session) -> int | None:
        current = self._current(session)
        return current[0].id if current else None

    @rx.event
    def sync(self):
        """On every page: once signed in, the newer of this browser's and the account's
        choices applies to both (records joined to the account); a choice made here under
        another account is asked again, and so is one a policy change asked again."""
        device = self._device()
        with session_scope() as session:
            user_id = self._signed_in_user(session)
            if user_id is None:
                if device and consent.asked_again(session=session, visitor_id=device.visitor_id):
                    self.consent_cookie = ""
                return
            visitor_id = device.visitor_id if device else consent.new_visitor_id()
            choice = consent.join_account(
                session=session,
                visitor_id=visitor_id,
                user_id=user_id,
                requester=self._requester(),
            )
            made_by_another = (
                choice is None
                and device is not None
                and (consent.choice_in_force(session=session, visitor_id=visitor_id) is not None)
            )
        if choice is not None:
            value = consent.encode_cookie(visitor_id=visitor_id, choice=choice)
            if value != self.consent_cookie:
                self.consent_cookie = value
        elif made_by_another:
            self.consent_cookie = ""

    def _save(self, choice: consent.Choice) -> None:
        device = self._device()
        visitor_id = device.visitor_id if device else consent.new_visitor_id()
        with session_scope() as session:
            consent.record_choice(
                session=session,
                visitor_id=visitor_id,
                user_id=self._signed_in_user(session),
                choice=choice,
                requester=self._requester(),
            )
        self.consent_cookie = consent.encode_cookie(visitor_id=visitor_id, choice=choice)
        self.reopened = self.choosing = False

    @rx.event
    def accept_all(self):
        """Grant every optional category."""
        self._save(consent.Choice(analytics=True, functional=True))

    @rx.event
    def reject_all(self):
        """Refuse (or withdraw) every optional category."""
        self._save(consent.Choice(analytics=False, functional=False))

    def _show_switches(self) -> None:
        device = self._device()
        self.analytics_switch = bool(device and device.choice.analytics)
        self.functional_switch = bool(device and device.choice.functional)
        self.choosing = True

    @rx.event
    def choose(self):
        """Show one switch per category, set to the current choice."""
        self._show_switches()

    @rx.event
    def set_analytics_switch(self, value: bool):
        """The analytics switch."""
        self.analytics_switch = bool(value)

    @rx.event
    def set_functional_switch(self, value: bool):
        """The functional switch."""
        self.functional_switch = bool(value)

    @rx.event
    def save_choices(self):
        """Keep what the switches say."""
        self._save(
            consent.Choice(analytics=self.analytics_switch, functional=self.functional_switch)
        )

    @rx.event
    def open_settings(self):
        """The footer's "Cookie settings": the banner again, with its switches."""
        self._show_switches()
        self.reopened = True
        return rx.call_script(FOCUS_BANNER)

    @rx.event
    def page_view(self, route: str):
        """With analytics consent only: one anonymous page view of this route (the page's route
        as built, e.g. /fr/tenders/[tender_id]: no query, no identifier; the router's own path
        may still be the previous page's when a client-side navigation mounts the new one)."""
        device = self._device()
        if device is None or not device.choice.analytics:
            return
        with session_scope() as session:
            analytics.record_page_view(
                session=session,
                visitor_id=device.visitor_id,
                user_id=self._signed_in_user(session),
                client_token=self.router.session.client_token,
                path=str(route),
                lang=self.page_lang,
                ip=self.router.session.client_ip,
                now=utc_now(),
            )
