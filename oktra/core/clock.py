"""Time: stored in UTC, shown in Africa/Casablanca."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MOROCCO = ZoneInfo("Africa/Casablanca")


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC (how SQLite returns it)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_morocco(value: datetime) -> datetime:
    """The same instant on Moroccan wall-clock time."""
    return as_utc(value).astimezone(MOROCCO)
