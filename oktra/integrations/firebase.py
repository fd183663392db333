"""Firebase Authentication: passwords over the REST API, tokens and users via the Admin SDK.

Every call blocks on the network: from async code, run it in a thread. Exception messages carry
a short code only, never the API key, a password, an ID token or a refresh token.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

import firebase_admin
import httpx
from firebase_admin import auth, credentials
from firebase_admin import exceptions as admin_exceptions
from google.auth.exceptions import DefaultCredentialsError, GoogleAuthError

EMULATOR_ENV = "FIREBASE_AUTH_EMULATOR_HOST"
EMULATOR_API_KEY = "emulator-api-key"
GOOGLE_BASE_URL = "https://identitytoolkit.googleapis.com/v1"
TIMEOUT_SECONDS = 10.0
MIN_PASSWORD_LENGTH = 6
CLOCK_SKEW_SECONDS = 5

log = logging.getLogger(__name__)


class FirebaseAuthError(Exception):
    """Firebase refused or failed; `code` is Firebase's short error code (never a secret)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        super().__init__(message or f"Firebase Auth error {code}")


class InvalidCredentials(FirebaseAuthError):
    """Wrong password or unknown email: the same error for both, so neither is revealed."""


class AccountDisabled(InvalidCredentials):
    """The account exists but is disabled in Firebase."""


class EmailExists(FirebaseAuthError):
    """Sign-up with an email that already has an account."""


class WeakPassword(FirebaseAuthError):
    """Firebase refused the password as too weak (shorter than six characters)."""


class TooManyAttempts(FirebaseAuthError):
    """Firebase is throttling this account or client: retry later."""


class UserNotFound(FirebaseAuthError):
    """No Firebase user has this uid or email."""


class InvalidToken(FirebaseAuthError):
    """An ID token that is forged, malformed, expired, revoked, or for another project."""


class FirebaseUnavailable(FirebaseAuthError):
    """Firebase could not be reached or answered with a server error: a retry may succeed."""


_REST_ERRORS: dict[str, type[FirebaseAuthError]] = {
    "EMAIL_EXISTS": EmailExists,
    "INVALID_LOGIN_CREDENTIALS": InvalidCredentials,
    "INVALID_PASSWORD": InvalidCredentials,
    "EMAIL_NOT_FOUND": InvalidCredentials,
    "USER_DISABLED": AccountDisabled,
    "WEAK_PASSWORD": WeakPassword,
    "TOO_MANY_ATTEMPTS_TRY_LATER": TooManyAttempts,
}
_CODE_PATTERN = re.compile(r"[A-Z][A-Z_]+(?=$|[ :])")


@dataclass(frozen=True)
class FirebaseUser:
    """A signed-in Firebase user; the tokens stay out of repr so logging the user leaks nothing."""

    uid: str
    email: str
    id_token: str = field(repr=False)
    refresh_token: str = field(repr=False)


def rest_base_url(emulator_host: str | None) -> str:
    """The Identity Toolkit v1 base URL: the emulator's when a host is given, else Google's."""
    if emulator_host:
        return f"http://{emulator_host}/identitytoolkit.googleapis.com/v1"
    return GOOGLE_BASE_URL


def _rest_error(response: httpx.Response) -> FirebaseAuthError:
    """The typed error for a refused REST call, from Firebase's `error.message` code."""
    if response.status_code >= 500:
        return FirebaseUnavailable(
            "UNAVAILABLE", f"Firebase Auth answered HTTP {response.status_code}"
        )
    try:
        message = str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        message = ""
    match = _CODE_PATTERN.match(message)
    code = match.group(0) if match else f"HTTP_{response.status_code}"
    return _REST_ERRORS.get(code, FirebaseAuthError)(code)


def _admin_error(exc: Exception) -> FirebaseAuthError:
    """The typed error for a failed Admin SDK call (its own message may quote inputs: dropped)."""
    if isinstance(exc, auth.UserNotFoundError | auth.EmailNotFoundError):
        return UserNotFound("USER_NOT_FOUND")
    if isinstance(exc, auth.EmailAlreadyExistsError):
        return EmailExists("EMAIL_EXISTS")
    if isinstance(exc, auth.TooManyAttemptsTryLaterError | auth.ResetPasswordExceedLimitError):
        return TooManyAttempts("TOO_MANY_ATTEMPTS_TRY_LATER")
    if isinstance(exc, DefaultCredentialsError):
        return FirebaseAuthError("NO_CREDENTIALS", "No Google credentials for the Admin SDK")
    if isinstance(exc, GoogleAuthError):
        return FirebaseUnavailable("UNAVAILABLE", "Google credentials could not be used")
    if isinstance(exc, admin_exceptions.FirebaseError):
        if exc.code in {admin_exceptions.UNAVAILABLE, admin_exceptions.DEADLINE_EXCEEDED}:
            return FirebaseUnavailable("UNAVAILABLE", "Firebase Auth unreachable")
        return FirebaseAuthError(str(exc.code))
    return FirebaseAuthError("INVALID_ARGUMENT")


class FirebaseAuth:
    """One Firebase project's Authentication: REST for passwords, the Admin SDK for the rest.

    firebase-admin selects the emulator from FIREBASE_AUTH_EMULATOR_HOST; `emulator_host`
    defaults to that variable and, when given, must match it, so both halves talk to one server.
    Clients of one project and host share one named firebase_admin App (the first one's credential).
    """

    def __init__(
        self,
        project_id: str,
        api_key: str = EMULATOR_API_KEY,
        emulator_host: str | None = None,
        *,
        credential: credentials.Base | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        environment_host = os.environ.get(EMULATOR_ENV, "")
        host = environment_host if emulator_host is None else emulator_host
        if host != environment_host:
            raise ValueError(f"firebase-admin reads {EMULATOR_ENV}: set it to the emulator host")
        if not host and api_key in {"", EMULATOR_API_KEY}:
            raise ValueError("Outside the emulator, Firebase needs the project's Web API key")
        self.project_id = project_id
        self.emulator_host = host or None
        self._api_key = api_key
        self._base_url = rest_base_url(self.emulator_host)
        self._http = httpx.Client(timeout=timeout)
        self._app = self._admin_app(credential=credential, timeout=timeout)

    def __repr__(self) -> str:
        return f"FirebaseAuth(project_id={self.project_id!r}, emulator_host={self.emulator_host!r})"

    def _admin_app(
        self, *, credential: credentials.Base | None, timeout: float
    ) -> firebase_admin.App:
        """This client's named firebase_admin App, reused when already initialized."""
        name = f"oktra-auth:{self.project_id}:{self.emulator_host or 'google'}"
        try:
            return firebase_admin.get_app(name)
        except ValueError:
            pass
        return firebase_admin.initialize_app(
            credential, options={"projectId": self.project_id, "httpTimeout": timeout}, name=name
        )

    def close(self) -> None:
        """Close the HTTP connections of the REST half."""
        self._http.close()

    def __enter__(self) -> FirebaseAuth:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to an Identity Toolkit endpoint; the API key goes in a header, never in the URL."""
        try:
            response = self._http.post(
                f"{self._base_url}/{endpoint}", json=body, headers={"X-Goog-Api-Key": self._api_key}
            )
        except httpx.HTTPError as exc:
            log.warning("Firebase Auth %s unreachable: %s", endpoint, type(exc).__name__)
            raise FirebaseUnavailable("UNAVAILABLE", "Firebase Auth unreachable") from None
        if response.is_success:
            try:
                return response.json()
            except ValueError:
                raise FirebaseUnavailable("UNAVAILABLE", "Firebase Auth answered no JSON") from None
        error = _rest_error(response)
        log.info("Firebase Auth %s refused: %s", endpoint, error.code)
        raise error

    def _password_call(self, endpoint: str, email: str, password: str) -> FirebaseUser:
        data = self._post(
            endpoint, {"email": email, "password": password, "returnSecureToken": True}
        )
        return FirebaseUser(
            uid=data["localId"],
            email=data.get("email", email),
            id_token=data["idToken"],
            refresh_token=data["refreshToken"],
        )

    def sign_up(self, email: str, password: str) -> FirebaseUser:
        """Create a password account and sign it in; EmailExists or WeakPassword when refused."""
        return self._password_call("accounts:signUp", email, password)

    def sign_in_with_password(self, email: str, password: str) -> FirebaseUser:
        """Sign in with email and password; InvalidCredentials for a wrong password or email."""
        return self._password_call("accounts:signInWithPassword", email, password)

    def _check_emulator(self) -> None:
        """Refuse to run if the emulator variable changed since this client was made."""
        if (os.environ.get(EMULATOR_ENV, "") or None) != self.emulator_host:
            raise FirebaseAuthError("EMULATOR_CHANGED", f"{EMULATOR_ENV} changed after start-up")

    def verify_id_token(self, id_token: str) -> str:
        """The uid of a current, unrevoked ID token of this project; InvalidToken otherwise."""
        self._check_emulator()
        if not isinstance(id_token, str) or not id_token:
            raise InvalidToken("MALFORMED", "ID token refused: MALFORMED")
        try:
            claims = auth.verify_id_token(id_token, app=self._app, check_revoked=True)
        except auth.ExpiredIdTokenError:
            raise InvalidToken("EXPIRED", "ID token refused: EXPIRED") from None
        except auth.RevokedIdTokenError:
            raise InvalidToken("REVOKED", "ID token refused: REVOKED") from None
        except auth.UserDisabledError:
            raise InvalidToken("USER_DISABLED", "ID token refused: USER_DISABLED") from None
        except auth.UserNotFoundError:
            raise InvalidToken("USER_NOT_FOUND", "ID token refused: USER_NOT_FOUND") from None
        except auth.InvalidIdTokenError:
            raise InvalidToken("INVALID", "ID token refused: INVALID") from None
        except (admin_exceptions.FirebaseError, GoogleAuthError) as exc:
            raise _admin_error(exc) from None
        except ValueError:
            raise InvalidToken("INVALID", "ID token refused: INVALID") from None
        _check_times(claims)
        return claims["uid"]

    def revoke_refresh_tokens(self, uid: str) -> None:
        """Revoke every refresh token of the user; ID tokens issued before now stop verifying."""
        self._admin(auth.revoke_refresh_tokens, uid)

    def delete_user(self, uid: str) -> None:
        """Delete the Firebase user; UserNotFound if there is none."""
        self._admin(auth.delete_user, uid)

    def update_password(self, uid: str, password: str) -> None:
        """Set a new password; WeakPassword if it is shorter than six characters."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise WeakPassword("WEAK_PASSWORD")
        self._admin(auth.update_user, uid, password=password)

    def password_updated_at(self, uid: str) -> float:
        """When the user's password was last set, in seconds (0 if never).

        UserRecord exposes no property for it: the Identity Toolkit record it wraps carries
        `passwordUpdatedAt` (milliseconds). Token revocation time would not do: an email change
        revokes tokens too.
        """
        user = self._admin(auth.get_user, uid)
        return int(user._data.get("passwordUpdatedAt", 0)) / 1000

    def update_email(self, uid: str, email: str) -> None:
        """Change the address the user signs in with; it is no longer verified."""
        self._admin(auth.update_user, uid, email=email, email_verified=False)

    def email_verification_link(self, email: str, continue_url: str) -> str:
        """A link that verifies the address, for OKTRA to send in its own email."""
        settings = auth.ActionCodeSettings(url=continue_url)
        return self._admin(auth.generate_email_verification_link, email, settings)

    def password_reset_link(self, email: str, continue_url: str) -> str:
        """A password-reset link, for OKTRA to send in its own email; UserNotFound if unknown."""
        settings = auth.ActionCodeSettings(url=continue_url)
        return self._admin(auth.generate_password_reset_link, email, settings)

    def _admin(self, operation: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one Admin SDK call on this client's app, mapping its errors to typed ones."""
        self._check_emulator()
        try:
            return operation(*args, app=self._app, **kwargs)
        except (admin_exceptions.FirebaseError, GoogleAuthError, ValueError) as exc:
            error = _admin_error(exc)
            log.info("Firebase Admin %s failed: %s", operation.__name__, error.code)
            raise error from None


def _check_times(claims: dict[str, Any], *, now: float | None = None) -> None:
    """Refuse an expired or future-dated token (the SDK skips these checks with the emulator)."""
    now = time.time() if now is None else now
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or expires <= now:
        raise InvalidToken("EXPIRED", "ID token refused: EXPIRED")
    if not isinstance(issued, int | float) or issued > now + CLOCK_SKEW_SECONDS:
        raise InvalidToken("INVALID", "ID token refused: INVALID")
