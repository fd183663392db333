"""The matching engine: which saved searches a batch of new or changed tenders matches.

Reflex-free and without database access: the alerts service gives it saved searches and
tenders as plain values. It means what the search service means (tests/unit/alerts hold the
property test that requires equal results on the same catalogue):

- every saved search is indexed under ONE key that any tender it matches must carry (its most
  selective requirement: a token of its text, else its buyers, provinces, sectors, regions or
  categories; none: a catch-all list), patched when a search changes;
- a tender probes the index with every key it carries (its tokens, buyer, province, sectors,
  region, category; a national tender carries every region and province key) and gets the
  candidates;
- each candidate is then verified exactly (phrases, exclusions, every filter, the deadline
  window and the status at `now`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from oktra.tenders.criteria import Criteria
from oktra.tenders.facets import day_start
from oktra.tenders.models import NATIONAL, Status
from oktra.tenders.searchtext import Term, parse_query

CATCH_ALL = ("*",)


@dataclass(frozen=True)
class TenderFacts:
    """What matching reads of a tender: its indexed tokens and filterable values."""

    id: int
    title_tokens: tuple[str, ...]
    other_tokens: tuple[str, ...]
    category: str | None
    procedure: str | None
    region: str | None
    province: str | None
    sectors: tuple[str, ...]
    buyer_id: int
    reserved_sme: bool | None
    estimate: Decimal | None
    published_at: datetime | None
    deadline_at: datetime | None
    status: str


def _holds(tokens: tuple[str, ...], term: Term) -> bool:
    size = len(term)
    if size == 1:
        return term[0] in tokens
    return any(tokens[start : start + size] == term for start in range(len(tokens) - size + 1))


class Compiled:
    """Criteria made ready to test tenders quickly, with the same meaning as the search."""

    def __init__(self, criteria: Criteria) -> None:
        query = parse_query(criteria.text)
        self.impossible = bool(criteria.text.strip()) and query.empty
        self.required = query.required
        self.excluded = query.excluded
        self.categories = frozenset(criteria.categories)
        self.sectors = frozenset(criteria.sectors)
        self.regions = frozenset(criteria.regions)
        self.provinces = frozenset(criteria.provinces)
        self.procedures = frozenset(criteria.procedures)
        self.buyers = frozenset(criteria.buyers)
        self.reserved = criteria.reserved_sme
        self.budget = (
            None if criteria.budget_min is None else float(criteria.budget_min),
            None if criteria.budget_max is None else float(criteria.budget_max),
        )
        self.published = (criteria.published_from, criteria.published_to)
        self.deadline = (criteria.deadline_min_days, criteria.deadline_max_days)
        self.statuses = frozenset(criteria.statuses)

    def keys(self, frequencies: Mapping[str, int]) -> list[tuple[str, ...]]:
        """The index keys of this search: every value of its most selective requirement."""
        if self.required:
            tokens = {token for term in self.required for token in term}
            rarest = min(tokens, key=lambda token: (frequencies.get(token, 0), -len(token), token))
            return [("w", rarest)]
        for kind, values in (
            ("b", self.buyers),
            ("p", self.provinces),
            ("s", self.sectors),
            ("r", self.regions),
            ("c", self.categories),
        ):
            if values:
                return [(kind, str(value)) for value in values]
        return [CATCH_ALL]

    def _text(self, tender: TenderFacts) -> bool:
        fields = (tender.title_tokens, tender.other_tokens)
        for term in self.required:
            if not any(_holds(tokens, term) for tokens in fields):
                return False
        return not any(_holds(tokens, term) for term in self.excluded for tokens in fields)

    def _sets(self, tender: TenderFacts) -> bool:
        national = tender.region == NATIONAL
        checks = (
            (self.categories, tender.category in self.categories),
            (self.sectors, not self.sectors.isdisjoint(tender.sectors)),
            (self.regions, national or tender.region in self.regions),
            (self.provinces, national or tender.province in self.provinces),
            (self.procedures, tender.procedure in self.procedures),
            (self.buyers, tender.buyer_id in self.buyers),
        )
        return all(passed for wanted, passed in checks if wanted)

    def _ranges(self, tender: TenderFacts, now: datetime) -> bool:
        if self.reserved and tender.reserved_sme is not True:
            return False
        low, high = self.budget
        if low is not None or high is not None:
            if tender.estimate is None:
                return False
            value = float(tender.estimate)
            if (low is not None and value < low) or (high is not None and value > high):
                return False
        if not self._published(tender):
            return False
        return self._deadline(tender, now)

    def _published(self, tender: TenderFacts) -> bool:
        start, end = self.published
        if start is None and end is None:
            return True
        if tender.published_at is None:
            return False
        stamp = tender.published_at.timestamp()
        if start is not None and stamp < day_start(start):
            return False
        return end is None or stamp <= day_start(end + timedelta(days=1)) - 1e-6

    def _deadline(self, tender: TenderFacts, now: datetime) -> bool:
        low, high = self.deadline
        if low is None and high is None:
            return True
        if tender.deadline_at is None:
            return False
        stamp = tender.deadline_at.timestamp()
        if stamp < (now + timedelta(days=low or 0)).timestamp():
            return False
        return high is None or stamp <= (now + timedelta(days=high)).timestamp()

    def _status(self, tender: TenderFacts, now: datetime) -> bool:
        if not self.statuses:
            return True
        status = tender.status
        lapsed = (
            tender.deadline_at is not None and tender.deadline_at.timestamp() <= now.timestamp()
        )
        if status in (Status.OPEN, Status.POSTPONED) and lapsed:
            status = Status.CLOSED
        return status in self.statuses

    def matches(self, tender: TenderFacts, now: datetime) -> bool:
        """Whether this tender meets every criterion at `now`."""
        return (
            not self.impossible
            and self._sets(tender)
            and self._text(tender)
            and self._ranges(tender, now)
            and self._status(tender, now)
        )


def tender_keys(tender: TenderFacts, region_codes: Iterable[str], province_codes: Iterable[str]):
    """Every index key a tender carries."""
    yield CATCH_ALL
    for token in {*tender.title_tokens, *tender.other_tokens}:
        yield ("w", token)
    yield ("b", str(tender.buyer_id))
    yield ("c", str(tender.category))
    for sector in tender.sectors:
        yield ("s", sector)
    if tender.region == NATIONAL:
        yield from (("r", code) for code in region_codes)
        yield from (("p", code) for code in province_codes)
    else:
        yield ("r", str(tender.region))
        yield ("p", str(tender.province))


class MatchIndex:
    """Every active saved search, indexed to find its candidates among new tenders."""

    def __init__(
        self,
        *,
        regions: Iterable[str],
        provinces: Iterable[str],
        frequencies: Mapping[str, int] | None = None,
    ) -> None:
        self.regions = (*regions, NATIONAL)
        self.provinces = tuple(provinces)
        self.frequencies = frequencies or {}
        self.searches: dict[int, Compiled] = {}
        self._keys: dict[int, list[tuple[str, ...]]] = {}
        self._postings: dict[tuple[str, ...], set[int]] = {}

    def __len__(self) -> int:
        return len(self.searches)

    def put(self, search_id: int, criteria: Criteria) -> None:
        """Add a search, or replace it after a change."""
        self.remove(search_id)
        compiled = Compiled(criteria)
        if compiled.impossible:
            return
        keys = compiled.keys(self.frequencies)
        self.searches[search_id] = compiled
        self._keys[search_id] = keys
        for key in keys:
            self._postings.setdefault(key, set()).add(search_id)

    def remove(self, search_id: int) -> None:
        """Forget a search (deleted or paused)."""
        self.searches.pop(search_id, None)
        for key in self._keys.pop(search_id, ()):
            posting = self._postings.get(key)
            if posting is not None:
                posting.discard(search_id)
                if not posting:
                    del self._postings[key]

    def candidates(self, tender: TenderFacts) -> set[int]:
        """Searches that might match a tender (a superset of those that do)."""
        found: set[int] = set()
        postings = self._postings
        for key in tender_keys(tender, self.regions, self.provinces):
            posting = postings.get(key)
            if posting:
                found |= posting
        return found

    def match(self, tenders: Iterable[TenderFacts], now: datetime) -> dict[int, list[int]]:
        """For each tender id, the ids of the searches it matches (tenders matching none are
        left out)."""
        found: dict[int, list[int]] = {}
        searches = self.searches
        for tender in tenders:
            hits = [
                search_id
                for search_id in self.candidates(tender)
                if searches[search_id].matches(tender, now)
            ]
            if hits:
                found[tender.id] = sorted(hits)
        return found


def naive_match(
    searches: Mapping[int, Criteria], tenders: Iterable[TenderFacts], now: datetime
) -> dict[int, list[int]]:
    """The same answer by testing every search against every tender (benchmark baseline)."""
    compiled = {search_id: Compiled(criteria) for search_id, criteria in searches.items()}
    found: dict[int, list[int]] = {}
    for tender in tenders:
        hits = [sid for sid, search in compiled.items() if search.matches(tender, now)]
        if hits:
            found[tender.id] = sorted(hits)
    return found
