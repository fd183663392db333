"""Passwords: bcrypt (cost 12) in a worker thread, and the sign-in provider interface."""

from __future__ import annotations

import asyncio
import functools
import os
from datetime import UTC, datetime, timedelta
from typing import Protocol

import bcrypt

from oktra.accounts.models import User
from oktra.core.clock import as_utc
from oktra.integrations.firebase import (
    EMULATOR_ENV,
    EmailExists,
    FirebaseAuth,
    InvalidCredentials,
    InvalidToken,
    UserNotFound,
)
from oktra.settings import Settings

BCRYPT_ROUNDS = 12
BCRYPT_MAX_BYTES = 72


class PasswordTooLongError(ValueError):
    """bcrypt reads at most 72 bytes; a longer password is refused rather than truncated."""


def hash_password(password: str, *, rounds: int | None = None) -> str:
    """A bcrypt hash of the password (policy section 8), cost 12 unless told otherwise."""
    raw = password.encode("utf-8")
    if len(raw) > BCRYPT_MAX_BYTES:
        raise PasswordTooLongError("password longer than 72 bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds or BCRYPT_ROUNDS)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the stored bcrypt hash."""
    raw = password.encode("utf-8")
    if len(raw) > BCRYPT_MAX_BYTES:
        return False
    return bcrypt.checkpw(raw, password_hash.encode("ascii"))


@functools.cache
def dummy_hash() -> str:
    """A hash to check against when the email is unknown, so both cases cost one bcrypt."""
    return hash_password("oktra-no-such-account")


async def hash_password_async(password: str) -> str:
    """Hash in a worker thread: bcrypt takes ~240 ms and must never block the event loop."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password: str, password_hash: str | None) -> bool:
    """Check in a worker thread; an account without a password costs the same one check."""
    matched = await asyncio.to_thread(_verify_or_dummy, password, password_hash)
    return matched and password_hash is not None


def _verify_or_dummy(password: str, password_hash: str | None) -> bool:
    """In the worker thread: the real check, or the same work against a dummy hash."""
    return verify_password(password, password_hash or dummy_hash())


class AccountExistsError(Exception):
    """The provider already holds an account for this address."""


class SignInProvider(Protocol):
    """Who checks customers' passwords: local bcrypt (default) or Firebase (production)."""

    name: str

    async def new_credentials(self, *, email: str, password: str) -> tuple[str | None, str | None]:
        """(password hash kept by OKTRA, external id) for a new account."""

    async def check(self, *, email: str, user: User | None, password: str) -> bool:
        """Whether the password is the user's; costs the same when the user is None."""

    async def change(self, *, user: User, password: str) -> str | None:
        """Set a new password (other sessions end); returns the hash OKTRA keeps, if any."""

    async def sign_out_everywhere(self, *, user: User) -> None:
        """End the provider's own sessions of the user (refresh tokens)."""

    async def change_email(self, *, user: User, email: str) -> None:
        """Sign in with this address from now on."""

    async def verification_link(self, *, user: User, oktra_link: str) -> str:
        """The link the verification email carries."""

    async def reset_link(self, *, user: User, oktra_link: str, signin_url: str) -> str:
        """The link the password-reset email carries."""

    async def password_changed_since(self, *, user: User) -> datetime | None:
        """When the password was changed outside OKTRA after OKTRA last saw it, if it was."""

    async def delete_account(self, *, user: User) -> None:
        """Forget the user's credentials at the provider (account deletion)."""


class LocalPasswordProvider:
    """Passwords hashed with bcrypt and kept in OKTRA's own database."""

    name = "local"

    async def new_credentials(self, *, email: str, password: str) -> tuple[str | None, str | None]:
        """A bcrypt hash; no external id."""
        return await hash_password_async(password), None

    async def check(self, *, email: str, user: User | None, password: str) -> bool:
        """One bcrypt check, also for an unknown email (no timing oracle)."""
        return await verify_password_async(password, user.password_hash if user else None)

    async def change(self, *, user: User, password: str) -> str | None:
        """A new bcrypt hash."""
        return await hash_password_async(password)

    async def sign_out_everywhere(self, *, user: User) -> None:
        """Nothing to do: OKTRA's own sessions are the only ones."""

    async def change_email(self, *, user: User, email: str) -> None:
        """Nothing to do: OKTRA's own row holds the address."""

    async def verification_link(self, *, user: User, oktra_link: str) -> str:
        """OKTRA's own signed link."""
        return oktra_link

    async def reset_link(self, *, user: User, oktra_link: str, signin_url: str) -> str:
        """OKTRA's own signed, single-use link."""
        return oktra_link

    async def password_changed_since(self, *, user: User) -> datetime | None:
        """Never: only OKTRA changes local passwords."""
        return None

    async def delete_account(self, *, user: User) -> None:
        """Nothing outside OKTRA: the hash goes with OKTRA's own row."""


CLOCK_SLACK = timedelta(seconds=2)


class FirebasePasswordProvider:
    """Passwords checked by Firebase Authentication; OKTRA keeps the uid, never a hash."""

    name = "firebase"

    def __init__(self, client: FirebaseAuth) -> None:
        self._client = client

    async def new_credentials(self, *, email: str, password: str) -> tuple[str | None, str | None]:
        """A Firebase account; its uid is OKTRA's external id."""
        try:
            created = await asyncio.to_thread(self._client.sign_up, email, password)
        except EmailExists:
            raise AccountExistsError(email) from None
        return None, created.uid

    async def check(self, *, email: str, user: User | None, password: str) -> bool:
        """Firebase signs the address in; the uid must be this user's (one call either way)."""
        try:
            signed = await asyncio.to_thread(self._client.sign_in_with_password, email, password)
            uid = await asyncio.to_thread(self._client.verify_id_token, signed.id_token)
        except (InvalidCredentials, InvalidToken):
            return False
        return user is not None and uid == user.external_id

    async def change(self, *, user: User, password: str) -> str | None:
        """Set the password in Firebase and end its refresh tokens."""
        await asyncio.to_thread(self._client.update_password, user.external_id, password)
        await self.sign_out_everywhere(user=user)
        return None

    async def sign_out_everywhere(self, *, user: User) -> None:
        """Revoke the user's Firebase refresh tokens."""
        if user.external_id:
            await asyncio.to_thread(self._client.revoke_refresh_tokens, user.external_id)

    async def change_email(self, *, user: User, email: str) -> None:
        """Move the Firebase user to the new address."""
        try:
            await asyncio.to_thread(self._client.update_email, user.external_id, email)
        except EmailExists:
            raise AccountExistsError(email) from None

    async def verification_link(self, *, user: User, oktra_link: str) -> str:
        """Firebase's link: it verifies the address there, then continues to OKTRA's link."""
        return await asyncio.to_thread(self._client.email_verification_link, user.email, oktra_link)

    async def reset_link(self, *, user: User, oktra_link: str, signin_url: str) -> str:
        """Firebase's link: the new password is chosen there, then the user signs in."""
        return await asyncio.to_thread(self._client.password_reset_link, user.email, signin_url)

    async def password_changed_since(self, *, user: User) -> datetime | None:
        """When the password was last set in Firebase, if after OKTRA's record of it."""
        seconds = await asyncio.to_thread(self._client.password_updated_at, user.external_id)
        changed = datetime.fromtimestamp(seconds, UTC)
        return changed if changed > as_utc(user.password_changed_at) + CLOCK_SLACK else None

    async def delete_account(self, *, user: User) -> None:
        """Delete the Firebase user (a user already gone there is fine)."""
        if not user.external_id:
            return
        try:
            await asyncio.to_thread(self._client.delete_user, user.external_id)
        except UserNotFound:
            return


@functools.cache
def _firebase_client(project_id: str, api_key: str, emulator_host: str) -> FirebaseAuth:
    return FirebaseAuth(project_id, api_key, emulator_host or None)


def provider_for(settings: Settings) -> SignInProvider:
    """The provider named by OKTRA_AUTH_PROVIDER."""
    if settings.auth_provider == "firebase":
        client = _firebase_client(
            settings.firebase_project_id,
            settings.firebase_api_key.get_secret_value(),
            os.environ.get(EMULATOR_ENV, ""),
        )
        return FirebasePasswordProvider(client)
    return LocalPasswordProvider()
