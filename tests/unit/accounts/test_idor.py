"""User A can neither read nor change anything of user B through a state handler or a route."""

from __future__ import annotations

import asyncio

from sqlmodel import select
from starlette.testclient import TestClient

from oktra.accounts.models import AuthSession, User
from oktra.accounts.profile_state import AccountState
from oktra.api import build_api
from oktra.db import session_scope
from tests.unit.accounts.conftest import (
    PASSWORD,
    create_account,
    run_handler,
    signed_in_token,
    state_for,
)


def _accounts(engine):
    alice = create_account("alice@atlas.ma")
    bob = create_account("bob@atlas.ma")
    return signed_in_token(alice), signed_in_token(bob), alice.user_id, bob.user_id


def _bob_session_id(bob_id: int) -> int:
    with session_scope() as session:
        return session.exec(select(AuthSession).where(AuthSession.user_id == bob_id)).one().id


def test_revoking_another_users_device_changes_nothing(engine):
    alice_token, _bob_token, _alice_id, bob_id = _accounts(engine)
    state = state_for(AccountState, token=alice_token)
    AccountState.revoke.fn(state, str(_bob_session_id(bob_id)))
    with session_scope() as session:
        assert session.get(AuthSession, _bob_session_id(bob_id)).revoked_at is None
    assert state.notice == ""


def test_the_account_page_shows_only_the_signed_in_users_data(engine):
    alice_token, _bob_token, _alice_id, bob_id = _accounts(engine)
    state = state_for(AccountState, token=alice_token)
    AccountState.open_page.fn(state)
    assert state.email == "alice@atlas.ma"
    assert all(device["id"] != str(_bob_session_id(bob_id)) for device in state.devices)


def test_saving_a_profile_changes_only_the_signed_in_user(engine):
    alice_token, _bob_token, _alice_id, bob_id = _accounts(engine)
    state = state_for(AccountState, token=alice_token)
    form = {
        "full_name": "Alice Renamed",
        "email": "alice@atlas.ma",
        "user_id": str(bob_id),
        "id": str(bob_id),
        "language": "fr",
    }
    run_handler(AccountState.save_profile, state, form)
    with session_scope() as session:
        assert session.get(User, bob_id).full_name == "Salma Bennani"


def test_changing_a_password_touches_only_the_signed_in_user(engine):
    alice_token, _bob_token, _alice_id, bob_id = _accounts(engine)
    with session_scope() as session:
        before = session.get(User, bob_id).password_hash
    state = state_for(AccountState, token=alice_token)
    form = {
        "current_password": PASSWORD,
        "new_password": "another long pass phrase 42",
        "user_id": str(bob_id),
    }
    asyncio.run(AccountState.change_password.fn(state, form))
    with session_scope() as session:
        assert session.get(User, bob_id).password_hash == before


def test_a_visitor_without_a_session_is_sent_to_sign_in(engine):
    _accounts(engine)
    state = state_for(AccountState, token=None)
    result = AccountState.open_page.fn(state)
    assert "signin" in str(result)
    assert state.email == ""


def test_signing_out_with_another_users_cookie_value_guess_changes_nothing(engine):
    _alice_token, _bob_token, _alice_id, bob_id = _accounts(engine)
    client = TestClient(build_api(), follow_redirects=False)
    client.cookies.set("oktra_session", "guessed-token")
    response = client.post("/auth/signout", data={"next": "/fr"})
    assert response.status_code == 303
    with session_scope() as session:
        assert session.get(AuthSession, _bob_session_id(bob_id)).revoked_at is None
