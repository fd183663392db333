"""The bar of the search service: SQLite FTS5 and PostgreSQL full text give the same results.

The demo catalogue (2,258 + 124 real notices and the open notices derived from them, same
`now`) is loaded into one database of each kind; 50 queries drawn deterministically from its
own words are run on both and compared as full result sets, with their totals, facet counts and
first pages. Text-only queries are also checked against a plain-Python reading of the tokens,
so the two databases cannot agree on a wrong answer.
"""

from __future__ import annotations

import random
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from oktra import migrations
from oktra.db import engine_for, reading_scope, session_scope
from oktra.tenders.catalogue import SNAPSHOTS
from oktra.tenders.criteria import Criteria, Sort
from oktra.tenders.demo import load_demo_tenders
from oktra.tenders.models import Buyer, Tender
from oktra.tenders.search import matching_ids, search
from oktra.tenders.searchtext import parse_query, tokens

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
SEED = 2026
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Query:
    """One query of the comparison: its family, criteria, and a buyer named by its key."""

    family: str
    criteria: Criteria
    buyer_key: str | None = field(default=None)
    same_as: str = ""

    def for_session(self, session: Session) -> Criteria:
        if self.buyer_key is None:
            return self.criteria
        buyer = session.scalars(select(Buyer.id).where(Buyer.name_key == self.buyer_key)).one()
        return Criteria(**{**vars(self.criteria), "buyers": (buyer,)})


@pytest.fixture
def databases(postgres_admin, tmp_path) -> Iterator[dict[str, Session]]:
    """The demo catalogue in a new SQLite database and a new PostgreSQL database."""
    name = f"oktra_test_equality_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    urls = {
        "sqlite": f"sqlite:///{tmp_path / 'equality.db'}",
        "postgresql": postgres_admin.url.set(database=name).render_as_string(hide_password=False),
    }
    try:
        with ExitStack() as stack:
            sessions = {}
            for kind, url in urls.items():
                migrations.upgrade(url)
                sessions[kind] = stack.enter_context(session_scope(engine_for(url)))
                assert load_demo_tenders(session=sessions[kind], now=NOW) > 2500
            yield sessions
    finally:
        for url in urls.values():
            engine_for(url).dispose()
        with postgres_admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _rows(session: Session) -> list[tuple[str, str, str, str]]:
    """(title, buyer, reference, key) of every tender, in id order."""
    found = session.execute(
        select(Tender.title, Buyer.name, Tender.reference, Tender.source, Tender.source_id)
        .join(Buyer, Buyer.id == Tender.buyer_id)
        .order_by(Tender.id)
    )
    return [(title, buyer, ref, f"{source}:{sid}") for title, buyer, ref, source, sid in found]


def _bare(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _queries(rows: list[tuple[str, str, str, str]], top_buyer: str) -> list[Query]:
    """50 queries drawn from the catalogue's own titles."""
    rng = random.Random(SEED)
    titles = sorted({title for title, *_ in rows})
    words = [[word for word in _WORD.findall(title) if tokens(word)] for title in titles]
    vocabulary = sorted({word for found in words for word in found})
    common = [word for word, _ in Counter(w.lower() for f in words for w in f).most_common(40)]
    accented = [w for w in vocabulary if not w.isascii() and _bare(w).isascii() and len(w) > 4]
    queries = [Query("word", Criteria(text=rng.choice(vocabulary))) for _ in range(5)]
    for _ in range(5):
        found = rng.choice([found for found in words if found])
        queries.append(Query("word", Criteria(text=rng.choice(found))))
    for _ in range(8):
        found = rng.choice([found for found in words if len(found) >= 3])
        picked = sorted(rng.sample(range(len(found)), rng.choice((2, 3))))
        queries.append(Query("words", Criteria(text=" ".join(found[i] for i in picked))))
    phrases = sorted(
        {
            " ".join(raw[start : start + size])
            for raw in (title.split() for title in titles)
            for size in (2, 3)
            for start in range(len(raw) - size + 1)
            if len(tokens(" ".join(raw[start : start + size]))) >= 2
        }
    )
    for phrase in rng.sample(phrases, 8):
        queries.append(Query("phrase", Criteria(text=f'"{phrase}"')))
    for _ in range(8):
        first = rng.choice(common)
        others = [f for f in words if first in map(str.lower, f)]
        second = rng.choice([w for w in rng.choice(others) if w.lower() != first])
        queries.append(Query("exclusion", Criteria(text=f"{first} -{second}")))
    singular = [word for word in accented if word[-1].lower() not in "sxz"]
    vowels = [word for word in singular if _bare(word)[0].lower() in "aeiouh"]
    for index in range(6):
        word = rng.choice((accented, singular, vowels, vowels)[index % 4])
        variant = (_bare(word).upper(), f"{word}s", f"l'{word}", f"d’{_bare(word)}")[index % 4]
        queries.append(Query("variant", Criteria(text=variant), same_as=word))
    filters = [
        {"categories": ("works",)},
        {"categories": ("supplies", "services"), "regions": ("casablanca-settat",)},
        {"regions": ("oriental",), "statuses": ("open",)},
        {"provinces": ("nador", "tiznit")},
        {"sectors": ("it", "medical")},
        {"budget_min": Decimal(100_000), "budget_max": Decimal(1_000_000)},
        {"deadline_max_days": 21, "reserved_sme": True},
        {"statuses": ("awarded",), "published_from": date(2025, 7, 1)},
    ]
    for extra in filters:
        queries.append(Query("filters", Criteria(text=rng.choice(common), **extra)))
    queries.append(Query("filters", Criteria(regions=("national",), sort=Sort.DEADLINE)))
    queries.append(Query("filters", Criteria(), buyer_key=top_buyer))
    return queries


def _holds(field_tokens: list[str], term: tuple[str, ...]) -> bool:
    size = len(term)
    return any(tuple(field_tokens[i : i + size]) == term for i in range(len(field_tokens)))


def _by_tokens(rows: list[tuple[str, str, str, str]], query_text: str) -> set[str]:
    """The keys a text-only query should find, read from the tokens in plain Python."""
    query = parse_query(query_text)
    found = set()
    for title, buyer, reference, key in rows:
        fields = (tokens(title), tokens(f"{buyer} {reference}"))
        if all(any(_holds(f, term) for f in fields) for term in query.required) and not any(
            _holds(f, term) for f in fields for term in query.excluded
        ):
            found.add(key)
    return found


def _keys(session: Session, ids: set[int] | list[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = session.execute(
        select(Tender.id, Tender.source, Tender.source_id).where(Tender.id.in_(list(ids)))
    )
    return {tender_id: f"{source}:{sid}" for tender_id, source, sid in found}


def _facets(session: Session, result) -> dict[str, list[tuple[str, int, bool]]]:
    names = {buyer_id: key for buyer_id, key in session.execute(select(Buyer.id, Buyer.name_key))}
    return {
        facet: [
            (names[int(item.value)] if facet == "buyer" else item.value, item.count, item.selected)
            for item in values
        ]
        for facet, values in result.facets.items()
    }


def test_sqlite_and_postgresql_return_the_same_results_for_50_queries(databases):
    lite, pg = databases["sqlite"], databases["postgresql"]
    rows = _rows(lite)
    assert sorted(rows) == sorted(_rows(pg))
    top_buyer = Counter(buyer.upper() for _, buyer, _, _ in rows).most_common(1)[0][0]
    top_key = lite.scalars(select(Buyer.name_key).where(Buyer.name.ilike(top_buyer))).first()
    queries = _queries(rows, top_key)
    assert len(queries) == 50

    telling: Counter[str] = Counter()
    distinct = set()
    for query in queries:
        label = f"{query.family}: {query.criteria}"
        found, ids_of = {}, {}
        for kind, session in databases.items():
            criteria = query.for_session(session)
            ids = matching_ids(session=session, criteria=criteria, now=NOW)
            result = search(session=session, criteria=criteria, now=NOW)
            keys = ids_of[kind] = _keys(session, ids)
            page = [keys[tender.id] for tender, _ in result.tenders]
            found[kind] = (set(keys.values()), result.total, _facets(session, result), page)
        assert found["sqlite"][0] == found["postgresql"][0], label
        assert found["sqlite"][1:] == found["postgresql"][1:], label
        keys, total, keys_by_id = found["sqlite"][0], found["sqlite"][1], ids_of["sqlite"]
        assert total == len(keys), label
        if query.family != "filters":
            assert keys == _by_tokens(rows, query.criteria.text), label
        if query.same_as:
            original = Criteria(text=query.same_as)
            assert matching_ids(session=lite, criteria=original, now=NOW) == set(keys_by_id), label
        if 0 < len(keys) < len(rows):
            telling[query.family] += 1
            distinct.add(frozenset(keys))
    assert sum(telling.values()) >= 40, telling
    assert set(telling) == {"word", "words", "phrase", "exclusion", "variant", "filters"}
    assert len(distinct) >= 35


def test_a_search_in_a_reading_scope_builds_the_catalogue_on_both_databases(databases):
    """The search page reads in autocommit (oktra/db.py reading_scope); the catalogue's streamed
    read needs a transaction and takes one of its own."""
    totals = {}
    for kind, session in databases.items():
        session.commit()
        SNAPSHOTS.clear()
        with reading_scope(session.get_bind()) as reading:
            totals[kind] = search(session=reading, criteria=Criteria(text="travaux"), now=NOW).total
    assert totals["sqlite"] == totals["postgresql"] > 0
