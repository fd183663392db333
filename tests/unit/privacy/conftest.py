"""Users, shipped texts and helpers for the policy-versions and announcements tests."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest

from oktra.accounts.models import User
from oktra.core.clock import utc_now
from oktra.privacy import policy
from oktra.privacy.service import PRODUCT_NEWS, record_consent

_numbers = itertools.count(1)
SUMMARY = {
    "en": "We now keep invoices for ten years.",
    "fr": "Nous conservons désormais les factures dix ans.",
    "ar": "نحتفظ الآن بالفواتير لمدة عشر سنوات.",
}


@pytest.fixture
def make_user(session) -> Callable[..., User]:
    """A verified customer account, created a day ago."""

    def make(**fields) -> User:
        number = next(_numbers)
        yesterday = utc_now() - timedelta(days=1)
        user = User(
            email=fields.pop("email", f"user{number}@example.ma"),
            full_name=fields.pop("full_name", f"User {number}"),
            email_verified_at=fields.pop("email_verified_at", yesterday),
            created_at=fields.pop("created_at", yesterday),
            **fields,
        )
        session.add(user)
        session.flush()
        return user

    return make


@pytest.fixture
def ship(monkeypatch) -> Callable[..., dict]:
    """Ship another text of a document, as a deploy of an edited toml does."""
    shipped = {name: policy.load_source(name) for name in policy.DOCUMENTS}
    monkeypatch.setattr(policy, "load_source", lambda name: shipped[name])

    def run(document: str, version: str, section: str | None = None, text: str = "") -> dict:
        source = copy.deepcopy(shipped[document])
        source["meta"]["version"] = version
        for raw in source["sections"]:
            if raw["id"] == section:
                for lang in raw["body"]:
                    raw["body"][lang] = raw["body"][lang] + f"\n\n{text} ({lang})"
        shipped[document] = source
        return source

    return run


def grant_news(session, user: User, granted: bool = True) -> None:
    """The user's answer about product news, recorded as the account page does."""
    record_consent(
        session=session,
        user_id=user.id,
        purpose=PRODUCT_NEWS,
        granted=granted,
        lang=user.language,
        ip_hash="",
        user_agent="pytest",
    )
