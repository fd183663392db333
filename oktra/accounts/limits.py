"""Abuse limits (the `limits` package): Redis when OKTRA_REDIS_URL is set, memory otherwise.

A moving window per rule. Failed sign-ins count per account and per IP address: a burst from
one address is stopped without locking the real owner out when they sign in from elsewhere.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from oktra.i18n import N_
from oktra.settings import get_settings

KEY_PREFIX = "oktra-limits"
TOO_MANY = N_("Too many attempts: try again in {minutes} min.")


@dataclass(frozen=True)
class Rule:
    """A named limit, such as five failed sign-ins per account in fifteen minutes."""

    name: str
    limit: str

    @property
    def item(self) -> RateLimitItem:
        """The parsed limit."""
        return parse(self.limit)


SIGNIN_FAILURES_PER_ACCOUNT = Rule("signin-account", "5/15minutes")
SIGNIN_FAILURES_PER_IP = Rule("signin-ip", "20/15minutes")
SIGNUPS_PER_IP = Rule("signup-ip", "10/hour")
RESETS_PER_IP = Rule("reset-ip", "10/hour")
RESETS_PER_ACCOUNT = Rule("reset-account", "3/hour")
RESENDS_PER_ACCOUNT = Rule("resend-account", "3/hour")


class LimitExceededError(Exception):
    """A limit is reached; `wait_seconds` says how long until the next try is allowed."""

    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(f"limit reached, retry in {wait_seconds} s")

    @property
    def wait_minutes(self) -> int:
        """The wait, rounded up to whole minutes for the message."""
        return max(1, math.ceil(self.wait_seconds / 60))


@functools.cache
def _storage(uri: str, prefix: str) -> Storage:
    if uri.startswith("redis"):
        return storage_from_string(uri, key_prefix=prefix)
    return storage_from_string("memory://")


class Limiter:
    """Counts attempts per rule and key; refuses when a rule's window is full."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)

    def check(self, rule: Rule, key: str) -> None:
        """Raise LimitExceededError if the rule is already exhausted for this key."""
        if not self._limiter.test(rule.item, rule.name, key):
            raise LimitExceededError(self._wait(rule, key))

    def hit(self, rule: Rule, key: str) -> bool:
        """Count one attempt; False when this one went over the limit."""
        return self._limiter.hit(rule.item, rule.name, key)

    def take(self, rule: Rule, key: str) -> None:
        """Count one attempt, or raise LimitExceededError when none is left."""
        if not self._limiter.hit(rule.item, rule.name, key):
            raise LimitExceededError(self._wait(rule, key))

    def reset(self) -> None:
        """Forget every count (tests; an operator after an incident)."""
        self._storage.reset()

    def _wait(self, rule: Rule, key: str) -> int:
        stats = self._limiter.get_window_stats(rule.item, rule.name, key)
        return max(1, math.ceil(stats.reset_time - time.time()))


def get_limiter() -> Limiter:
    """The limiter on the configured storage."""
    settings = get_settings()
    return Limiter(_storage(settings.redis_url or "memory://", KEY_PREFIX))
