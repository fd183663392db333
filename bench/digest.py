"""Alert digests: queue 10,000 daily digests, against the naive per-user path it replaced.

Database: a fresh migrated SQLite file, or with --database-url a new PostgreSQL database on that
server (dropped at the end), seeded (--seed): --tenders (2,000) open notices derived as the demo
does from a real title and buyer, imported through import_file; --users (10,000; --quick 1,000)
verified users (fr 50%, ar 30%, en 20%), one (60%) or two daily email alerts each, 5 to 15
distinct tenders a user matched in the last 20 hours (10% of a two-alert user's by both). The
matches are INSERTED IN BULK, not found by the matching engine: this measures delivery. On
PostgreSQL the seeded tables are ANALYZEd (as autovacuum would), the outbox and ledger are not.

Timed (perf_counter, fixed clock NOW), each run in one session committed at the end as the job:
- current: `queue_alert_emails(frequency="daily")`, with pending_matches, reachable_users,
  TenderCards, alert_names, alert_email_context, _write, enqueue_email, render_email wrapped
  (module globals) and timed; a digest's time runs from the end of the previous one.
- naive, second, on an emptied outbox and ledger (TRUNCATE on PostgreSQL: fresh tables, as the
  current run found them): the per-user path of before the optimization (commit 7279223), from
  today's functions: per user, in a savepoint, the idempotency lookup, its own query for its
  alert names and for its tenders with buyers (a TenderCards of its own: tender_summary per
  tender per digest), alert_email_context, enqueue_email, one ORM AlertDelivery a ledger row.
Statements are timed at the driver. The naive emails and ledger must equal the current ones
(signed tokens masked); the ratio printed is naive / current: the optimization's speed-up.
Run: .venv/bin/python bench/digest.py [--users 10000 | --quick] [--tenders 2000] [--seed 2026]
     [--database-url postgresql+psycopg://user@host:5432/postgres]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import itertools
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select, text

from oktra.accounts.models import User
from oktra.alerts import delivery
from oktra.alerts.models import AlertDelivery, AlertMatch, SavedSearch
from oktra.alerts.service import criteria_to_json
from oktra.alerts.unsubscribe import ALERT, ALL, Unsubscribe, list_unsubscribe_headers
from oktra.db import engine_for, session_scope
from oktra.notifications import service
from oktra.notifications.models import EmailMessage
from oktra.privacy.registry import USER_TABLE
from oktra.tenders.criteria import Criteria
from oktra.tenders.demo import DEMO_DIR, OPEN_EVERY, derived_open_notices
from oktra.tenders.models import Tender
from oktra.tenders.service import import_file

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
FREQUENCY = "daily"
# What queue_alert_emails calls once per run.
ONCE = ("pending_matches", "reachable_users", "TenderCards", "alert_names")
LANGUAGES = (("fr", 50), ("ar", 30), ("en", 20))
FIRST = ("Salma", "Youssef", "Fatima Zahra", "Mohamed", "Khadija", "Omar", "Imane", "Hamza")
FIRST += ("Nadia", "Karim", "Samira", "Rachid", "Meryem", "Anas", "Houda", "Said", "Aicha")
LAST = ("Alaoui", "Bennani", "El Idrissi", "Tazi", "Berrada", "Chraibi", "El Fassi", "Amrani")
LAST += ("Benjelloun", "Lahlou", "Ouazzani", "Zniber", "Kettani", "Skalli", "Naciri", "Sqalli")
FIRST_AR = ("سلمى", "يوسف", "فاطمة الزهراء", "محمد", "خديجة", "عمر", "إيمان", "حمزة", "نادية")
LAST_AR = ("العلوي", "بناني", "الإدريسي", "التازي", "برادة", "الشرايبي", "الفاسي", "العمراني")
ALERTS_AR = ("أشغال الطرق", "معدات معلوماتية", "النظافة", "بناء المدارس", "مواد مكتبية")
ALERTS_AR += ("الصيانة", "التجهيزات الطبية", "الإطعام", "الحراسة", "الكهرباء")
GENERIC = {"ACHAT", "FOURNITURE", "FOURNITURES", "COMMUNE", "PROFIT", "TRAVAUX", "MATERIEL"}
GENERIC |= {"PROVINCE", "REGION", "AMENAGEMENT", "DIVERS", "PRESTATIONS", "CONSTRUCTION"}
# Signed links carry a timestamp: two runs write different tokens for the same link.
_TOKEN = re.compile(r"(token=|/alerts/unsubscribe/)[A-Za-z0-9_.\-]+")
SETVAL = "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT max(id) FROM \"{0}\"))"


def say(line: str = "") -> None:
    """One line on stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max, in ms (p95: the inclusive 95th of 100 cut points)."""
    if len(seconds) < 2:
        return (1e3 * sum(seconds),) * 3
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return 1e3 * statistics.median(seconds), 1e3 * cuts[94], 1e3 * max(seconds)


def seed_tenders(url: str, workdir: Path, count: int, rng: random.Random):
    """`count` open notices imported through the real importer: (seconds, ids, title words)."""
    real = [json.loads(line) for line in (DEMO_DIR / "attributed.jsonl").open(encoding="utf-8")]
    words = {
        cleaned.lower()
        for record in real
        for cleaned in (word.strip(".,;:()'\"-/") for word in record["objet"].split())
        if len(cleaned) >= 6 and cleaned.isalpha() and cleaned.upper() not in GENERIC
    }
    # derived_open_notices derives one notice from every OPEN_EVERY-th record: each is repeated.
    pairs = [(rng.choice(real)["objet"], rng.choice(real)["acheteur"]) for _ in range(count)]
    spread = [{"objet": o, "acheteur": a} for o, a in pairs for _ in range(OPEN_EVERY)]
    path = workdir / "open-notices.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for notice in derived_open_notices(spread, anchor=NOW - timedelta(days=1)):
            handle.write(json.dumps(notice, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    with session_scope(engine_for(url)) as session:
        report = import_file(session=session, path=path, now=NOW - timedelta(hours=22))
        seconds = time.perf_counter() - started
        ids = list(session.scalars(select(Tender.id).order_by(Tender.id)))
    assert len(ids) == count, report.counts()
    return seconds, ids, sorted(words)


def seed_people(url: str, tender_ids: list[int], words: list[str], users: int, rng):
    """Users, their daily alerts and their pending matches, in bulk: (seconds, counts)."""
    people, alerts, matches, languages = [], [], [], Counter()
    created = NOW - timedelta(days=60)
    stamps = {"created_at": created, "updated_at": created}
    person = {"auth_provider": "local", "sectors": [], "regions": [], **stamps}
    person |= {"email_verified_at": created, "password_changed_at": created}
    alert = {"frequency": FREQUENCY, "by_email": True, "in_app": True, "revision": 0, **stamps}
    for user_id in range(1, users + 1):
        lang = rng.choices(*zip(*LANGUAGES, strict=True))[0]
        languages[lang] += 1
        arabic = lang == "ar" and rng.random() < 0.5
        first, last = (FIRST_AR, LAST_AR) if arabic else (FIRST, LAST)
        name = f"{rng.choice(first)} {rng.choice(last)}"
        email = f"user{user_id}@example.ma"
        people.append(person | {"id": user_id, "email": email, "full_name": name, "language": lang})
        names: list[str] = []
        count = 1 if rng.random() < 0.6 else 2
        while len(names) < count:
            ar = lang == "ar" and rng.random() < 0.5
            name = rng.choice(ALERTS_AR) if ar else rng.choice(words).capitalize()
            names += [name] if name not in names else []
        mine = list(range(len(alerts) + 1, len(alerts) + 1 + len(names)))
        for alert_id, name in zip(mine, names, strict=True):
            criteria = criteria_to_json(Criteria(text=rng.choice(words)))
            alerts.append(alert | {"id": alert_id, "user_id": user_id, "name": name})
            alerts[-1]["criteria"] = criteria
        for tender_id in rng.sample(tender_ids, rng.randint(5, 15)):
            first_alert = rng.choice(mine)
            both = len(mine) == 2 and rng.random() < 0.1
            for alert_id in mine if both else (first_alert,):
                at = NOW - timedelta(minutes=rng.randint(1, 20 * 60))
                match = {"saved_search_id": alert_id, "tender_id": tender_id, "matched_at": at}
                matches.append(match | {"user_id": user_id})
    started = time.perf_counter()
    engine = engine_for(url)
    with engine.begin() as connection:
        for model, rows in ((User, people), (SavedSearch, alerts), (AlertMatch, matches)):
            for start in range(0, len(rows), 2000):
                connection.execute(insert(model.__table__), rows[start : start + 2000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # Sequences past the explicit ids; the planner's statistics, which a server with
            # autovacuum off would never gather. Not the outbox nor the ledger: empty here,
            # they would be large on a live database.
            for table in (USER_TABLE, "saved_search"):
                connection.execute(text(SETVAL.format(table)))
            for table in ("tender", "tender_buyer", USER_TABLE, "saved_search", "alert_match"):
                connection.execute(text(f'ANALYZE "{table}"'))
    pending = len({(m["user_id"], m["tender_id"]) for m in matches})
    counts = {"languages": languages, "alerts": len(alerts), "matches": len(matches)}
    return time.perf_counter() - started, counts | {"pending": pending}


class Timings:
    """(start, end) of the wrapped functions' calls by name; statements' seconds by kind."""

    def __init__(self) -> None:
        self.calls, self.sql, self.released_commits = defaultdict(list), defaultdict(list), 0

    def each(self, name: str) -> list[float]:
        return [end - start for start, end in self.calls[name]]


def statement_kind(statement: str) -> str:
    """A statement's first words, its table: what the SQL figures are grouped by."""
    words = statement.split()
    if words[0] != "SELECT":
        return " ".join(words[: 3 if words[0] == "INSERT" else 1])
    return f"SELECT … FROM {words[words.index('FROM') + 1]}" + " (+ joins)" * ("JOIN" in words)


@contextmanager
def instrumented(url: str):
    """Wrap what delivery.py and notifications/service.py call, timing each call; time every
    statement the driver executes."""
    timings, engine = Timings(), engine_for(url)
    sqlite = engine.dialect.name == "sqlite"
    names = (*ONCE, "alert_email_context", "_write", "enqueue_email")
    targets = [(delivery, name) for name in names] + [(service, "render_email")]
    originals = [(module, name, getattr(module, name)) for module, name in targets]

    def wrap(name, function):
        calls = timings.calls[name]

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                calls.append((started, time.perf_counter()))

        return timed

    def before(connection, *_args) -> None:
        connection.info["bench_started"] = time.perf_counter()

    def after(connection, _cursor, statement, *_args) -> None:
        kind = statement_kind(statement)
        timings.sql[kind].append(time.perf_counter() - connection.info.pop("bench_started"))
        if kind == "RELEASE" and sqlite:
            # pysqlite opens no transaction before a SAVEPOINT: the savepoint is then the
            # transaction, and its RELEASE commits.
            timings.released_commits += not connection.connection.dbapi_connection.in_transaction

    for module, name, function in originals:
        setattr(module, name, wrap(name, function))
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield timings
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        for module, name, function in originals:
            setattr(module, name, function)


@contextmanager
def committed(url: str, clock: dict[str, float]):
    """A session committed at the end, as the job's; clock gets the run's and the commit's time."""
    started = time.perf_counter()
    with session_scope(engine_for(url)) as session:
        yield session
        before_commit = time.perf_counter()
    clock["total"] = time.perf_counter() - started
    clock["commit"] = time.perf_counter() - before_commit


def current_run(url: str) -> tuple[dict[str, float], dict[str, int]]:
    """One queue_alert_emails run: ({total, commit} seconds, counts)."""
    clock: dict[str, float] = {}
    with committed(url, clock) as session:
        counts = delivery.queue_alert_emails(session=session, frequency=FREQUENCY, now=NOW)
    return clock, counts


def naive_run(url: str) -> tuple[dict[str, float], list[float], int]:
    """The per-user path of before the optimization: (seconds, seconds per digest, emails)."""
    clock, per_digest = {}, []
    with committed(url, clock) as session:
        pending = delivery.pending_matches(session=session, frequency=FREQUENCY, now=NOW)
        users = delivery.reachable_users(session=session, user_ids={p.user_id for p in pending})
        first_alerts: dict[int, dict[int, int]] = defaultdict(dict)
        for item in pending:
            first_alerts[item.user_id].setdefault(item.tender_id, item.saved_search_id)
        period = delivery.period_of(FREQUENCY, NOW)
        for user_id, user in users.items():
            started, first_alert = time.perf_counter(), first_alerts[user_id]
            key = f"alerts:{FREQUENCY}:{user_id}:{period}"
            with session.begin_nested():
                lookup = select(EmailMessage.id).where(EmailMessage.idempotency_key == key)
                if session.scalar(lookup):
                    continue
                alerts = set(first_alert.values())
                names = delivery.alert_names(session=session, alert_ids=alerts)
                cards = delivery.TenderCards(session, set(first_alert))
                context = delivery.alert_email_context(
                    user=user, first_alert=first_alert, cards=cards, names=names
                )
                one = min(alerts) if len(alerts) == 1 else None
                scope = Unsubscribe(user_id, ALERT, one) if one else Unsubscribe(user_id, ALL)
                email = {"to_address": user.email, "lang": user.language, "context": context}
                email |= {"idempotency_key": key, "headers": list_unsubscribe_headers(scope)}
                message = delivery.enqueue_email(
                    session=session, kind=f"alert_{FREQUENCY}", user_id=user_id, **email
                )
                row = {"user_id": user_id, "event": delivery.MATCH_EVENT, "created_at": NOW}
                row |= {"email_message_id": message.id}
                session.add_all(
                    AlertDelivery(**row, tender_id=tender, saved_search_id=alert)
                    for tender, alert in first_alert.items()
                )
                session.flush()
            per_digest.append(time.perf_counter() - started)
    return clock, per_digest, len(per_digest)


def written(url: str) -> dict:
    """What a run wrote: a fingerprint of each email (tokens masked), the ledger, sizes."""
    emails, sizes, Email, Ledger = {}, Counter(), EmailMessage, AlertDelivery
    columns = (Email.user_id, Email.kind, Email.language, Email.to_address, Email.subject)
    columns += (Email.text_body, Email.html_body, Email.headers)
    with session_scope(engine_for(url)) as session:
        query = select(Email.idempotency_key, *columns).execution_options(yield_per=1000)
        for key, *values in session.execute(query):
            sizes.update(text=len(values[5].encode()), html=len(values[6].encode()))
            values[-1] = json.dumps(values[-1])
            masked = _TOKEN.sub(r"\1…", "\x00".join(map(str, values)))
            emails[key] = hashlib.sha256(masked.encode()).hexdigest()
        # Each ledger row with its email's key (which names the user): an inner join.
        ledger = (Ledger.user_id, Ledger.tender_id, Ledger.event, Ledger.saved_search_id)
        joined = Email.id == Ledger.email_message_id
        rows = session.execute(select(*ledger, Email.idempotency_key).join(Email, joined)).all()
        assert all(key.split(":")[2] == str(user_id) for user_id, *_, key in rows)
        assert len(rows) == session.scalar(select(func.count()).select_from(Ledger))
    return {"emails": emails, "ledger": set(rows), "sizes": sizes}


def empty_outbox(url: str) -> None:
    """Empty the outbox and the ledger; on PostgreSQL TRUNCATE: fresh tables, no dead rows."""
    engine = engine_for(url)
    postgres = engine.dialect.name == "postgresql"
    statements = ["TRUNCATE alert_delivery, email_message"] if postgres else []
    with engine.begin() as connection:
        for statement in statements or ["DELETE FROM alert_delivery", "DELETE FROM email_message"]:
            connection.execute(text(statement))


def row(name: str, seconds: float, share_of: float, per: list[float] | None = None) -> str:
    """One line of the table: total seconds, share, and per-digest percentiles."""
    cells = "{:8.2f} {:8.2f} {:8.1f}".format(*percentiles(per)) if per else ""
    return f"{name:48} {seconds:8.2f} {seconds / share_of:5.0%} {cells}".rstrip()


def sql_lines(timings: Timings, seconds: float, digests: int, top: int) -> list[str]:
    """The statements of a run: total, count, and the costliest kinds."""
    count = sum(len(spent) for spent in timings.sql.values())
    spent = sum(sum(each) for each in timings.sql.values())
    lines = [f"  SQL at the driver: {spent:.1f} s ({spent / seconds:.0%}), {count:,} statements"]
    lines[0] += f" ({count / digests:.1f} a digest)"
    for kind, each in sorted(timings.sql.items(), key=lambda item: -sum(item[1]))[:top]:
        ms = 1e3 * sum(each) / len(each)
        lines.append(f"    {sum(each):7.2f} s {len(each):9,} x {ms:6.2f} ms  {kind}")
    if commits := timings.released_commits:
        lines.append(f"    SQLite: {commits:,} RELEASE committed: each digest its own transaction")
    return lines


def run(url: str, args) -> None:
    """Seed, queue the digests, empty, queue them the naive way, compare, print the figures."""
    rng = random.Random(args.seed)
    imported, tender_ids, words = seed_tenders(url, Path(args.workdir), args.tenders, rng)
    inserted, seeded = seed_people(url, tender_ids, words, args.users, rng)
    langs = ", ".join(f"{lang} {n:,}" for lang, n in sorted(seeded["languages"].items()))
    say(
        f"seeded: {len(tender_ids):,} open tenders imported in {imported:.1f} s; {args.users:,} "
        f"verified users ({langs}), {seeded['alerts']:,} daily alerts, {seeded['matches']:,} "
        f"alert_match rows ({seeded['pending'] / args.users:.1f} pending tenders a user) "
        f"inserted in bulk in {inserted:.1f} s; clock {NOW:%Y-%m-%d %H:%M} UTC"
    )
    with instrumented(url) as now_t:
        clock, counts = current_run(url)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    again, counts_again = current_run(url)
    current = written(url)
    empty_outbox(url)
    with instrumented(url) as naive_t:
        naive_clock, naive_per, naive_digests = naive_run(url)
    naive = written(url)

    total, digests = clock["total"], counts["emails"]
    ends = sorted(end for _, end in now_t.calls["alert_names"] + now_t.calls["_write"])
    per_digest = [b - a for a, b in itertools.pairwise(ends)]
    context, write = now_t.each("alert_email_context"), now_t.each("_write")
    enqueue, render = now_t.each("enqueue_email"), now_t.each("render_email")
    outbox = [e - r for e, r in zip(enqueue, render, strict=True)]
    ledger = [w - e for w, e in zip(write, enqueue, strict=True)]
    once, loop = sum(sum(now_t.each(name)) for name in ONCE), sum(per_digest)
    table = [(f"current: {digests / total:,.0f} digests/s, committed", total, per_digest)]
    table += [(f"  {name} (once)", sum(now_t.each(name)), None) for name in ONCE]
    table += [
        ("  per digest (the loop)", loop, per_digest),
        ("    alert_email_context (summaries, links)", sum(context), context),
        ("    render_email (Jinja: text + HTML)", sum(render), render),
        ("    outbox row: enqueue_email less render_email", sum(outbox), outbox),
        ("    ledger: _write less enqueue_email", sum(ledger), ledger),
        ("    key lookup, savepoints, rest of the loop", loop - sum(context) - sum(write), None),
        ("  grouping, counts, commit", total - once - loop, None),
    ]
    say(f"current queue_alert_emails(frequency={FREQUENCY!r}): {counts}")
    say(f"{'':48} {'total s':>8} {'share':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, seconds, per in table:
        say(row(name, seconds, total, per))
    say("\n".join(sql_lines(now_t, total, digests, 6)))
    naive_total, naive_render = naive_clock["total"], naive_t.each("render_email")
    name = f"naive: {naive_digests / naive_total:,.0f} digests/s, committed"
    say(row(name, naive_total, naive_total, naive_per))
    say(row("  render_email", sum(naive_render), naive_total, naive_render))
    say("\n".join(sql_lines(naive_t, naive_total, naive_digests, 4)))
    say(f"commit: {clock['commit']:.2f} s (current), {naive_clock['commit']:.2f} s (naive)")
    say(f"second current run the same day: {again['total']:.2f} s, {counts_again}")
    kib = {part: current["sizes"][part] / digests / 1024 for part in ("text", "html")}
    same = sum(naive["emails"].get(key) == value for key, value in current["emails"].items())
    emails, rows = len(current["emails"]), len(current["ledger"])
    say(
        f"rows written: {emails:,} emails (text {kib['text']:.1f} KiB, HTML {kib['html']:.1f} KiB"
        f" on average), {rows:,} alert_delivery rows, each joined to its user's email; naive "
        f"emails identical (signed tokens masked): {same:,}/{emails:,}, same keys: "
        f"{naive['emails'].keys() == current['emails'].keys()}, same ledger: "
        f"{naive['ledger'] == current['ledger']}"
    )
    say(
        f"SPEED-UP naive / current: {naive_total / total:.1f}x ({naive_total:.1f} s against "
        f"{total:.1f} s for the same {digests:,} emails and ledger rows); render_email is "
        f"{sum(render) / total:.0%} of the current run and {sum(naive_render) / naive_total:.0%} "
        f"of the naive one; peak RSS {rss:.0f} MiB after the current run"
    )
    say("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def main() -> None:
    """Build the database, measure the current and the naive path, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 users: a smoke run")
    parser.add_argument("--tenders", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (default SQLite)")
    args = parser.parse_args()
    args.users = 1_000 if args.quick else args.users
    # bench/import.py (its name is a keyword: no import statement reaches it).
    spec = importlib.util.spec_from_file_location(
        "bench_import", Path(__file__).parent / "import.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    kind = "sqlite (file)" if args.database_url is None else "postgresql"
    say(f"database: {kind}; {args.users:,} users, {args.tenders:,} tenders, seed {args.seed}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        args.workdir = tmp
        url = bench.fresh_database(args.database_url, Path(tmp), "digest")
        try:
            run(url, args)
        finally:
            bench.drop_database(args.database_url, url)
    say(f"whole benchmark: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
