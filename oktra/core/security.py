"""Tokens and keyed hashes shared by every domain."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


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
