"""FirebaseAuth against the real Firebase Auth emulator: passwords, ID tokens, users and links."""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import credentials

from oktra.integrations.firebase import (
    EMULATOR_ENV,
    AccountDisabled,
    EmailExists,
    FirebaseAuth,
    FirebaseAuthError,
    FirebaseUnavailable,
    InvalidCredentials,
    InvalidToken,
    TooManyAttempts,
    UserNotFound,
    WeakPassword,
    _rest_error,
    rest_base_url,
)

PASSWORD = "Sable-Chaud-2024!"
CONTINUE_URL = "http://localhost:3000/auth/done"


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _jwt(
    claims: dict[str, Any], *, header: dict[str, Any] | None = None, signature: str = ""
) -> str:
    """An unsigned token like the emulator's, or one with any header and a made-up signature."""
    return f"{_segment(header or {'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}.{signature}"


def _claims_for(uid: str, *, project: str = "demo-oktra", **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": f"https://securetoken.google.com/{project}",
        "aud": project,
        "sub": uid,
        "user_id": uid,
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "firebase": {"sign_in_provider": "password", "identities": {}},
    }
    return claims | overrides


def _refused(firebase: FirebaseAuth, token: str) -> InvalidToken:
    with pytest.raises(InvalidToken) as refusal:
        firebase.verify_id_token(token)
    assert not token or token not in str(refusal.value)
    return refusal.value


def test_sign_up_then_sign_in_returns_the_same_uid(firebase: FirebaseAuth) -> None:
    created = firebase.sign_up("amina@example.ma", PASSWORD)
    signed_in = firebase.sign_in_with_password("amina@example.ma", PASSWORD)
    assert signed_in.uid == created.uid
    assert signed_in.email == "amina@example.ma"
    assert signed_in.id_token and signed_in.refresh_token
    assert signed_in.id_token not in repr(signed_in)
    assert signed_in.refresh_token not in repr(signed_in)


def test_wrong_password_and_unknown_email_raise_the_same_error(firebase: FirebaseAuth) -> None:
    firebase.sign_up("amina@example.ma", PASSWORD)
    with pytest.raises(InvalidCredentials) as wrong_password:
        firebase.sign_in_with_password("amina@example.ma", "not-the-password")
    with pytest.raises(InvalidCredentials) as unknown_email:
        firebase.sign_in_with_password("nobody@example.ma", PASSWORD)
    assert type(wrong_password.value) is type(unknown_email.value) is InvalidCredentials
    assert str(wrong_password.value).startswith("Firebase Auth error ")


def test_duplicate_email_raises_email_exists(firebase: FirebaseAuth) -> None:
    firebase.sign_up("amina@example.ma", PASSWORD)
    with pytest.raises(EmailExists) as refusal:
        firebase.sign_up("amina@example.ma", "Another-Password-9")
    assert refusal.value.code == "EMAIL_EXISTS"


def test_short_password_raises_weak_password(firebase: FirebaseAuth) -> None:
    with pytest.raises(WeakPassword):
        firebase.sign_up("amina@example.ma", "12345")


def test_a_valid_id_token_verifies_to_its_uid(firebase: FirebaseAuth) -> None:
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    assert firebase.verify_id_token(user.id_token) == user.uid


@pytest.mark.parametrize("token", ["", "not-a-token", secrets.token_urlsafe(200), "a.b.c"])
def test_a_random_string_is_refused(firebase: FirebaseAuth, token: str) -> None:
    _refused(firebase, token)


def test_a_jwt_for_a_user_that_does_not_exist_is_refused(firebase: FirebaseAuth) -> None:
    header = {"alg": "RS256", "kid": "made-up", "typ": "JWT"}
    forged = _jwt(_claims_for("no-such-user"), header=header, signature="c2lnbmF0dXJl")
    assert _refused(firebase, forged).code == "USER_NOT_FOUND"


@pytest.mark.parametrize(
    "change",
    [
        {"iss": "https://securetoken.google.com/demo-other"},
        {"aud": "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1"},
        {"sub": ""},
        {"iat": int(time.time()) + 3600},
        {"exp": "never"},
    ],
)
def test_a_jwt_with_wrong_claims_is_refused(firebase: FirebaseAuth, change: dict) -> None:
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    _refused(firebase, _jwt(_claims(user.id_token) | change))


def test_an_expired_token_is_refused(firebase: FirebaseAuth) -> None:
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    claims = _claims(user.id_token)
    expired = _jwt(claims | {"exp": int(time.time()) - 1})
    assert _refused(firebase, expired).code == "EXPIRED"


def test_a_revoked_token_is_refused_and_a_new_sign_in_verifies(firebase: FirebaseAuth) -> None:
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    time.sleep(1.05 - time.time() % 1)
    firebase.revoke_refresh_tokens(user.uid)
    assert _refused(firebase, user.id_token).code == "REVOKED"
    again = firebase.sign_in_with_password("amina@example.ma", PASSWORD)
    assert firebase.verify_id_token(again.id_token) == user.uid


def test_a_token_for_another_project_is_refused(firebase: FirebaseAuth) -> None:
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    other = _jwt(_claims_for(user.uid, project="demo-other"))
    assert _refused(firebase, other).code == "INVALID"


def test_an_emulator_token_is_refused_outside_the_emulator(
    firebase: FirebaseAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = firebase.sign_up("amina@example.ma", PASSWORD).id_token
    monkeypatch.delenv(EMULATOR_ENV)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    account = {
        "type": "service_account",
        "project_id": "demo-oktra",
        "private_key_id": "test",
        "private_key": pem,
        "client_email": "test@demo-oktra.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "http://127.0.0.1:9/token",
    }
    with pytest.raises(ValueError, match="Web API key"):
        FirebaseAuth("demo-oktra")
    production = FirebaseAuth(
        "demo-oktra", api_key="test-api-key", credential=credentials.Certificate(account)
    )
    assert production.emulator_host is None
    assert _refused(production, token).code == "INVALID"
    monkeypatch.setenv(EMULATOR_ENV, "127.0.0.1:1")
    with pytest.raises(FirebaseAuthError) as changed:
        production.verify_id_token(token)
    assert changed.value.code == "EMULATOR_CHANGED"


def test_delete_user_makes_sign_in_and_its_tokens_fail(firebase: FirebaseAuth) -> None:
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    firebase.delete_user(user.uid)
    with pytest.raises(InvalidCredentials):
        firebase.sign_in_with_password("amina@example.ma", PASSWORD)
    assert _refused(firebase, user.id_token).code == "USER_NOT_FOUND"
    with pytest.raises(UserNotFound):
        firebase.delete_user(user.uid)


def test_update_password_replaces_the_old_one(firebase: FirebaseAuth) -> None:
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    firebase.update_password(user.uid, "Nouveau-Mot-2025")
    with pytest.raises(InvalidCredentials):
        firebase.sign_in_with_password("amina@example.ma", PASSWORD)
    assert firebase.sign_in_with_password("amina@example.ma", "Nouveau-Mot-2025").uid == user.uid
    with pytest.raises(WeakPassword):
        firebase.update_password(user.uid, "short")


@pytest.mark.parametrize("kind", ["email_verification_link", "password_reset_link"])
def test_emailed_links_carry_an_oob_code(firebase: FirebaseAuth, kind: str) -> None:
    firebase.sign_up("amina@example.ma", PASSWORD)
    link = getattr(firebase, kind)("amina@example.ma", CONTINUE_URL)
    query = parse_qs(urlparse(link).query)
    assert query["oobCode"][0]
    assert query["continueUrl"] == [CONTINUE_URL]


def test_a_reset_link_for_an_unknown_email_raises_user_not_found(firebase: FirebaseAuth) -> None:
    with pytest.raises(UserNotFound):
        firebase.password_reset_link("nobody@example.ma", CONTINUE_URL)


def test_no_error_text_contains_the_password_the_key_or_a_token(
    firebase: FirebaseAuth, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    user = firebase.sign_up("amina@example.ma", PASSWORD)
    attempts = [
        lambda: firebase.sign_up("amina@example.ma", PASSWORD),
        lambda: firebase.sign_in_with_password("amina@example.ma", PASSWORD + "x"),
        lambda: firebase.verify_id_token(user.id_token + "x"),
        lambda: firebase.verify_id_token(_jwt(_claims(user.id_token) | {"exp": 1})),
        lambda: firebase.update_password("no-such-uid", PASSWORD),
    ]
    secrets_seen = [PASSWORD, user.id_token, user.refresh_token, "test-api-key"]
    for attempt in attempts:
        with pytest.raises(FirebaseAuthError) as refusal:
            attempt()
        error = refusal.value
        assert error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__
        for secret in secrets_seen:
            assert secret not in str(error) and secret not in repr(error)
    for secret in secrets_seen:
        assert secret not in caplog.text


def test_the_rest_base_url_is_the_emulator_or_google() -> None:
    assert rest_base_url("127.0.0.1:9099") == (
        "http://127.0.0.1:9099/identitytoolkit.googleapis.com/v1"
    )
    assert rest_base_url(None) == "https://identitytoolkit.googleapis.com/v1"


def test_an_emulator_host_that_disagrees_with_the_variable_is_refused(emulator_host: str) -> None:
    with pytest.raises(ValueError, match=EMULATOR_ENV):
        FirebaseAuth("demo-oktra", emulator_host="127.0.0.1:1")


@pytest.mark.parametrize(
    ("status", "body", "error_type", "code"),
    [
        (400, {"error": {"message": "TOO_MANY_ATTEMPTS_TRY_LATER"}}, TooManyAttempts, None),
        (400, {"error": {"message": "USER_DISABLED"}}, AccountDisabled, None),
        (400, {"error": {"message": "INVALID_LOGIN_CREDENTIALS"}}, InvalidCredentials, None),
        (
            400,
            {"error": {"message": "WEAK_PASSWORD : Password should be at least 6"}},
            WeakPassword,
            None,
        ),
        (
            400,
            {"error": {"message": "The request is missing a valid API key."}},
            FirebaseAuthError,
            "HTTP_400",
        ),
        (403, "not json", FirebaseAuthError, "HTTP_403"),
        (503, {"error": {"message": "BACKEND_ERROR"}}, FirebaseUnavailable, "UNAVAILABLE"),
    ],
)
def test_firebase_error_answers_map_to_typed_errors(
    status: int, body: Any, error_type: type[FirebaseAuthError], code: str | None
) -> None:
    response = (
        httpx.Response(status, json=body)
        if isinstance(body, dict)
        else httpx.Response(status, text=body)
    )
    error = _rest_error(response)
    assert type(error) is error_type
    assert error.code == (code or body["error"]["message"].split(" ")[0])


def test_an_unreachable_firebase_raises_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EMULATOR_ENV, "127.0.0.1:1")
    with FirebaseAuth("demo-oktra", timeout=2.0) as unreachable:
        with pytest.raises(FirebaseUnavailable):
            unreachable.sign_in_with_password("amina@example.ma", PASSWORD)
        with pytest.raises(FirebaseUnavailable):
            unreachable.delete_user("some-uid")
