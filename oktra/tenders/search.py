"""The search service: the one definition of which tenders match criteria, with facet counts,
sorting and pages. The alerts matcher is tested against it.

Text: every required term (a token or a quoted phrase) in the title, the buyer or the
reference; no excluded term. Filters: OR within one field, AND across fields; a tender with no
estimate never matches a budget filter; a national tender matches every region and province
filter; the deadline window and the open/closed status are evaluated at `now`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from oktra.core.clock import utc_now
from oktra.db import session_scope, transactional_engine
from oktra.tenders import bitmaps, search_db
from oktra.tenders.catalogue import SNAPSHOTS, Snapshot
from oktra.tenders.criteria import PAGE_SIZE, Criteria, Sort
from oktra.tenders.facets import FacetValue, day_start, facet_counts
from oktra.tenders.models import NATIONAL, Buyer, Tender
from oktra.tenders.searchtext import ParsedQuery, parse_query

COMMON_WORDS_ONLY = "common_words"
SMALL_SET = 4096
MAX_PAGE_SIZE = 50


@dataclass(frozen=True)
class SearchResult:
    """One page of results, the total, the facet counts and how the query was read."""

    total: int
    page: int
    pages: int
    sort: Sort
    tenders: list[tuple[Tender, Buyer]]
    facets: dict[str, list[FacetValue]]
    query: ParsedQuery
    reason: str = ""


def snapshot(*, session: Session) -> Snapshot:
    """The in-memory catalogue of this session's database, current."""
    key = session.get_bind().url.render_as_string(hide_password=True)
    version = search_db.catalogue_version(session=session)
    return SNAPSHOTS.get(key, version, lambda: _catalogue(session))


def _catalogue(session: Session) -> Iterator[Sequence]:
    """The catalogue's rows, streamed by a server-side cursor. It needs a transaction: a
    reading_scope's session (autocommit) has none, and the rows are read in a session of their
    own on the same database."""
    engine = transactional_engine(session.get_bind())
    if engine is None:
        yield from search_db.catalogue_rows(session=session)
        return
    with session_scope(engine) as own:
        yield from search_db.catalogue_rows(session=own)


def term_set(session: Session, snap: Snapshot, term: tuple[str, ...], title_only: bool) -> int:
    return snap.text(
        (title_only, term),
        lambda: search_db.term_ids(session=session, term=term, title_only=title_only),
    )


def text_set(*, session: Session, snap: Snapshot, query: ParsedQuery) -> int:
    """Ids holding every required term and no excluded one (everything for an empty query)."""
    found = snap.everything
    for term in query.required:
        found &= term_set(session, snap, term, False)
    for term in query.excluded:
        found &= ~term_set(session, snap, term, False)
    return found


def filter_sets(snap: Snapshot, criteria: Criteria, now: datetime) -> dict[str, int]:
    """One set of ids per active filter, named as the facets are."""
    found: dict[str, int] = {}
    national = snap.sets["region"].get(NATIONAL, 0)
    plain = {
        "category": criteria.categories,
        "sector": criteria.sectors,
        "procedure": criteria.procedures,
    }
    for name, wanted in plain.items():
        if wanted:
            found[name] = snap.values(name, wanted)
    if criteria.regions:
        found["region"] = snap.values("region", criteria.regions) | national
    if criteria.provinces:
        found["province"] = snap.values("province", criteria.provinces) | national
    if criteria.buyers:
        found["buyer"] = snap.buyer_set(criteria.buyers)
    if criteria.reserved_sme:
        found["reserved"] = snap.sets["reserved"].get("yes", 0)
    if criteria.budget_min is not None or criteria.budget_max is not None:
        low = float(criteria.budget_min) if criteria.budget_min is not None else None
        high = float(criteria.budget_max) if criteria.budget_max is not None else None
        found["budget"] = snap.estimate.between(low, high)
    if criteria.published_from or criteria.published_to:
        start = day_start(criteria.published_from) if criteria.published_from else None
        end = (
            day_start(criteria.published_to + timedelta(days=1)) - 1e-6
            if criteria.published_to
            else None
        )
        found["published"] = snap.published.between(start, end)
    if criteria.deadline_min_days is not None or criteria.deadline_max_days is not None:
        start = now + timedelta(days=criteria.deadline_min_days or 0)
        end = (
            (now + timedelta(days=criteria.deadline_max_days)).timestamp()
            if criteria.deadline_max_days is not None
            else None
        )
        found["deadline"] = snap.deadline.between(start.timestamp(), end)
    if criteria.statuses:
        by_status = snap.statuses(now)
        found["status"] = 0
        for status in criteria.statuses:
            found["status"] |= by_status.get(status, 0)
    return found


def _all(sets: dict[str, int], start: int, skip: str | None = None) -> int:
    found = start
    for name, members in sets.items():
        if name != skip:
            found &= members
    return found


def matching_set(*, session: Session, criteria: Criteria, now: datetime | None = None) -> int:
    """Every matching tender id, as a set (empty when the text holds only common words)."""
    query = parse_query(criteria.text)
    if criteria.text.strip() and query.empty:
        return 0
    snap = snapshot(session=session)
    matched = text_set(session=session, snap=snap, query=query)
    return _all(filter_sets(snap, criteria, now or utc_now()), matched)


def matching_ids(*, session: Session, criteria: Criteria, now: datetime | None = None) -> set[int]:
    """Every matching tender id."""
    return set(bitmaps.to_ids(matching_set(session=session, criteria=criteria, now=now)))


def _ordered(snap: Snapshot, members: int, sort: Sort, skip: int, take: int) -> list[int]:
    order, rank = (
        (snap.deadline_order, snap.deadline_rank)
        if sort == Sort.DEADLINE
        else (snap.newest_order, snap.newest_rank)
    )
    if members.bit_count() <= SMALL_SET:
        return sorted(bitmaps.to_ids(members), key=rank.__getitem__)[skip : skip + take]
    return bitmaps.walk(order, members, skip, take)


def _in_turn(snap: Snapshot, parts: list[tuple[int, Sort]], skip: int, take: int) -> list[int]:
    """A page over consecutive parts of the results, each part in its own order."""
    ids: list[int] = []
    for members, sort in parts:
        count = members.bit_count()
        if skip >= count:
            skip -= count
            continue
        ids += _ordered(snap, members, sort, skip, take - len(ids))
        skip = 0
        if len(ids) >= take:
            break
    return ids


def _page_ids(
    session: Session,
    snap: Snapshot,
    query: ParsedQuery,
    members: int,
    sort: Sort,
    skip: int,
    take: int,
    now: datetime,
) -> list[int]:
    if sort == Sort.DEADLINE:
        # Closest deadline: the deadlines still ahead, soonest first; then the others (passed or
        # unknown), newest first. A deadline passed long ago is not a close one.
        upcoming = members & snap.deadline.between(now.timestamp(), None)
        parts = [(upcoming, Sort.DEADLINE), (members & ~upcoming, Sort.NEWEST)]
        return _in_turn(snap, parts, skip, take)
    if sort != Sort.RELEVANCE or not query.required:
        return _ordered(snap, members, sort, skip, take)
    in_title = members
    for term in query.required:
        in_title &= term_set(session, snap, term, True)
    first_count = in_title.bit_count()
    ids = _ordered(snap, in_title, Sort.NEWEST, skip, take) if skip < first_count else []
    if len(ids) < take:
        rest_skip = max(0, skip - first_count)
        ids += _ordered(snap, members & ~in_title, Sort.NEWEST, rest_skip, take - len(ids))
    return ids


def search(
    *,
    session: Session,
    criteria: Criteria,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> SearchResult:
    """One page of the tenders matching criteria, their total and the facet counts."""
    now = now or utc_now()
    query = parse_query(criteria.text)
    sort = criteria.sort or (Sort.RELEVANCE if query.required else Sort.NEWEST)
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    if criteria.text.strip() and query.empty:
        return SearchResult(0, 1, 0, sort, [], {}, query, COMMON_WORDS_ONLY)
    snap = snapshot(session=session)
    matched = text_set(session=session, snap=snap, query=query)
    sets = filter_sets(snap, criteria, now)
    members = _all(sets, matched)
    total = members.bit_count()
    pages = -(-total // page_size)
    page = max(1, min(page, pages or 1))
    start = (page - 1) * page_size
    ids = _page_ids(session, snap, query, members, sort, start, page_size, now)
    facets = facet_counts(snap, criteria, now, lambda skip: _all(sets, matched, skip))
    return SearchResult(
        total=total,
        page=page,
        pages=pages,
        sort=sort,
        tenders=search_db.tenders_by_id(session=session, ids=ids),
        facets=facets,
        query=query,
    )
