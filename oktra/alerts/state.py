"""Alerts pages' state: the alerts and their matches, and the form that creates or edits one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import reflex as rx
from reflex.config import get_config

from oktra.accounts.interests import REGIONS, SECTORS
from oktra.accounts.models import User
from oktra.accounts.state import AuthState
from oktra.alerts import service, views
from oktra.alerts.models import Frequency
from oktra.core.clock import utc_now
from oktra.core.errors import NotFoundError
from oktra.db import session_scope
from oktra.i18n import N_, t
from oktra.notifications import suppression
from oktra.privacy.objections import objects_to_alerts
from oktra.tenders.criteria import Criteria, from_params, to_params
from oktra.tenders.models import Category
from oktra.ui.forms import ticked

DELETED = N_("The alert is deleted.")
EMAIL_AGAIN = N_("We will email you again.")
SAVED = N_("The alert is saved.")
FEED_OFF = N_("The feed is turned off: its address no longer works.")
CATEGORIES = tuple((code.value, code.value) for code in Category)
# Criteria the form edits itself; any other (procedure, province, buyer) is kept as it came.
FORM_KEYS = {"q", "sector", "region", "category", "min", "max", "sme", "dl", "status"}


class AlertsState(AuthState):
    """The user's alerts, the matches of the one chosen, feeds and follows."""

    alerts: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    matches: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    selected: str = ""
    selected_name: str = ""
    feed_url: str = ""
    feed_alert: str = ""
    notice: str = ""
    suppressed: str = ""
    objected: bool = False
    loaded: bool = False

    def _load(self) -> None:
        lang, now = self.page_lang, utc_now()
        with session_scope() as session:
            self.alerts = views.alert_cards(
                session=session, lang=lang, user_id=self._user_id, now=now
            )
            user = session.get(User, self._user_id)
            found = suppression.suppression_for(session=session, address=user.email)
            self.suppressed = views.suppression_note(found, lang)
            self.objected = objects_to_alerts(session=session, user_id=self._user_id)
            chosen = next((a for a in self.alerts if a["id"] == self.selected), None)
            if chosen is None:
                self.selected, self.selected_name, self.matches = "", "", []
            else:
                rows = service.alert_matches(
                    session=session, user_id=self._user_id, alert_id=int(self.selected), now=now
                )
                followed = service.followed_ids(session=session, user_id=self._user_id)
                self.selected_name = chosen["name"]
                self.matches = views.match_cards(lang, rows, followed, now)
        self.loaded = True

    @rx.event
    def open_page(self):
        """Load the alerts (and the matches of the alert named in the address)."""
        user, redirect = self._signed_in_or_redirect()
        if user is None:
            return redirect
        chosen = str(self.router.url.query_parameters.get("alert", ""))
        self.selected = chosen if chosen.isdigit() else ""
        self.notice, self.feed_url, self.feed_alert = "", "", ""
        self._load()
        return None

    def _act(self, action, alert_id: str, message: str = "") -> None:
        if self._refresh() is None or not str(alert_id).isdigit():
            return
        try:
            with session_scope() as session:
                action(session, int(alert_id))
        except NotFoundError:
            self.notice = t(self.page_lang, "This alert does not exist.")
            return
        except service.AlertError as refusal:
            self.notice = t(self.page_lang, refusal.message)
            self._load()
            return
        self.notice = t(self.page_lang, message) if message else ""
        self._load()

    @rx.event
    def pause(self, alert_id: str, paused: bool):
        """Pause or resume an alert."""
        self._act(
            lambda session, number: service.set_paused(
                session=session,
                user_id=self._user_id,
                alert_id=number,
                paused=paused,
                now=utc_now(),
            ),
            alert_id,
        )

    @rx.event
    def email_again(self):
        """The user fixed their address: lift the suppression."""
        user = self._refresh()
        if user is None:
            return
        with session_scope() as session:
            suppression.lift(session=session, address=user.email)
        self.notice = t(self.page_lang, EMAIL_AGAIN)
        self._load()

    @rx.event
    def delete(self, alert_id: str):
        """Delete an alert (after the dialog's confirmation)."""
        self._act(
            lambda session, number: service.delete_alert(
                session=session, user_id=self._user_id, alert_id=number
            ),
            alert_id,
            DELETED,
        )

    @rx.event
    def new_feed(self, alert_id: str):
        """Make a new private feed address for an alert, shown once."""
        found: list[str] = []
        self._act(
            lambda session, number: found.append(
                service.new_feed_token(
                    session=session, user_id=self._user_id, alert_id=number, now=utc_now()
                )
            ),
            alert_id,
        )
        if found:
            base = get_config().api_url.rstrip("/")
            self.feed_url, self.feed_alert = f"{base}/alerts/feed/{found[0]}", str(alert_id)

    @rx.event
    def revoke_feed(self, alert_id: str):
        """Turn an alert's feed off."""
        self._act(
            lambda session, number: service.revoke_feed(
                session=session, user_id=self._user_id, alert_id=number, now=utc_now()
            ),
            alert_id,
            FEED_OFF,
        )
        self.feed_url = self.feed_alert = ""

    @rx.event
    def mark_read(self, match_id: str = ""):
        """Mark one match of the chosen alert read, or all of them."""
        number = int(match_id) if str(match_id).isdigit() else None
        self._act(
            lambda session, alert: service.mark_read(
                session=session,
                user_id=self._user_id,
                alert_id=alert,
                now=utc_now(),
                match_id=number,
            ),
            self.selected,
        )

    @rx.event
    def follow(self, tender_id: str, follow: bool):
        """Follow a matched tender, or stop following it."""
        if self._refresh() is None or not str(tender_id).isdigit():
            return
        with session_scope() as session:
            service.follow_tender(
                session=session,
                user_id=self._user_id,
                tender_id=int(tender_id),
                follow=follow,
                now=utc_now(),
            )
        self._load()


class AlertFormState(AuthState):
    """Create an alert (from a search's address, or from the user's interests) or edit one."""

    alert_id: str = ""
    name: str = ""
    text: str = ""
    sectors: list[str] = []  # noqa: RUF012 - Reflex state var
    regions: list[str] = []  # noqa: RUF012 - Reflex state var
    categories: list[str] = []  # noqa: RUF012 - Reflex state var
    budget_min: str = ""
    budget_max: str = ""
    reserved: bool = False
    deadline_days: str = ""
    frequency: str = Frequency.DAILY.value
    by_email: bool = True
    in_app: bool = True
    kept: str = ""
    error: str = ""
    form_key: int = 0
    _extra: str = ""

    def _fill(self, criteria: Criteria, extra: list[tuple[str, str]]) -> None:
        self.text = criteria.text
        self.sectors, self.regions = list(criteria.sectors), list(criteria.regions)
        self.categories = list(criteria.categories)
        self.budget_min = "" if criteria.budget_min is None else str(criteria.budget_min)
        self.budget_max = "" if criteria.budget_max is None else str(criteria.budget_max)
        self.reserved = criteria.reserved_sme
        self.deadline_days = (
            "" if criteria.deadline_max_days is None else str(criteria.deadline_max_days)
        )
        self._extra = urlencode(extra)
        self.kept = " · ".join(value for _key, value in extra)
        self.form_key += 1

    @rx.event
    def open_page(self):
        """Fill the form: the alert named in the address, a search's criteria, or interests."""
        user, redirect = self._signed_in_or_redirect()
        if user is None:
            return redirect
        params = parse_qs(self.router.url.query)
        self.error, self.alert_id = "", ""
        number = params.pop("id", [""])[0]
        if number.isdigit():
            with session_scope() as session:
                try:
                    alert = service.get_alert(
                        session=session, user_id=user.id, alert_id=int(number)
                    )
                except NotFoundError:
                    return rx.redirect(f"/{self.page_lang}/alerts")
                params = parse_qs(urlencode(views.edit_params(alert)))
                self.alert_id, self.name = str(alert.id), alert.name
                self.frequency, self.by_email, self.in_app = (
                    alert.frequency,
                    alert.by_email,
                    alert.in_app,
                )
        else:
            self.name, self.frequency, self.by_email, self.in_app = (
                "",
                Frequency.DAILY.value,
                True,
                True,
            )
            if not any(key in params for key in FORM_KEYS - {"status"}):
                params = {"sector": list(user.sectors), "region": list(user.regions)}
        criteria = service.alert_criteria(from_params(params).criteria)
        extra = [(k, v) for k, v in to_params(criteria) if k not in FORM_KEYS]
        if not self.name:
            self.name = criteria.text.strip()[:120] or t(self.page_lang, "My alert")
        self._fill(criteria, extra)
        return None

    @rx.event
    def save(self, form: dict):
        """Create or update the alert, then show it with its matches."""
        user = self._refresh()
        if user is None:
            return rx.redirect(f"/{self.page_lang}/signin")
        params = parse_qs(self._extra)
        params.update(
            {
                "q": [str(form.get("text", ""))],
                "sector": ticked(form, "sector", SECTORS),
                "region": ticked(form, "region", REGIONS),
                "category": ticked(form, "category", CATEGORIES),
                "min": [str(form.get("budget_min", ""))],
                "max": [str(form.get("budget_max", ""))],
                "sme": ["1"] if form.get("reserved") in (True, "on", "true") else [],
                "dl": [str(form.get("deadline_days", ""))],
            }
        )
        reading = from_params(params)
        if reading.problems:
            self.error = t(self.page_lang, reading.problems[0])
            return None
        settings = service.AlertSettings(
            name=str(form.get("name", "")),
            frequency=str(form.get("frequency", "")),
            by_email=form.get("by_email") in (True, "on", "true"),
            in_app=form.get("in_app") in (True, "on", "true"),
        )
        try:
            with session_scope() as session:
                if self.alert_id:
                    alert = service.update_alert(
                        session=session,
                        user_id=user.id,
                        alert_id=int(self.alert_id),
                        settings=settings,
                        criteria=reading.criteria,
                        now=utc_now(),
                    )
                else:
                    alert = service.create_alert(
                        session=session,
                        user_id=user.id,
                        settings=settings,
                        criteria=reading.criteria,
                        now=utc_now(),
                    )
                alert_id = alert.id
        except service.AlertError as refusal:
            self.error = t(self.page_lang, refusal.message)
            return None
        except NotFoundError:
            return rx.redirect(f"/{self.page_lang}/alerts")
        return rx.redirect(f"/{self.page_lang}/alerts?alert={alert_id}")
