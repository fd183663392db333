"""Tokens, keyed hashes and sealed values shared by every domain (docs/keys.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_BYTES = 32
SEALED_PREFIX = "v1."
NONCE_BYTES = 12


class UnsealError(ValueError):
    """A sealed value cannot be opened: another key, another context, or altered bytes."""


def new_token() -> str:
    """A fresh unguessable token for a URL or a cookie."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def keyed_hash(value: str, key: str) -> str:
    """An HMAC-SHA256 of a personal value (an IP address), not reversible without the key."""
    if not value:
        return ""
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def derived_key(secret: str, purpose: str) -> bytes:
    """A 256-bit key for one purpose, derived from the secret key with HKDF-SHA256; each purpose
    label gives an unrelated key, so no two uses of the secret key share one."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"oktra:{purpose}".encode())
    return hkdf.derive(secret.encode("utf-8"))


def seal(value: str, *, key: bytes, context: str) -> str:
    """AES-256-GCM of value under key, bound to context (the associated data): text to store."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, value.encode("utf-8"), context.encode("utf-8"))
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(stored: str, *, key: bytes, context: str) -> str:
    """The value seal() stored; UnsealError with another key or context, or altered text."""
    if not stored.startswith(SEALED_PREFIX):
        raise UnsealError("not a sealed value")
    try:
        raw = base64.urlsafe_b64decode(stored[len(SEALED_PREFIX) :].encode("ascii"))
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        plain = AESGCM(key).decrypt(nonce, sealed, context.encode("utf-8"))
    except (InvalidTag, ValueError) as exc:
        raise UnsealError("the sealed value does not open with this key and context") from exc
    return plain.decode("utf-8")
