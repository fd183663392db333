"""Account fixtures: users made through the real services, states wired to a fake request."""

from __future__ import annotations

import asyncio

import pytest
import reflex.constants as rc
from reflex.istate.data import RouterData

from oktra.accounts import limits, service, sessions
from oktra.core.clock import utc_now
from oktra.db import session_scope

PASSWORD = "marchés publics 2026 Casablanca"


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    """bcrypt at its minimum cost keeps the suite quick; production uses cost 12."""
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test starts with no attempt counted (in-memory limits storage)."""
    limits.get_limiter().reset()
    yield
    limits.get_limiter().reset()


def signup_form(email: str, **overrides: object) -> dict[str, object]:
    """A valid sign-up form, as the browser sends it."""
    return {
        "full_name": "Salma Bennani",
        "email": email,
        "company_name": "Atlas BTP",
        "phone": "0612345678",
        "password": PASSWORD,
        "accept_terms": "on",
        **overrides,
    }


CLIENT = sessions.ClientInfo(ip="196.200.1.2", user_agent="pytest browser")


def create_account(email: str, **overrides: object) -> service.SignedIn:
    """Sign up through the service, as the page does, then sign in."""
    form = signup_form(email, **overrides)
    asyncio.run(service.sign_up(form=form, lang="fr", client=CLIENT))
    signed = asyncio.run(service.sign_in(email=email, password=form["password"], client=CLIENT))
    limits.get_limiter().reset()
    return signed


def signed_in_token(signed: service.SignedIn) -> str:
    """Complete a sign-in the way /auth/complete does; returns the cookie value."""
    with session_scope() as session:
        return sessions.redeem_ticket(session=session, ticket=signed.ticket, now=utc_now())


def state_for(state_class, *, token: str | None, path: str = "/fr/account", query: str = ""):
    """A page state as a request with this session cookie would see it."""
    state = state_class()
    state.router = RouterData.from_router_data(
        {
            rc.RouteVar.HEADERS: {
                "cookie": f"oktra_session={token}" if token else "",
                "user-agent": "pytest browser",
            },
            rc.RouteVar.CLIENT_IP: "196.200.1.2",
            rc.RouteVar.PATH: path,
            rc.RouteVar.ORIGIN: path + (f"?{query}" if query else ""),
        }
    )
    return state


def run_handler(handler, state, *args):
    """Run a state event handler the way Reflex does: plain, coroutine or async generator."""
    import inspect

    result = handler.fn(state, *args)
    if inspect.isasyncgen(result):

        async def drain() -> None:
            async for _event in result:
                pass

        return asyncio.run(drain())
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    return result
