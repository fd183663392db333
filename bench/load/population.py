"""The load benchmark's world: a fresh PostgreSQL database with the demo catalogue (2,608
tenders from the real notices), N verified accounts on the free plan with one alert each, and
the words and tender ids the simulated users pick from."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from oktra import migrations
from oktra.accounts.models import User
from oktra.accounts.passwords import hash_password
from oktra.alerts.service import AlertSettings, create_alert
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.tenders.criteria import Criteria
from oktra.tenders.demo import load_demo_tenders
from oktra.tenders.models import Tender

PASSWORD = "load-test-passphrase-2026"  # throwaway accounts of a local benchmark


@dataclass(frozen=True)
class Account:
    """One simulated user's account."""

    email: str
    alert_id: int


@dataclass(frozen=True)
class World:
    """What the users sign in with and pick from."""

    accounts: list[Account]
    words: list[str]
    tender_ids: list[int]


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database (never the one the app uses)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def analyze(url: str) -> None:
    """Planner statistics for the freshly loaded tables, as autovacuum gathers them within a
    minute of a bulk load: without them every full-text lookup is a sequential scan (3 ms
    becomes 50 ms a word on the catalogue)."""
    engine = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def _words(titles: list[str], rng: random.Random) -> list[str]:
    words = {word.lower().strip(".,;:()'\"") for title in titles for word in title.split()}
    return sorted(word for word in words if len(word) >= 6 and word.isalpha())


def populate(url: str, users: int, seed: int = 7) -> World:
    """Migrate, load the catalogue, create the accounts (one bcrypt hash shared by all: the
    sign-ins still check it at cost 12, as production does)."""
    migrations.upgrade(url)
    rng = random.Random(seed)
    password_hash = hash_password(PASSWORD)
    now = utc_now()
    with session_scope() as session:
        load_demo_tenders(session=session)
        tenders = session.exec(select(Tender.id, Tender.title)).all()
        words = _words([title for _id, title in tenders], rng)
        accounts = []
        for number in range(users):
            user = User(
                email=f"load{number:04d}@load.bench.oktra.ma",
                full_name=f"Load user {number}",
                company_name="Bench SARL",
                password_hash=password_hash,
                language="en",
                email_verified_at=now,
            )
            session.add(user)
            session.flush()
            word = rng.choice(words)
            alert = create_alert(
                session=session,
                user_id=user.id,
                settings=AlertSettings(name=f"Alert {word}", frequency="weekly"),
                criteria=Criteria(text=word),
                now=now,
            )
            accounts.append(Account(email=user.email, alert_id=alert.id))
    analyze(url)
    return World(
        accounts=accounts,
        words=rng.sample(words, min(300, len(words))),
        tender_ids=rng.sample([tender_id for tender_id, _title in tenders], 300),
    )
