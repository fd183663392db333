"""Users and tenders for the alerts tests, written through the real services."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from oktra.accounts.models import User
from oktra.alerts.engine import INDEXES
from oktra.core.clock import MOROCCO
from oktra.tenders.catalogue import SNAPSHOTS
from oktra.tenders.service import import_file
from tests.unit.billing.subscribe import subscribe

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test starts with no in-memory index or catalogue snapshot."""
    INDEXES.clear()
    SNAPSHOTS.clear()
    yield
    INDEXES.clear()
    SNAPSHOTS.clear()


@pytest.fixture
def make_user(session) -> Callable[..., User]:
    """A verified customer account, on the Business plan unless `plan` says otherwise
    (None: Free)."""

    def make(*, plan: str | None = "business", **fields) -> User:
        number = next(_numbers)
        user = User(
            email=fields.pop("email", f"user{number}@example.ma"),
            full_name=fields.pop("full_name", f"User {number}"),
            email_verified_at=fields.pop("email_verified_at", NOW),
            **fields,
        )
        session.add(user)
        session.flush()
        if plan is not None:
            subscribe(session, user, now=NOW - timedelta(days=1), plan=plan, until=FAR_FUTURE)
        return user

    return make


def portal_time(value: datetime) -> str:
    """A time as the portal writes it (Moroccan time)."""
    return value.astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")


@pytest.fixture
def publish(session, tmp_path) -> Callable[..., None]:
    """Import open notices through the portal adapter, as `oktra tenders import` does."""

    def run(*titles: str, now: datetime = NOW, **fields) -> None:
        path = tmp_path / f"notices-{next(_numbers)}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for title in titles:
                record = {
                    "reference": fields.get("reference", f"{next(_numbers)}/2026"),
                    "objet": title,
                    "acheteur": fields.get("acheteur", "COMMUNE DE TEMARA"),
                    "date_publication": portal_time(now),
                    "categorie": fields.get("categorie", "FOURNITURES"),
                    "date_limite": portal_time(now + timedelta(days=fields.get("days", 20))),
                    "statut": "OUVERT",
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        import_file(session=session, path=path, now=now)

    return run
