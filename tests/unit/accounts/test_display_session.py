"""A public page (the search, a tender) shows who is signed in without reading the session on
every event of an open connection; a page load, and every handler that acts for the user, read
it at once (oktra/accounts/state.py, _refresh_for_display)."""

from __future__ import annotations

import reflex.constants as rc
from reflex.istate.data import RouterData

from oktra.accounts import sessions
from oktra.accounts import state as account_state
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.tenders.state import TenderSearchState
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token, state_for


def _on_connection(state, connection: str):
    """The state as the events of one websocket connection (a page load) see it."""
    state.router = RouterData.from_router_data(
        {
            rc.RouteVar.HEADERS: {"cookie": state.router.headers.cookie},
            rc.RouteVar.PATH: "/fr/search",
            rc.RouteVar.ORIGIN: "/fr/search",
            rc.RouteVar.SESSION_ID: connection,
        }
    )
    return state


def _revoke(token: str) -> None:
    with session_scope() as session:
        sessions.end_session(session=session, token=token, now=utc_now())


def _shown_then_revoked(monkeypatch):
    """The search page shown signed in on connection sid-1 at a fixed time, then the session
    revoked from elsewhere."""
    token = signed_in_token(create_account("salma@atlas.ma"))
    page = _on_connection(state_for(TenderSearchState, token=token, path="/fr/search"), "sid-1")
    monkeypatch.setattr(account_state.time, "time", lambda: 1_000_000.0)
    run_handler(TenderSearchState.load, page)
    assert page.signed_in
    _revoke(token)
    return page


def test_a_public_page_shows_a_revoked_session_signed_out_within_the_recheck_delay(
    engine, monkeypatch
):
    token = signed_in_token(create_account("salma@atlas.ma"))
    page = _on_connection(state_for(TenderSearchState, token=token, path="/fr/search"), "sid-1")
    clock = [1_000_000.0]
    monkeypatch.setattr(account_state.time, "time", lambda: clock[0])
    run_handler(TenderSearchState.load, page)
    assert page.signed_in
    _revoke(token)
    clock[0] += account_state.DISPLAY_RECHECK_SECONDS - 1
    run_handler(TenderSearchState.load, page)
    assert page.signed_in, "read again only after the delay"
    clock[0] += 2
    run_handler(TenderSearchState.load, page)
    assert not page.signed_in


def test_a_page_load_on_a_new_connection_reads_the_session_at_once(engine, monkeypatch):
    page = _shown_then_revoked(monkeypatch)
    run_handler(TenderSearchState.load, _on_connection(page, "sid-2"))
    assert not page.signed_in


def test_a_handler_that_acts_for_the_user_reads_the_session_every_time(engine, monkeypatch):
    page = _shown_then_revoked(monkeypatch)
    assert page._refresh() is None
    assert not page.signed_in
