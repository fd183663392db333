"""Every form against hostile input: a clear message or the text stored as typed, never a crash."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from oktra.accounts import service, sessions
from oktra.accounts.models import User
from oktra.accounts.profile_state import AccountState
from oktra.accounts.state import PasswordResetState, SignInState, SignUpState
from oktra.accounts.validation import ValidationFailedError, check_profile, check_signup
from oktra.core.clock import utc_now
from oktra.db import session_scope
from tests.unit.accounts.conftest import (
    create_account,
    run_handler,
    signed_in_token,
    signup_form,
    state_for,
)

MEGABYTE = "x" * 1_000_000
PAYLOADS = [
    "",
    MEGABYTE,
    123,
    None,
    ["a", "list"],
    {"a": "dict"},
    True,
    "سلمى بناني",
    "Salma 🚀✨",
    "\u202eSalma\u202c",
    "<script>alert('x')</script>",
    "'; DROP TABLE user_account; --",
    "\x00\x07control",
]
FIELDS = ["full_name", "email", "company_name", "phone", "password", "accept_terms"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_signup_checks_answer_every_payload_with_values_or_field_messages(field, payload):
    form = {**signup_form("salma@atlas.ma"), field: payload}
    try:
        values = check_signup(form)
    except ValidationFailedError as failed:
        assert set(failed.errors) <= set(FIELDS)
        assert all(isinstance(message, str) and message for message in failed.errors.values())
    else:
        assert isinstance(values["full_name"], str)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_profile_checks_answer_every_payload(payload):
    form = {
        "full_name": payload,
        "email": payload,
        "company_name": payload,
        "phone": payload,
        "language": payload,
        "sectors": payload,
        "regions": payload,
    }
    try:
        check_profile(form, sectors={"it"}, regions={"souss_massa"})
    except ValidationFailedError as failed:
        assert failed.errors


@pytest.mark.parametrize(
    "name", ["سلمى بناني", "Salma 🚀✨", "<b>Salma</b> <script>x</script>", "\u202eSalma"]
)
def test_names_in_any_script_or_with_markup_are_stored_exactly_as_text(engine, name):
    signed = create_account("salma@atlas.ma", full_name=name)
    with session_scope() as session:
        assert session.get(User, signed.user_id).full_name == name


def test_a_megabyte_form_is_refused_quickly_and_nothing_is_stored(engine):
    with pytest.raises(ValidationFailedError):
        create_account("salma@atlas.ma", full_name=MEGABYTE, password=MEGABYTE)
    with session_scope() as session:
        assert session.exec(select(User)).all() == []


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_every_state_handler_turns_bad_input_into_messages(engine, payload):
    signed = create_account("salma@atlas.ma")
    token = signed_in_token(signed)
    form = dict.fromkeys(
        [
            "full_name",
            "email",
            "company_name",
            "phone",
            "password",
            "accept_terms",
            "current_password",
            "new_password",
            "language",
        ],
        payload,
    )

    signup = state_for(SignUpState, token=None, path="/fr/signup")
    run_handler(SignUpState.submit, signup, form)
    signin = state_for(SignInState, token=None, path="/fr/signin")
    run_handler(SignInState.submit, signin, form)
    assert signin.errors
    reset = state_for(PasswordResetState, token=None, path="/fr/forgot")
    run_handler(PasswordResetState.request_link, reset, form)
    assert reset.message
    account = state_for(AccountState, token=token)
    run_handler(AccountState.save_profile, account, form)
    run_handler(AccountState.change_password, account, form)
    run_handler(AccountState.resend_verification, account)
    run_handler(AccountState.revoke, account, payload if isinstance(payload, str) else "x")
    with session_scope() as session:
        assert sessions.session_for_token(session=session, token=token, now=utc_now())


def test_sign_in_refuses_wrong_types_with_the_usual_message(engine):
    for email, password in [(None, None), (["x"], "y"), ("a@b.ma", 42), ("a@b.ma", "p" * 5000)]:
        with pytest.raises(ValidationFailedError) as failed:
            asyncio.run(
                service.sign_in(email=email, password=password, client=sessions.ClientInfo())
            )
        assert set(failed.value.errors) == {"password"}
