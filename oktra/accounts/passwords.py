"""Passwords: bcrypt (cost 12) in a worker thread, and the sign-in provider interface."""

from __future__ import annotations

import asyncio
import functools
from typing import Protocol

import bcrypt

from oktra.accounts.models import User

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


class SignInProvider(Protocol):
    """Who checks customers' passwords: local bcrypt (default) or Firebase (production)."""

    name: str

    async def new_credentials(self, *, email: str, password: str) -> tuple[str | None, str | None]:
        """(password hash kept by OKTRA, external id) for a new account."""

    async def check(self, *, user: User | None, password: str) -> bool:
        """Whether the password is the user's; costs the same when the user is None."""

    async def change(self, *, user: User, password: str) -> str | None:
        """Set a new password; returns the hash OKTRA keeps, if any."""


class LocalPasswordProvider:
    """Passwords hashed with bcrypt and kept in OKTRA's own database."""

    name = "local"

    async def new_credentials(self, *, email: str, password: str) -> tuple[str | None, str | None]:
        """A bcrypt hash; no external id."""
        return await hash_password_async(password), None

    async def check(self, *, user: User | None, password: str) -> bool:
        """One bcrypt check, also for an unknown email (no timing oracle)."""
        return await verify_password_async(password, user.password_hash if user else None)

    async def change(self, *, user: User, password: str) -> str | None:
        """A new bcrypt hash."""
        return await hash_password_async(password)


def provider_for(name: str) -> SignInProvider:
    """The provider named by OKTRA_AUTH_PROVIDER."""
    if name == "local":
        return LocalPasswordProvider()
    msg = f"sign-in provider {name!r} is not available in this version"
    raise NotImplementedError(msg)
