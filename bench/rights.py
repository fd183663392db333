"""Data rights on a heavy user: export (build_export) and erasure (erase_account), timed against
a naive per-row ORM path measured in the same run.

Database: a fresh migrated SQLite file, or with --database-url a new PostgreSQL database on that
server (dropped at the end). Seeded in bulk: --tenders (2,000) tenders of one buyer; two heavy
users A and B, alike: --alerts (1,000) saved searches, --deliveries (100,000) alert_delivery
rows (tender x event, each pair once), 10,000 alert matches, 200 outbox emails, 100 followed
tenders, 50 sessions, 50 audit and 50 security events, 20 consent proofs, and one row in every
other registered table (tests/unit/privacy/rights_data.py, generic from the registry); and
--others (500) users with 100 deliveries and 2 alerts each, so that every query must pick the
user's rows among others'. On PostgreSQL the seeded tables are ANALYZEd.

Timed (perf_counter, one process, each step in its own session and committed):
- export of A: request_export then build_export (ZIP written under a temporary OKTRA_DATA_DIR);
  naive export of B: each registered table's rows as ORM objects, one model_dump and one
  json.dumps per row, written into a ZIP the same way (one JSON file per category);
- erasure of A: erase_account (local sign-in provider: no network);
  naive erasure of B: each registered row loaded as an ORM object and deleted one by one with
  session.delete (the anonymized and held tables as erase_account does: they are small).
Printed: seconds, rows, archive size, and the naive / current ratio. Goal: under 2 s each.
Run: .venv/bin/python bench/rights.py [--deliveries 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BEFORE = NOW - timedelta(days=60)
CHUNK = 5000


def say(line: str = "") -> None:
    """One line on stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def load(name: str, path: Path):
    """A module from a file path (bench/import.py; the tests' generic row maker)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def bulk(connection, table, rows: list[dict]) -> None:
    """Insert rows by executemany batches."""
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start : start + CHUNK])


def seed(url: str, args, data) -> dict[str, int]:
    """Tenders, users A and B (heavy, alike), the other users; returns A and B's ids."""
    from oktra.accounts.models import User
    from oktra.alerts.models import AlertDelivery, AlertMatch, FollowedTender, SavedSearch
    from oktra.db import engine_for, session_scope
    from oktra.tenders.models import Buyer, Tender

    engine = engine_for(url)
    with engine.begin() as connection:
        buyer = connection.execute(
            insert(Buyer.__table__)
            .values(name="COMMUNE", name_key="commune")
            .returning(Buyer.__table__.c.id)
        ).scalar_one()
        tender = {
            "source": "bench",
            "buyer_id": buyer,
            "title": "Travaux",
            "title_original": "Travaux",
            "sectors": [],
            "taxonomy_version": "1",
            "lots": [],
            "generated_fields": [],
            "content_hash": "0" * 64,
            "status": "open",
            "search_title": "",
            "search_other": "",
            "created_at": BEFORE,
            "updated_at": BEFORE,
        }
        bulk(
            connection,
            Tender.__table__,
            [tender | {"source_id": str(n), "reference": f"{n}/2026"} for n in range(args.tenders)],
        )
        tender_ids = list(connection.execute(select(Tender.__table__.c.id)).scalars())
    heavy = {}
    with session_scope(engine) as session:
        for key in ("A", "B"):
            person = data.make_person(
                session,
                name=f"Heavy User {key}",
                email=f"heavy.{key.lower()}@example.ma",
                phone=f"06000000{ord(key)}",
                when=BEFORE,
            )
            data.populate(session, person, BEFORE)
            for model, count in (
                ("auth_session", 50),
                ("audit_event", 50),
                ("security_event", 50),
                ("consent_record", 20),
                ("email_message", 200),
            ):
                for _ in range(count - 1):
                    data.insert_row(session, model, person, BEFORE)
            heavy[key] = person.user_id
    events = [f"event-{n}" for n in range(-(-args.deliveries // len(tender_ids)))]
    stamp = {"created_at": BEFORE, "updated_at": BEFORE}
    with engine.begin() as connection:
        for user_id in heavy.values():
            alerts = [
                {
                    "user_id": user_id,
                    "name": f"Alert {n}",
                    "criteria": {"text": f"mot{n}"},
                    "frequency": "daily",
                    "by_email": True,
                    "in_app": True,
                    "revision": 0,
                    **stamp,
                }
                for n in range(args.alerts)
            ]
            bulk(connection, SavedSearch.__table__, alerts)
            alert_ids = list(
                connection.execute(
                    select(SavedSearch.id).where(SavedSearch.user_id == user_id)
                ).scalars()
            )
            pairs = itertools.islice(itertools.product(events, tender_ids), args.deliveries)
            bulk(
                connection,
                AlertDelivery.__table__,
                [
                    {
                        "user_id": user_id,
                        "tender_id": t,
                        "event": e,
                        "created_at": BEFORE,
                        "saved_search_id": alert_ids[t % len(alert_ids)],
                    }
                    for e, t in pairs
                ],
            )
            width = len(tender_ids)
            bulk(
                connection,
                AlertMatch.__table__,
                [
                    {
                        "user_id": user_id,
                        "tender_id": tender_ids[n % width],
                        "matched_at": BEFORE,
                        "saved_search_id": alert_ids[n // width],
                    }
                    for n in range(10_000)
                ],
            )
            bulk(
                connection,
                FollowedTender.__table__,
                [
                    {"user_id": user_id, "tender_id": t, "created_at": BEFORE}
                    for t in tender_ids[:100]
                ],
            )
        others = [
            {
                "email": f"other{n}@example.ma",
                "full_name": f"Other {n}",
                "auth_provider": "local",
                "language": "fr",
                "sectors": [],
                "regions": [],
                "password_changed_at": BEFORE,
                **stamp,
            }
            for n in range(args.others)
        ]
        bulk(connection, User.__table__, others)
        other_ids = list(
            connection.execute(
                select(User.id).where(User.email.like("other%@example.ma"))
            ).scalars()
        )
        bulk(
            connection,
            AlertDelivery.__table__,
            [
                {"user_id": u, "tender_id": t, "event": "match", "created_at": BEFORE}
                for u in other_ids
                for t in tender_ids[:100]
            ],
        )
        bulk(
            connection,
            SavedSearch.__table__,
            [
                {
                    "user_id": u,
                    "name": "Alert",
                    "criteria": {},
                    "frequency": "daily",
                    "by_email": True,
                    "in_app": True,
                    "revision": 0,
                    **stamp,
                }
                for u in other_ids
                for _ in range(2)
            ],
        )
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in (
                "tender",
                "user_account",
                "saved_search",
                "alert_delivery",
                "alert_match",
                "email_message",
                "followed_tender",
            ):
                connection.execute(text(f'ANALYZE "{table}"'))
    return heavy


def orm_classes() -> dict[str, type]:
    """The ORM class of each table."""
    from sqlmodel import SQLModel

    return {m.local_table.name: m.class_ for m in SQLModel._sa_registry.mappers}


def naive_export(session, user_id: int, target: Path) -> int:
    """Every registered row as an ORM object, dumped and serialized one by one."""
    from oktra.privacy.registry import declarations_by_category

    classes, rows = orm_classes(), 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for category, declarations in declarations_by_category().items():
            parts = []
            for declaration in declarations:
                model = classes[declaration.table]
                link = getattr(model, declaration.user_link)
                for obj in session.exec(select(model).where(link == user_id)).scalars():
                    dumped = obj.model_dump(include=set(declaration.export_columns))
                    parts.append(json.dumps(dumped, default=str, ensure_ascii=False))
                    rows += 1
            zf.writestr(f"{category.value}.json", "[" + ",".join(parts) + "]")
    return rows


def naive_erase(session, user_id: int) -> int:
    """Every registered row deleted one by one through the ORM (the rest as erase_account)."""
    from oktra.privacy import erasure
    from oktra.privacy.registry import Erasure

    classes, deleted = orm_classes(), 0
    for declaration in erasure._dependents_first():
        if declaration.erasure != Erasure.DELETE:
            continue
        model = classes[declaration.table]
        link = getattr(model, declaration.user_link)
        for obj in session.exec(select(model).where(link == user_id)).scalars().all():
            session.delete(obj)
            deleted += 1
        session.flush()
    session.commit()
    erasure.erase_account(session=session, user_id=user_id, now=NOW, reason="bench naive")
    return deleted


def timed(function, *args):
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def run(url: str, args, workdir: Path) -> None:
    """Seed, then time the current and the naive paths."""
    from oktra.db import engine_for, session_scope
    from oktra.privacy import erasure, export

    data = load("rights_data", ROOT / "tests/unit/privacy/rights_data.py")
    seconds, heavy = timed(seed, url, args, data)
    say(f"seeded in {seconds:.1f} s: users A={heavy['A']}, B={heavy['B']}")
    engine = engine_for(url)

    def current_export(user_id: int):
        with session_scope(engine) as session:
            asked = export.request_export(session=session, user_id=user_id, now=NOW)
            session.commit()
            return export.build_export(session=session, export_id=asked.id, now=NOW)

    def naive(user_id: int) -> int:
        with session_scope(engine) as session:
            return naive_export(session, user_id, workdir / "naive.zip")

    current_s, ready = timed(current_export, heavy["A"])
    naive_s, naive_rows = timed(naive, heavy["B"])
    rows = sum(
        json.loads(zipfile.ZipFile(ready.export.path).read("manifest.json"))["row_counts"].values()
    )
    say(
        f"export: build_export {current_s:.2f} s ({rows:,} rows, "
        f"{ready.export.size / 1e6:.1f} MB ZIP); naive ORM {naive_s:.2f} s ({naive_rows:,} rows, "
        f"{(workdir / 'naive.zip').stat().st_size / 1e6:.1f} MB); ratio {naive_s / current_s:.1f}x"
    )

    def current_erase(user_id: int):
        with session_scope(engine) as session:
            return erasure.erase_account(session=session, user_id=user_id, now=NOW, reason="bench")

    def naive_erasure(user_id: int) -> int:
        with session_scope(engine) as session:
            return naive_erase(session, user_id)

    current_s, receipt = timed(current_erase, heavy["A"])
    naive_s, naive_rows = timed(naive_erasure, heavy["B"])
    touched = sum(sum(counts.values()) for counts in receipt.summary.values())
    say(
        f"erasure: erase_account {current_s:.2f} s ({touched:,} rows handled); naive ORM "
        f"{naive_s:.2f} s ({naive_rows:,} rows deleted one by one); "
        f"ratio {naive_s / current_s:.1f}x"
    )


def main() -> None:
    """Build the database, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenders", type=int, default=2_000)
    parser.add_argument("--alerts", type=int, default=1_000)
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=500)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (default SQLite)")
    args = parser.parse_args()
    from oktra.settings import get_settings

    bench = load("bench_import", Path(__file__).parent / "import.py")
    kind = "sqlite (file)" if args.database_url is None else "postgresql"
    say(f"database: {kind}; {args.deliveries:,} deliveries, {args.alerts:,} alerts a heavy user")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["OKTRA_DATA_DIR"] = str(Path(tmp) / "data")
        url = bench.fresh_database(args.database_url, Path(tmp), "rights")
        os.environ["OKTRA_DATABASE_URL"] = url
        get_settings.cache_clear()
        try:
            run(url, args, Path(tmp))
        finally:
            bench.drop_database(args.database_url, url)


if __name__ == "__main__":
    main()
