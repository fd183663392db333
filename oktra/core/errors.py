"""Errors shared by every domain."""

from __future__ import annotations


class OktraError(Exception):
    """Base of OKTRA's own errors."""


class ConfigError(OktraError):
    """A setting is missing, malformed or unsafe; the message names it in one line."""

    def __init__(self, setting: str, message: str, *, raw_name: bool = False) -> None:
        self.setting = (
            setting if raw_name or setting.startswith("OKTRA_") else (f"OKTRA_{setting.upper()}")
        )
        self.message = message
        super().__init__(f"{self.setting}: {message}")


class NotFoundError(OktraError):
    """The thing asked for does not exist."""
