"""Retention: purge 1,000,000 expired analytics events, against one DELETE and row by row.

Database: a fresh migrated SQLite file made here (or with --database-url a new PostgreSQL
database on that server, dropped at the end). Seeded with executemany in chunks of 50,000:
--expired (1,000,000) page views 14 to 30 months old (past the 13 months of the registry's
rule) and --kept (100,000) from the last 12 months, spread over the days, with 64-character
hashes, a path and an IP prefix like real ones.

Timed (perf_counter, fixed clock NOW):
- current: `purge_table` for analytics_event, batches of --batch (5,000) ids, one DELETE and one
  commit each: the total, the batch count, the longest batch (the longest the write lock is
  held). Meanwhile a writer thread records a page view every 20 ms on its own connection, as the
  site does: its worst wait, and its failures ("database is locked" after SQLite's 5 s
  busy_timeout).
- baseline 1, on the same rows seeded again: one DELETE statement for them all (what the old
  analytics job did), with the same writer: the lock is held for the whole statement.
- baseline 2: the ORM row by row (what the old outbox and security-event purges did: load the
  rows, session.delete each, one flush) on a sample of --sample (20,000) rows, extrapolated.
- a second run of the current purge: nothing left to delete.
Printed: figures and ratios (baseline / current).
Run: .venv/bin/python bench/retention.py [--expired 1000000] [--kept 100000] [--batch 5000]
     [--sample 20000] [--database-url postgresql+psycopg://user@host:5432/postgres]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.exc import OperationalError

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
CHUNK = 50_000
PATHS = ("/fr", "/fr/tenders", "/ar/tenders", "/en", "/fr/alerts", "/fr/account", "/fr/privacy")
WRITER_PAUSE = 0.02
TABS = 40


def say(line: str) -> None:
    """One line of the report."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def load(name: str, path: Path):
    """A module from a file path (bench/import.py's database helpers)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _rows(count: int, oldest_days: int, newest_days: int, rng: random.Random):
    """Page views from oldest to newest, as the site writes them: about 40 tabs open at once,
    each 1 to 12 views (a tab, its session hash), a visitor's tabs sharing its visitor hash."""
    step = (oldest_days - newest_days) * 86_400 / max(count, 1)
    first = NOW - timedelta(days=oldest_days)
    tabs: list[list] = []
    for number in range(count):
        if len(tabs) < TABS or rng.random() < 0.02:
            visitor = rng.choice(tabs)[0] if tabs and rng.random() < 0.3 else _hash(rng)
            tabs.append([visitor, _hash(rng), rng.randint(1, 12)])
        tab = rng.choice(tabs)
        tab[2] -= 1
        if tab[2] <= 0:
            tabs.remove(tab)
        yield {
            "visitor_hash": tab[0],
            "session_hash": tab[1],
            "kind": "page_view",
            "path": rng.choice(PATHS),
            "language": "fr",
            "ip_prefix": f"196.{rng.randrange(256)}.{rng.randrange(256)}.0",
            "created_at": first + timedelta(seconds=number * step),
        }


def _hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def seed(engine, table, *, expired: int, kept: int, rng: random.Random) -> float:
    """Insert the expired and the kept page views; returns the seconds taken."""
    start = time.perf_counter()
    with engine.begin() as connection:
        for count, oldest, newest in ((expired, 900, 420), (kept, 360, 0)):
            batch = []
            for row in _rows(count, oldest, newest, rng):
                batch.append(row)
                if len(batch) == CHUNK:
                    connection.execute(insert(table), batch)
                    batch = []
            if batch:
                connection.execute(insert(table), batch)
    return time.perf_counter() - start


class Writer(threading.Thread):
    """The site recording page views meanwhile: one INSERT and commit every 20 ms."""

    def __init__(self, engine, table) -> None:
        super().__init__(daemon=True)
        self.engine, self.table = engine, table
        self.stop = threading.Event()
        self.waits: list[float] = []
        self.failures = 0

    def run(self) -> None:
        rng = random.Random(7)
        while not self.stop.is_set():
            row = next(_rows(1, 1, 0, rng))
            start = time.perf_counter()
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(self.table), row)
            except OperationalError:
                self.failures += 1
            self.waits.append(time.perf_counter() - start)
            time.sleep(WRITER_PAUSE)


def with_writer(engine, table, work):
    """Run the work while the writer writes; returns its result, seconds, writer."""
    writer = Writer(engine, table)
    writer.start()
    time.sleep(0.2)
    start = time.perf_counter()
    try:
        result = work()
    finally:
        elapsed = time.perf_counter() - start
        writer.stop.set()
        writer.join()
    return result, elapsed, writer


def run(url: str, args: argparse.Namespace) -> None:
    """Seed, measure, print."""
    from oktra.db import engine_for, session_scope
    from oktra.privacy import retention
    from oktra.privacy.models import AnalyticsEvent
    from oktra.privacy.registry import ANONYMOUS

    engine = engine_for(url)
    table = AnalyticsEvent.__table__
    rule = ANONYMOUS["analytics_event"]
    cutoff = NOW - timedelta(days=rule.retention_days)
    rng = random.Random(2026)

    def count() -> int:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table)).scalar_one()

    seconds = seed(engine, table, expired=args.expired, kept=args.kept, rng=rng)
    say(f"seeded {args.expired:,} expired + {args.kept:,} kept events in {seconds:.1f} s")

    main_thread = threading.get_ident()
    commits: list[float] = []

    def on_commit(_connection) -> None:
        if threading.get_ident() == main_thread:
            commits.append(time.perf_counter())

    def current() -> dict[str, int]:
        commits.append(time.perf_counter())
        with session_scope(engine) as session:
            return retention.purge_table(
                session=session, declaration=rule, now=NOW, batch_size=args.batch
            )

    event.listen(engine, "commit", on_commit)
    counts, current_s, writer = with_writer(engine, table, current)
    event.remove(engine, "commit", on_commit)
    longest = max(b - a for a, b in itertools.pairwise(commits))
    deleted = counts["analytics_event"]
    assert deleted == args.expired, counts
    say(
        f"current: purge_table batch {args.batch:,}: {deleted:,} rows in {current_s:.2f} s "
        f"({deleted / current_s:,.0f} rows/s), {-(-deleted // args.batch)} batches, longest batch "
        f"{longest * 1000:.0f} ms; writer: {len(writer.waits)} page views, worst wait "
        f"{max(writer.waits) * 1000:.0f} ms, {writer.failures} failed"
    )
    again_start = time.perf_counter()
    with session_scope(engine) as session:
        again = retention.purge_table(session=session, declaration=rule, now=NOW)
    say(f"second run: {again['analytics_event']} rows, {time.perf_counter() - again_start:.3f} s")

    seed(engine, table, expired=args.expired, kept=0, rng=rng)

    def one_delete() -> int:
        with engine.begin() as connection:
            return connection.execute(delete(table).where(table.c.created_at < cutoff)).rowcount

    single_rows, single_s, single_writer = with_writer(engine, table, one_delete)
    say(
        f"baseline 1: one DELETE: {single_rows:,} rows in {single_s:.2f} s, lock held "
        f"{single_s * 1000:.0f} ms; writer: {len(single_writer.waits)} page views, worst wait "
        f"{max(single_writer.waits) * 1000:.0f} ms, {single_writer.failures} failed"
    )

    seed(engine, table, expired=args.sample, kept=0, rng=rng)
    start = time.perf_counter()
    with session_scope(engine) as session:
        rows = session.exec(select(AnalyticsEvent).where(AnalyticsEvent.created_at < cutoff))
        for row in rows.scalars().all():
            session.delete(row)
        session.flush()
    orm_s = time.perf_counter() - start
    orm_total = orm_s * args.expired / args.sample
    say(
        f"baseline 2: ORM row by row: {args.sample:,} rows in {orm_s:.2f} s "
        f"({args.sample / orm_s:,.0f} rows/s), {args.expired:,} rows ~{orm_total:.0f} s"
    )
    left = count()
    written = len(writer.waits) - writer.failures + len(single_writer.waits)
    assert left == args.kept + written - single_writer.failures, left
    say(
        f"ratios: batched / one DELETE {current_s / single_s:.2f}x the time, one DELETE's lock "
        f"/ longest batch {single_s / longest:.0f}x; ORM row by row / batched "
        f"{orm_total / current_s:.1f}x"
    )


def main() -> None:
    """Build the database, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expired", type=int, default=1_000_000)
    parser.add_argument("--kept", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (default SQLite)")
    args = parser.parse_args()
    from oktra.settings import get_settings

    bench = load("bench_import", Path(__file__).parent / "import.py")
    kind = "sqlite (file)" if args.database_url is None else "postgresql"
    say(f"database: {kind}; cpu count {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        url = bench.fresh_database(args.database_url, Path(tmp), "retention")
        os.environ["OKTRA_DATABASE_URL"] = url
        get_settings.cache_clear()
        try:
            run(url, args)
        finally:
            bench.drop_database(args.database_url, url)


if __name__ == "__main__":
    main()
