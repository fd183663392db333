"""Latency of the tender search service on a scaled-up real corpus (default 200,000 tenders).

Corpus: bench/import.py's records recombined from the 2,258 real notices (its generator, its
seed), of which every 10th is replaced by an open notice derived the way the demo does it
(oktra.tenders.demo.derived_open_notices: category, procedure, estimate, SME reservation,
guarantee, deadline, lots, status "ouvert"), keeping the record's unique reference. Seeded
draws (--seed) then move each open notice's dates 0 to 60 days back (about half of their
deadlines have passed, so they count as closed), mark 5% postponed and 3% cancelled, and give
60% a place of execution (a province or commune of the gazetteer) so regions vary. Everything
is imported through oktra.tenders.service.import_file, which fills the search columns and the
FTS5 table (SQLite) or the GIN indexes (PostgreSQL), on a fresh migrated database.

Queries (seeded, --queries): words of a random real title that give search tokens (digits-only
words left out): one or two words, a quoted phrase of two neighbouring words, or words and an
-excluded word from another title; plus 0 to 3 random filters among category, sector, region,
procedure, SME reservation, budget range, deadline window and status; sort by default
(relevance), newest or closest deadline.

Measured with time.perf_counter, each call in its own session as a page does, each query at
the clock of the moment it is asked (deadline windows and open/closed status depend on it):
- snapshot: the first search after the import builds the in-memory catalogue (reported
  apart, with its parts measured again on their own: reading the rows, building the sets);
- service, cold text cache: `search(...)` (result count, every facet, first page of 20 with
  its tenders and buyers) with the snapshot's cache of full-text lookups emptied before each
  query, so every term goes to FTS5/GIN;
- service, warm: the same query again right after (every text lookup cached: what a second
  page, a changed filter or another user's same words cost);
- baseline, same run, same database, after the service: the same criteria as plain SQL on
  the normalized token columns: `search_title LIKE '%token%' OR search_other LIKE '%token%'`
  per term (phrase: '%tok1 tok2%'; excluded: NOT LIKE on both), the filters in WHERE, one
  COUNT, one GROUP BY or conditional-aggregation query per facet with that facet's own filter
  removed (11 facets), and the first page of 20 with buyers, in the service's order. LIKE
  matches inside longer tokens, so its counts can be larger: the same SQL is run again on
  whole tokens (' ' || column || ' ' LIKE '% token %', not timed) and the service's counts,
  facets and first pages are checked against it;
- the time spent in Python's garbage collector (gc.callbacks) and the peak RSS.
Run: .venv/bin/python bench/search.py [--records 200000] [--queries 100] [--seed 2026]
     [--database-url postgresql+psycopg://user@host:5432/postgres]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import String, and_, case, cast, func, literal, not_, or_, select, true
from sqlmodel import Session

from oktra.core.clock import MOROCCO
from oktra.db import engine_for, session_scope
from oktra.tenders import search_db
from oktra.tenders.catalogue import SNAPSHOTS, Snapshot
from oktra.tenders.criteria import Criteria, Sort
from oktra.tenders.demo import DEMO_DIR, GENERATED, PROCEDURES, derived_open_notices
from oktra.tenders.facets import (
    BUDGET_BUCKETS,
    BUYER_FACET_LIMIT,
    DEADLINE_BUCKETS,
    PUBLISHED_BUCKETS,
    TOP_BUYERS,
    TOP_PROVINCES,
    day_start,
    published_since,
)
from oktra.tenders.gazetteer import GAZETTEER_FILE, REGION_LABELS, load_gazetteer
from oktra.tenders.models import NATIONAL, Buyer, Category, Status, Tender
from oktra.tenders.search import search, snapshot
from oktra.tenders.searchtext import parse_query, tokens
from oktra.tenders.sectors import LABELS as SECTOR_LABELS

SEED = 2026
OPEN_SHARE = "every 10th record (oktra.tenders.demo.OPEN_EVERY)"
PAGE = 20
_WORD = re.compile(r"[^\W_]+")


def say(line: str = "") -> None:
    """One line on stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def import_bench():
    """bench/import.py as a module (its name is a keyword, so no import statement reaches it)."""
    spec = importlib.util.spec_from_file_location(
        "bench_import", Path(__file__).with_name("import.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- corpus -----------------------------------------------------------------------------------


def _shift(moment: str | None, days: int) -> str | None:
    if not moment:
        return moment
    parsed = datetime.strptime(moment, "%d/%m/%Y %H:%M").replace(tzinfo=MOROCCO)
    return (parsed - timedelta(days=days)).strftime("%d/%m/%Y %H:%M")


def _places() -> list[str]:
    provinces = load_gazetteer().provinces
    data = tomllib.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    communes = [
        commune.split("|")[0] for _, _, _, names in data["provinces"].values() for commune in names
    ]
    return [name for _, _, name in provinces.values()] + communes


def search_corpus(path: Path, count: int, seed: int, now: datetime) -> dict[str, int]:
    """bench/import.py's scaled corpus with a share turned into open notices; what was made."""
    import_bench().scaled_corpus(path, count)
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    notices = derived_open_notices(records, anchor=now)
    rng = random.Random(seed)
    places = _places()
    made: Counter[str] = Counter()
    for index, notice in enumerate(notices):
        position = index * 10
        notice["reference"] = records[position]["reference"]
        days = rng.randint(0, 60)
        for name in ("date_publication", "date_limite", "visite_lieux", "reunion"):
            notice[name] = _shift(notice[name], days)
        draw = rng.random()
        if draw < 0.05:
            notice["statut"] = "reporte"
        elif draw < 0.08:
            notice["statut"] = "annule"
        made[notice["statut"]] += 1
        if rng.random() < 0.6:
            notice["lieu_execution"] = rng.choice(places)
            notice["genere"] = [*GENERATED, "lieu_execution"]
            made["with a place"] += 1
        records[position] = notice
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    made["open notices"] = len(notices)
    return dict(made)


# --- queries ----------------------------------------------------------------------------------


def _content_words(title: str) -> list[str]:
    return [word for word in _WORD.findall(title) if not word.isdigit() and tokens(word)]


@dataclass
class Query:
    """One benchmark query and what kind it is."""

    criteria: Criteria
    kind: str
    filters: list[str] = field(default_factory=list)


def draw_queries(count: int, seed: int) -> list[Query]:
    """Seeded queries: real title words, phrases, exclusions, random filters and sorts."""
    rng = random.Random(seed)
    titles = [
        words
        for line in (DEMO_DIR / "attributed.jsonl").open(encoding="utf-8")
        if len(words := _content_words(json.loads(line)["objet"])) >= 2
    ]
    regions = [code for code in REGION_LABELS if code != NATIONAL]
    procedures = sorted(set(PROCEDURES))
    statuses = [Status.OPEN, Status.OPEN, Status.CLOSED, Status.AWARDED, Status.POSTPONED]
    queries = []
    for _ in range(count):
        words = rng.choice(titles)
        shape = rng.random()
        if shape < 0.25:
            start = rng.randrange(len(words) - 1)
            text, kind = f'"{words[start]} {words[start + 1]}"', "phrase"
        elif shape < 0.35:
            other = [word for word in rng.choice(titles) if word not in words]
            kept = rng.choice(words)
            text, kind = (f"{kept} -{rng.choice(other)}", "excluded") if other else (kept, "1 word")
        else:
            size = rng.choice((1, 2))
            picked = sorted(rng.sample(range(len(words)), size))
            text, kind = " ".join(words[i] for i in picked), f"{size} word" + "s" * (size > 1)
        if rng.random() < 0.5:
            text = text.lower()
        values: dict[str, object] = {"text": text}
        chosen = rng.sample(
            [
                "category",
                "sector",
                "region",
                "procedure",
                "reserved",
                "budget",
                "deadline",
                "status",
            ],
            rng.randint(0, 3),
        )
        for name in chosen:
            several = rng.randint(1, 2)
            if name == "category":
                values["categories"] = tuple(rng.sample(list(Category), several))
            elif name == "sector":
                values["sectors"] = tuple(rng.sample(list(SECTOR_LABELS), several))
            elif name == "region":
                values["regions"] = tuple(rng.sample(regions, several))
            elif name == "procedure":
                values["procedures"] = (rng.choice(procedures),)
            elif name == "reserved":
                values["reserved_sme"] = True
            elif name == "budget":
                _, low, high = rng.choice(BUDGET_BUCKETS)
                values["budget_min"] = Decimal(low) if low is not None else None
                values["budget_max"] = Decimal(high) - Decimal("0.01") if high else None
            elif name == "deadline":
                values["deadline_max_days"] = rng.choice(DEADLINE_BUCKETS)
            else:
                values["statuses"] = tuple(dict.fromkeys(rng.sample(statuses, several)))
        values["sort"] = rng.choice((None, None, Sort.NEWEST, Sort.DEADLINE))
        queries.append(Query(Criteria(**values), kind, sorted(chosen)))
    return queries


# --- the service --------------------------------------------------------------------------


def service_call(url: str, criteria, now: datetime):
    """The full service call, in its own session."""
    with session_scope(engine_for(url)) as session:
        return search(session=session, criteria=criteria, now=now)


def service_facets(result) -> dict[str, list[tuple[str, int]]]:
    """The service's facets as (value, count) lists; buyers as counts only (ties unordered)."""
    found = {
        name: [(item.value, item.count) for item in values]
        for name, values in result.facets.items()
    }
    found["buyer"] = sorted((("", count) for _, count in found.get("buyer", [])), reverse=True)
    return found


# --- the baseline -------------------------------------------------------------------------


@dataclass
class Answer:
    """What the baseline computed for one query."""

    total: int
    facets: dict[str, list[tuple[str, int]]]
    ids: list[int]


class Baseline:
    """The same criteria answered with LIKE scans and one SQL query per facet."""

    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        self.at(datetime.now(UTC))

    def at(self, now: datetime) -> None:
        """Answer as of `now` (deadline filters, the status of a tender past its deadline)."""
        self.now = now
        live = Tender.status.in_([Status.OPEN.value, Status.POSTPONED.value])
        lapsed = Tender.deadline_at.is_not(None) & (Tender.deadline_at <= now)
        self.status = case((live & lapsed, Status.CLOSED.value), else_=Tender.status)

    @staticmethod
    def holds(column, term, exact: bool):
        """A column's tokens contain a term: LIKE '%tok%', or whole tokens with exact."""
        phrase = " ".join(term)
        if not exact:
            return column.like(f"%{phrase}%")
        return literal(" ").concat(column).concat(" ").like(f"% {phrase} %")

    def text_condition(self, query, exact: bool):
        """Every required term in the title or the rest, no excluded one."""

        def anywhere(term):
            return or_(
                self.holds(Tender.search_title, term, exact),
                self.holds(Tender.search_other, term, exact),
            )

        parts = [anywhere(term) for term in query.required]
        parts += [not_(anywhere(term)) for term in query.excluded]
        return and_(*parts) if parts else true()

    def filters(self, criteria) -> dict:
        """One WHERE condition per active filter, named as the service's facets."""
        found = {}
        for name, column, wanted in (
            ("category", Tender.category, criteria.categories),
            ("procedure", Tender.procedure, criteria.procedures),
        ):
            if wanted:
                found[name] = column.in_(list(wanted))
        if criteria.sectors:
            sectors = cast(Tender.sectors, String)
            found["sector"] = or_(*(sectors.like(f'%"{code}"%') for code in criteria.sectors))
        if criteria.regions:
            found["region"] = Tender.region.in_([*criteria.regions, NATIONAL])
        if criteria.provinces:
            found["province"] = or_(
                Tender.province.in_(list(criteria.provinces)), Tender.region == NATIONAL
            )
        if criteria.buyers:
            found["buyer"] = Tender.buyer_id.in_(list(criteria.buyers))
        if criteria.reserved_sme:
            found["reserved"] = Tender.reserved_sme.is_(True)
        if criteria.budget_min is not None or criteria.budget_max is not None:
            parts = [Tender.estimate.is_not(None)]
            if criteria.budget_min is not None:
                parts.append(Tender.estimate >= criteria.budget_min)
            if criteria.budget_max is not None:
                parts.append(Tender.estimate <= criteria.budget_max)
            found["budget"] = and_(*parts)
        if criteria.published_from or criteria.published_to:
            parts = [Tender.published_at.is_not(None)]
            if criteria.published_from:
                start = datetime.fromtimestamp(day_start(criteria.published_from), UTC)
                parts.append(Tender.published_at >= start)
            if criteria.published_to:
                end = datetime.fromtimestamp(
                    day_start(criteria.published_to + timedelta(days=1)), UTC
                )
                parts.append(Tender.published_at < end)
            found["published"] = and_(*parts)
        if criteria.deadline_min_days is not None or criteria.deadline_max_days is not None:
            condition = Tender.deadline_at >= self.now + timedelta(
                days=criteria.deadline_min_days or 0
            )
            if criteria.deadline_max_days is not None:
                limit = self.now + timedelta(days=criteria.deadline_max_days)
                condition = condition & (Tender.deadline_at <= limit)
            found["deadline"] = condition
        if criteria.statuses:
            found["status"] = self.status.in_(list(criteria.statuses))
        return found

    def order(self, query, sort, exact: bool):
        """The service's orders: relevance (all terms in the title first), newest, deadline."""
        newest = (Tender.published_at.desc().nulls_last(), Tender.id.desc())
        if sort == Sort.DEADLINE:
            # Deadlines still ahead, soonest first; then the others (passed or unknown), newest.
            ahead = case((Tender.deadline_at >= self.now, 0), else_=1)
            return (
                ahead,
                case((ahead == 0, Tender.deadline_at)).asc(),
                case((ahead == 0, Tender.id)).asc(),
                *newest,
            )
        if sort == Sort.RELEVANCE and query.required:
            in_title = and_(
                *(self.holds(Tender.search_title, term, exact) for term in query.required)
            )
            return (case((in_title, 0), else_=1), *newest)
        return newest

    def answer(self, criteria, now: datetime, exact: bool = False) -> Answer:
        """Count, every facet and the first page, as the naive SQL approach would (exact:
        whole tokens instead of substrings, the service's semantics, for the agreement check)."""
        self.at(now)
        query = parse_query(criteria.text)
        if criteria.text.strip() and query.empty:
            return Answer(0, {}, [])
        sort = criteria.sort or (Sort.RELEVANCE if query.required else Sort.NEWEST)
        text = self.text_condition(query, exact)
        filters = self.filters(criteria)

        def where(skip: str | None = None):
            return and_(text, *(cond for name, cond in filters.items() if name != skip))

        with Session(self.engine) as session:
            connection = session.connection()
            total = connection.execute(
                select(func.count()).select_from(Tender).where(where())
            ).scalar_one()
            page = session.execute(
                select(Tender, Buyer)
                .join(Buyer, Buyer.id == Tender.buyer_id)
                .where(where())
                .order_by(*self.order(query, sort, exact))
                .limit(PAGE)
            ).all()
            facets = self.facets(connection, where, total, criteria)
        return Answer(total, facets, [tender.id for tender, _ in page])

    def facets(self, connection, where, total: int, criteria) -> dict[str, list[tuple[str, int]]]:
        """Every facet of the service, one query each, over `where(facet)`."""

        def grouped(column, skip, *extra):
            statement = select(column, func.count(), *extra).select_from(Tender)
            return list(connection.execute(statement.where(where(skip)).group_by(column)))

        def summed_row(skip, conditions):
            sums = (func.coalesce(func.sum(case((cond, 1), else_=0)), 0) for cond in conditions)
            return connection.execute(select(*sums).select_from(Tender).where(where(skip))).one()

        def listed(rows, values, extra=0):
            counts = {row[0]: row[1] for row in rows}
            return [(str(value), counts.get(value, 0) + extra) for value in values]

        now = self.now
        facets = {"category": listed(grouped(Tender.category, "category"), list(Category))}
        sectors = cast(Tender.sectors, String)
        row = summed_row("sector", [sectors.like(f'%"{code}"%') for code in SECTOR_LABELS])
        facets["sector"] = list(zip(SECTOR_LABELS, row, strict=True))
        regions = dict(grouped(Tender.region, "region"))
        national = regions.get(NATIONAL, 0)
        codes = [code for code in REGION_LABELS if code != NATIONAL]
        facets["region"] = [*listed(regions.items(), codes, national), (NATIONAL, national)]
        rows = grouped(Tender.province, "province", func.sum(case((Tender.region == NATIONAL, 1))))
        national = sum(row[2] or 0 for row in rows)
        # Listed: provinces with results of their own (and the selected ones); counted with the
        # national tenders, as selecting the province would give.
        own = {row[0]: row[1] for row in rows if row[0] is not None}
        ranked = sorted(
            [(code, own.get(code, 0) + national) for code in {*own, *criteria.provinces}],
            key=lambda item: (-item[1], item[0]),
        )
        facets["province"] = [item for item in ranked if item[1]][:TOP_PROVINCES] + [
            item for item in ranked[TOP_PROVINCES:] if item[0] in criteria.provinces
        ]
        procedures = dict(grouped(Tender.procedure, "procedure"))
        procedures.pop(None, None)
        facets["procedure"] = sorted(
            (value, procedures.get(value, 0)) for value in {*procedures, *criteria.procedures}
        )
        facets["status"] = listed(grouped(self.status, "status"), list(Status))
        row = summed_row("reserved", [Tender.reserved_sme.is_(True)])
        facets["reserved"] = [("yes", row[0])]
        buckets = []
        for _, low, high in BUDGET_BUCKETS:
            condition = Tender.estimate.is_not(None)
            if low is not None:
                condition = condition & (Tender.estimate >= low)
            if high is not None:
                condition = condition & (Tender.estimate <= Decimal(high) - Decimal("0.01"))
            buckets.append(condition)
        row = summed_row("budget", buckets)
        facets["budget"] = [
            (value, count) for (value, _, _), count in zip(BUDGET_BUCKETS, row, strict=True)
        ]
        row = summed_row(
            "deadline",
            [
                (Tender.deadline_at >= now) & (Tender.deadline_at <= now + timedelta(days=days))
                for days in DEADLINE_BUCKETS
            ],
        )
        facets["deadline"] = [(str(d), n) for d, n in zip(DEADLINE_BUCKETS, row, strict=True)]
        row = summed_row(
            "published",
            [
                Tender.published_at
                >= datetime.fromtimestamp(day_start(published_since(now, days)), UTC)
                for days in PUBLISHED_BUCKETS
            ],
        )
        facets["published"] = [(str(d), n) for d, n in zip(PUBLISHED_BUCKETS, row, strict=True)]
        facets["buyer"] = []
        if total <= BUYER_FACET_LIMIT:
            top = connection.execute(
                select(Tender.buyer_id, func.count())
                .where(where("buyer"))
                .group_by(Tender.buyer_id)
                .order_by(func.count().desc())
                .limit(TOP_BUYERS)
            )
            facets["buyer"] = [("", count) for _, count in top]
        return facets


# --- the run ------------------------------------------------------------------------------


class Collector:
    """Time spent in Python's garbage collector, through gc.callbacks."""

    def __init__(self) -> None:
        self.total = 0.0
        self.longest = 0.0
        self._started = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            pause = time.perf_counter() - self._started
            self.total += pause
            self.longest = max(self.longest, pause)


COLLECTOR = Collector()


def timed(call, *args, **kwargs):
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = call(*args, **kwargs)
    return time.perf_counter() - started, result


def rss_mib() -> float:
    """Resident memory now, MiB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max, in ms (p95: the inclusive 95th of 100 cut points)."""
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return 1e3 * statistics.median(seconds), 1e3 * cuts[94], 1e3 * max(seconds)


def summary(queries: list[Query]) -> list[str]:
    """The query set in a few lines."""
    kinds = Counter(query.kind for query in queries)
    filters = Counter(len(query.filters) for query in queries)
    names = Counter(name for query in queries for name in query.filters)
    sorts = Counter(str(query.criteria.sort or "default (relevance)") for query in queries)
    return [
        f"queries: {len(queries)}; text: "
        + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())),
        "  filters per query: " + ", ".join(f"{k}: {n}" for k, n in sorted(filters.items())),
        "  filter kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(names.items())),
        "  sorts: " + ", ".join(f"{k} {n}" for k, n in sorted(sorts.items())),
    ]


def snapshot_parts(url: str) -> tuple[float, float]:
    """Seconds to read every tender's filterable columns, and to build the sets from them."""
    with session_scope(engine_for(url)) as session:
        version = search_db.catalogue_version(session=session)
        read, rows = timed(lambda: list(search_db.catalogue_rows(session=session)))
        built, _ = timed(Snapshot, version, rows)
    return read, built


def measure(url: str, queries: list[Query]) -> dict:
    """Time every query: service cold and warm, then the baseline, each at the query's clock."""
    with session_scope(engine_for(url)) as session:
        snap = snapshot(session=session)
    found: dict = {"cold": [], "warm": [], "baseline": [], "results": [], "answers": [], "gc": {}}
    clocks = []
    COLLECTOR.longest = 0.0
    collected = COLLECTOR.total
    for query in queries:
        now = datetime.now(UTC)
        clocks.append(now)
        snap._text.clear()  # every full-text lookup of this query goes to the database
        seconds, result = timed(service_call, url, query.criteria, now)
        found["cold"].append(seconds)
        found["results"].append(result)
        seconds, again = timed(service_call, url, query.criteria, now)
        found["warm"].append(seconds)
        assert again.total == result.total
    found["gc"]["service"] = COLLECTOR.total - collected
    found["gc"]["longest"] = COLLECTOR.longest
    baseline = Baseline(url)
    collected = COLLECTOR.total
    for query, now in zip(queries, clocks, strict=True):
        seconds, answer = timed(baseline.answer, query.criteria, now)
        found["baseline"].append(seconds)
        found["answers"].append(answer)
    found["gc"]["baseline"] = COLLECTOR.total - collected
    found["checks"], found["oddities"] = agreement(baseline, queries, clocks, found)
    return found


def agreement(baseline: Baseline, queries: list[Query], clocks: list[datetime], found: dict):
    """Compare the service with the same SQL on whole tokens (not timed), and the naive counts."""
    checks: Counter[str] = Counter()
    oddities = []
    for query, now, result, naive in zip(
        queries, clocks, found["results"], found["answers"], strict=True
    ):
        exact = baseline.answer(query.criteria, now, exact=True)
        mine = service_facets(result)
        ids = [tender.id for tender, _ in result.tenders]
        checks["naive LIKE count = service"] += naive.total == result.total
        checks["naive LIKE count > service"] += naive.total > result.total
        checks["whole-token SQL: same count"] += exact.total == result.total
        checks["same facets"] += exact.facets == mine
        checks["same first page"] += exact.ids == ids
        text = f"{query.criteria.text!r} filters {query.filters} sort {result.sort}"
        if exact.total != result.total:
            oddities.append(f"  count: {text}: service {result.total}, SQL {exact.total}")
        elif exact.facets != mine:
            names = [name for name in mine if mine[name] != exact.facets.get(name)]
            oddities.append(f"  facets {names}: {text}")
        elif exact.ids != ids:
            oddities.append(f"  first page: {text}")
    return checks, oddities


def run(url: str, queries: list[Query]) -> None:
    """Measure the service and the baseline on one database; print the figures."""
    SNAPSHOTS.clear()
    before = rss_mib()
    first, _ = timed(service_call, url, queries[0].criteria, datetime.now(UTC))
    held = rss_mib() - before
    read, built = snapshot_parts(url)
    say(
        f"snapshot: first search after the import {1e3 * first:.0f} ms "
        f"(measured apart: reading the rows {1e3 * read:.0f} ms, building the sets "
        f"{1e3 * built:.0f} ms; resident memory +{held:.0f} MiB)"
    )
    found = measure(url, queries)
    totals = sorted(result.total for result in found["results"])
    say(
        f"results per query: median {statistics.median(totals):.0f}, "
        f"max {totals[-1]}, none {sum(1 for total in totals if total == 0)}"
    )
    say("agreement: " + ", ".join(f"{k} {n}/{len(queries)}" for k, n in found["checks"].items()))
    for line in found["oddities"][:20]:
        say(line)
    cold, warm, base = found["cold"], found["warm"], found["baseline"]
    say("slowest cold calls:")
    for index in sorted(range(len(queries)), key=cold.__getitem__)[-5:]:
        query, result = queries[index], found["results"][index]
        say(
            f"  {1e3 * cold[index]:6.1f} ms (warm {1e3 * warm[index]:5.1f}, baseline "
            f"{1e3 * base[index]:6.1f}) {query.criteria.text!r} filters {query.filters} "
            f"sort {result.sort} total {result.total}"
        )
    rows = [("service, cold text cache", cold), ("service, warm", warm), ("baseline (LIKE)", base)]
    say(f"{'':26} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    figures = {}
    for name, seconds in rows:
        figures[name] = percentiles(seconds)
        p50, p95, top = figures[name]
        say(f"{name:26} {p50:8.1f} {p95:8.1f} {top:8.1f}")
    b50, b95, _ = figures["baseline (LIKE)"]
    for name in ("service, cold text cache", "service, warm"):
        p50, p95, _ = figures[name]
        say(f"ratio baseline / {name}: p50 {b50 / p50:5.1f}x  p95 {b95 / p95:5.1f}x")
    say(
        f"Python GC: {1e3 * found['gc']['service']:.0f} ms over the {2 * len(queries)} service "
        f"calls (longest pause {1e3 * found['gc']['longest']:.0f} ms), "
        f"{1e3 * found['gc']['baseline']:.0f} ms over the baseline's"
    )
    say(f"peak RSS: {peak_rss_mib():.0f} MiB")
    say("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def main() -> None:
    """Build the corpus and the database, draw the queries, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (default SQLite)")
    args = parser.parse_args()
    bench = import_bench()
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        corpus = workdir / "search.jsonl"
        made = search_corpus(corpus, args.records, args.seed, now)
        kind = "sqlite" if args.database_url is None else "postgresql"
        say(
            f"corpus: {args.records} records recombined from 2,258 real notices (bench/import.py), "
            f"{OPEN_SHARE} made an open notice: {made}; database: {kind}"
        )
        queries = draw_queries(args.queries, args.seed)
        for line in summary(queries):
            say(line)
        url = bench.fresh_database(args.database_url, workdir, "search")
        try:
            seconds, counts = bench.oktra_import(url, corpus)
            say(f"import: {seconds:.1f} s {counts}")
            run(url, queries)
        finally:
            bench.drop_database(args.database_url, url)


if __name__ == "__main__":
    main()
