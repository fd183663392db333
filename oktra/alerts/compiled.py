"""One saved search made ready to test tenders (`Compiled`), and a tender as matching reads it
(`TenderFacts`): the whole meaning of a search for one tender, the same as the search service's
(oktra/alerts/matching.py indexes many of them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from oktra.tenders.criteria import Criteria
from oktra.tenders.facets import day_start
from oktra.tenders.models import NATIONAL, Status
from oktra.tenders.searchtext import Term, parse_query

NO_WORDS = ("none",)
Key = tuple


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


_EMPTY: frozenset = frozenset()
_UNSET = (None, None)


@lru_cache(maxsize=1 << 16)
def _interned(values: tuple) -> frozenset:
    return frozenset(values) if values else _EMPTY


def _frozen(values: Iterable) -> frozenset:
    """One frozenset per distinct value (100,000 alerts hold a few thousand)."""
    return _interned(tuple(values))


def _pair(low, high) -> tuple:
    return _UNSET if low is None and high is None else (low, high)


class Compiled:
    """Criteria made ready to test tenders quickly, with the same meaning as the search."""

    # An index holds 100,000 of them: no instance dictionary, empty values shared.
    __slots__ = (
        "budget",
        "buyers",
        "categories",
        "deadline",
        "excluded",
        "impossible",
        "procedures",
        "provinces",
        "published",
        "regions",
        "required",
        "reserved",
        "sectors",
        "statuses",
        "words_rest",
    )

    def __init__(self, criteria: Criteria) -> None:
        query = parse_query(criteria.text)
        self.impossible = bool(criteria.text.strip()) and query.empty
        self.required = query.required
        self.excluded = query.excluded
        self.categories = _frozen(criteria.categories)
        self.sectors = _frozen(criteria.sectors)
        self.regions = _frozen(criteria.regions)
        self.provinces = _frozen(criteria.provinces)
        self.procedures = _frozen(criteria.procedures)
        self.buyers = _frozen(criteria.buyers)
        self.reserved = criteria.reserved_sme
        self.budget = _pair(
            None if criteria.budget_min is None else float(criteria.budget_min),
            None if criteria.budget_max is None else float(criteria.budget_max),
        )
        self.published = _pair(criteria.published_from, criteria.published_to)
        self.deadline = _pair(criteria.deadline_min_days, criteria.deadline_max_days)
        self.statuses = _frozen(criteria.statuses)
        # Words the index's key (one token) does not settle.
        self.words_rest = bool(
            self.excluded or len(self.required) > 1 or any(len(t) > 1 for t in self.required)
        )

    def rarest_token(self, frequencies: Mapping[str, int]) -> str:
        """The required token held by the fewest tenders (the index's key of a search with
        words: any tender it matches carries it)."""
        tokens = {token for term in self.required for token in term}
        return min(tokens, key=lambda token: (frequencies.get(token, 0), -len(token), token))

    def filters(self) -> tuple[tuple[str, frozenset], ...]:
        """The set filters this search has: (field, accepted values)."""
        found = (
            ("category", self.categories),
            ("sector", self.sectors),
            ("region", self.regions),
            ("province", self.provinces),
            ("procedure", self.procedures),
            ("buyer", self.buyers),
            ("status", self.statuses),
        )
        return tuple((field, values) for field, values in found if values)

    @property
    def settled(self) -> bool:
        """Whether the index's sets decide this search alone: at most one required word (its
        key), no phrase, no exclusion, no range."""
        return not self.words_rest and self.budget is self.published is self.deadline is _UNSET

    def rest(self, tender: TenderFacts, words: frozenset[str] | set[str], now: datetime) -> bool:
        """What the index's sets leave to verify: the words (`words`: every token of the
        tender), phrases, exclusions, and the budget, publication and deadline ranges."""
        if self.words_rest and not self._words(tender, words):
            return False
        if self.budget is not _UNSET and not self._budget(tender):
            return False
        if self.published is not _UNSET and not self._published(tender):
            return False
        return self.deadline is _UNSET or self._deadline(tender, now)

    def _words(self, tender: TenderFacts, words: frozenset[str] | set[str]) -> bool:
        fields = (tender.title_tokens, tender.other_tokens)
        for term in self.required:
            if len(term) == 1:
                if term[0] not in words:
                    return False
            elif not any(_holds(tokens, term) for tokens in fields):
                return False
        for term in self.excluded:
            if term[0] in words if len(term) == 1 else any(_holds(t, term) for t in fields):
                return False
        return True

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
        return self._budget(tender) and self._published(tender) and self._deadline(tender, now)

    def _budget(self, tender: TenderFacts) -> bool:
        low, high = self.budget
        if low is None and high is None:
            return True
        if tender.estimate is None:
            return False
        value = float(tender.estimate)
        return (low is None or value >= low) and (high is None or value <= high)

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
        return not self.statuses or status_at(tender, now) in self.statuses

    def matches(self, tender: TenderFacts, now: datetime) -> bool:
        """Whether this tender meets every criterion at `now`."""
        return (
            not self.impossible
            and self._sets(tender)
            and self._text(tender)
            and self._ranges(tender, now)
            and self._status(tender, now)
        )


def status_at(tender: TenderFacts, now: datetime) -> str:
    """A tender's status at `now`: open or postponed past its deadline is closed."""
    deadline = tender.deadline_at
    lapsed = deadline is not None and deadline.timestamp() <= now.timestamp()
    if lapsed and tender.status in (Status.OPEN, Status.POSTPONED):
        return Status.CLOSED
    return tender.status
