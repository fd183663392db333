"""One simulated user: a browser tab's websocket (python-socketio's client speaking the same
Socket.IO protocol as Reflex's frontend), sending the events the pages send.

- navigation (search, opening a tender, the alert form) is the `on_load_internal` event the
  frontend sends after a route change, with the page's router data; it is done when the page's
  on_load handlers have run (the root state's `is_hydrated` turns true);
- saving the alert is `AlertFormState.save` with the form's fields; done when its redirect
  to the alert list arrives.
The latency of an action is from the emit to that update, as a user waits for the page."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
import socketio
from reflex.state import OnLoadInternalState, State

from oktra.accounts.state import AuthState, SignInState
from oktra.alerts.state import AlertFormState
from oktra.privacy.cookies import SESSION_COOKIE
from oktra.tenders.state import TenderDetailState, TenderSearchState

NAMESPACE = "/_event"
ROOT = State.get_full_name()
HYDRATED = "is_hydrated_rx_state_"
SEARCH = TenderSearchState.get_full_name()
DETAIL = TenderDetailState.get_full_name()
FORM = AlertFormState.get_full_name()
AUTH = AuthState.get_full_name()
COMPLETE_URL = re.compile(r"/auth/complete\?[^\"']+")
TIMEOUT = 30.0


@dataclass
class Sample:
    """One action: what, when it started (monotonic seconds), how long, and how it ended."""

    kind: str
    started: float
    seconds: float
    outcome: str  # ok, failed (the page said so), timeout, interrupted (the worker died)


@dataclass
class UserLog:
    """What one user saw."""

    samples: list[Sample] = field(default_factory=list)
    reconnects: int = 0
    new_tokens: int = 0
    state_checks: list[bool] = field(default_factory=list)
    state_lost: list[str] = field(default_factory=list)


def _route(path: str, query: dict[str, str] | None = None) -> dict[str, object]:
    query = query or {}
    as_path = path + (f"?{urlencode(query)}" if query else "")
    return {"pathname": path, "asPath": as_path, "query": query}


class SimulatedUser:
    """A signed-in tab driving the app over its websocket."""

    def __init__(self, base_url: str, origin: str, email: str, password: str) -> None:
        self.base_url, self.origin = base_url, origin
        self.email, self.password = email, password
        self.token = str(uuid.uuid4())
        self.cookie = ""
        self.log = UserLog()
        self.last_search = ""
        # A search whose answer was lost with its worker may or may not have been applied.
        self.unanswered_search = ""
        self.alert_id = ""
        self._route = _route("/en/signin")
        self._waiter: tuple[Callable[[dict], str | None], asyncio.Future] | None = None
        self._snapshot: dict = {}
        self._hydrated = asyncio.Event()
        self._dropped = asyncio.Event()
        self.client = self._new_client()

    def _new_client(self) -> socketio.AsyncClient:
        client = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2
        )
        client.on("event", self._on_update, namespace=NAMESPACE)
        client.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        client.on("new_token", self._on_new_token, namespace=NAMESPACE)
        return client

    async def _on_new_token(self, token: str) -> None:
        """The server took this tab for a copy of another (its token is linked to a live
        socket): the tab goes on under the new token, with a new state, as the frontend does."""
        self.log.new_tokens += 1
        self.token = token
        self.client.connection_url = f"{self.base_url}?token={token}"

    def _boot(self) -> dict[str, object]:
        """The CONNECT packet's hydrate event, as the frontend sends it on every (re)connect."""
        hydrate = {"name": f"{ROOT}.hydrate_and_load", "payload": {}, "router_data": self._route}
        return {"event": hydrate}

    async def _on_update(self, update: dict) -> None:
        delta = update.get("delta", {})
        if len(delta) > 5:
            self._snapshot = delta
            self._hydrated.set()
            if self._dropped.is_set():
                self._dropped.clear()
                self._check_state(delta)
        if self._waiter is None:
            return
        check, future = self._waiter
        outcome = check(update)
        if outcome is not None and not future.done():
            future.set_result(outcome)

    async def _on_disconnect(self, *_reason: object) -> None:
        self._hydrated.clear()
        self._dropped.set()
        if self._waiter is not None and not self._waiter[1].done():
            self._waiter[1].set_result("interrupted")

    async def connect(self) -> dict:
        """Open the websocket (the page load) and return the state snapshot it hydrates with."""
        self._hydrated.clear()
        self._dropped.clear()
        headers = {"Origin": self.origin}
        if self.cookie:
            headers["Cookie"] = f"{SESSION_COOKIE}={self.cookie}"
        await self.client.connect(
            f"{self.base_url}?token={self.token}",
            headers=headers,
            transports=["websocket"],
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            auth=self._boot,
            wait_timeout=TIMEOUT,
        )
        await asyncio.wait_for(self._hydrated.wait(), TIMEOUT)
        return self._snapshot

    async def close(self) -> None:
        """Close the tab."""
        await self.client.disconnect()

    async def _send(self, name: str, payload: dict, check: Callable[[dict], str | None]) -> str:
        future = asyncio.get_running_loop().create_future()
        self._waiter = (check, future)
        try:
            await self.client.emit(
                "event",
                {"name": name, "payload": payload, "router_data": self._route},
                namespace=NAMESPACE,
            )
            return await asyncio.wait_for(future, TIMEOUT)
        except (TimeoutError, socketio.exceptions.SocketIOError):
            return "interrupted" if self._dropped.is_set() else "timeout"
        finally:
            self._waiter = None

    async def sign_in(self, http: httpx.AsyncClient) -> None:
        """The sign-in form, then the HTTP route that swaps the ticket for the session cookie;
        the next page opens a new websocket carrying the cookie, as a browser's does."""
        self._route = _route("/en/signin")
        await self.connect()
        found: dict[str, str] = {}

        def redirected(update: dict) -> str | None:
            for event in update.get("events", []):
                match = COMPLETE_URL.search(str(event.get("payload", "")))
                if match:
                    found["url"] = match.group(0).replace("\\u0026", "&")
                    return "ok"
            errors = update.get("delta", {}).get(SignInState.get_full_name(), {})
            found["errors"] = str(errors.get("errors_rx_state_", ""))
            return "failed" if errors.get("errors_rx_state_") else None

        form = {"email": self.email, "password": self.password}
        outcome = await self._send(
            f"{SignInState.get_full_name()}.submit", {"form": form}, redirected
        )
        await self.close()
        if outcome != "ok":
            raise RuntimeError(f"sign-in of {self.email}: {outcome} {found.get('errors', '')}")
        response = await http.get(self.base_url + found["url"])
        self.cookie = response.cookies.get(SESSION_COOKIE, "")
        if not self.cookie:
            raise RuntimeError(f"sign-in of {self.email}: no session cookie")
        self.client = self._new_client()

    async def _navigate(self, kind: str, route: dict[str, object], check: Callable) -> str:
        self._route = route
        started = time.monotonic()
        outcome = await self._send(
            f"{OnLoadInternalState.get_full_name()}.on_load_internal", {}, check
        )
        self.log.samples.append(Sample(kind, started, time.monotonic() - started, outcome))
        return outcome

    async def search(self, word: str) -> str:
        """Search for a word (the search page's address carries it)."""
        outcome = await self._navigate("search", _route("/en/tenders", {"q": word}), _searched)
        if outcome == "ok":
            self.last_search, self.unanswered_search = word, ""
        elif outcome == "interrupted":
            self.unanswered_search = word
        return outcome

    async def open_tender(self, tender_id: int) -> str:
        """Open one tender's page."""
        route = _route(f"/en/tenders/{tender_id}", {"tender_id": str(tender_id)})
        return await self._navigate("tender", route, _tender_shown)

    async def open_alert(self, alert_id: int) -> str:
        """Open the form of the user's alert (before the measured window)."""
        outcome = await self._navigate(
            "alert form", _route("/en/alerts/edit", {"id": str(alert_id)}), _hydrated
        )
        self.alert_id = str(alert_id)
        return outcome

    async def save_alert(self, word: str) -> str:
        """Save the alert with new words, as the form's button does."""
        form = {"name": f"Alert {word}", "text": word, "frequency": "weekly", "by_email": True}
        started = time.monotonic()
        outcome = await self._send(f"{FORM}.save", {"form": form}, _saved)
        self.log.samples.append(Sample("save alert", started, time.monotonic() - started, outcome))
        return outcome

    def _check_state(self, snapshot: dict) -> None:
        """The state a reconnected tab hydrates with still holds this user's sign-in, last
        search and alert form."""
        self.log.reconnects += 1
        parts = {
            "last search": snapshot.get(SEARCH, {}).get("text_rx_state_")
            in {self.last_search, self.unanswered_search or self.last_search},
            "alert form": snapshot.get(FORM, {}).get("alert_id_rx_state_") == self.alert_id,
            "sign-in": snapshot.get(AUTH, {}).get("signed_in_rx_state_") is True,
        }
        lost = [part for part, kept in parts.items() if not kept]
        self.log.state_lost.extend(lost)
        self.log.state_checks.append(not lost)

    async def wait_reconnected(self) -> None:
        """After the websocket dropped: wait for the client's own reconnection (to another
        worker); a tab that never comes back counts as a lost state."""
        try:
            await asyncio.wait_for(self._hydrated.wait(), TIMEOUT)
        except TimeoutError:
            self.log.state_lost.append("never reconnected")
            self.log.state_checks.append(False)


def _hydrated(update: dict) -> str | None:
    return "ok" if update.get("delta", {}).get(ROOT, {}).get(HYDRATED) is True else None


def _searched(update: dict) -> str | None:
    state = update.get("delta", {}).get(SEARCH, {})
    if state.get("failed_rx_state_") is True:
        return "failed"
    return _hydrated(update)


def _tender_shown(update: dict) -> str | None:
    if update.get("delta", {}).get(DETAIL, {}).get("found_rx_state_") is False:
        return "failed"
    return _hydrated(update)


def _saved(update: dict) -> str | None:
    if update.get("delta", {}).get(FORM, {}).get("error_rx_state_"):
        return "failed"
    events = [str(event.get("name", "")) for event in update.get("events", [])]
    return "ok" if any("redirect" in name for name in events) else None
