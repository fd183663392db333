"""The matching engine: which saved searches a batch of new or changed tenders matches.

Reflex-free and without database access: the alerts service gives it saved searches and
tenders as plain values. It means what the search service means (tests/unit/alerts hold the
property test that requires equal results on the same catalogue, on SQLite and PostgreSQL).

Each saved search takes a slot, a bit position in sets of searches kept as Python integers
(oktra/tenders/bitmaps.py), as the search service keeps sets of tenders:

- a search with words is in the set of its rarest token (by document frequency; any tender it
  matches carries it); a search without words is in the set of searches without words;
- a search that filters on a field (category, sector, region, province, procedure, buyer,
  status, SME reservation) is in that field's set and in the set of each value it accepts.

A tender is a few operations on those integers: the searches of its tokens or without words,
AND for each field the searches not filtering on it or accepting the tender's value (a national
tender passes every region and province filter; the status is taken at `now`: open or
postponed past the deadline is closed). The sets settle a search with at most one word and no
phrase, exclusion or range: those match. The others (several words, a phrase, an exclusion, a
budget, deadline or publication range) are verified by `Compiled.rest`, what the sets left.
`Compiled.matches` holds the whole meaning for one search and one tender (the naive loop). A
search changed, paused or deleted is patched in place (`put`, `remove`); large sets are kept as
integers and patched bit by bit, small ones converted when a tender needs them.

bench/match.py measures it: 1,000 tenders against 100,000 searches (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from oktra.tenders.bitmaps import from_ids, to_ids
from oktra.tenders.criteria import Criteria
from oktra.tenders.facets import day_start
from oktra.tenders.models import NATIONAL, Status
from oktra.tenders.searchtext import Term, parse_query

CATCH_ALL = ("*",)
NO_WORDS = ("none",)
# Sets this large are kept as integers, patched in place; smaller ones are converted when used.
KEPT_FROM = 64
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

    def keys(self, frequencies: Mapping[str, int]) -> list[tuple[str, ...]]:
        """The keys of this search's most selective requirement: its rarest word (the index's
        key of a search with words), else every value of its narrowest filter, else
        CATCH_ALL."""
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


class MatchIndex:
    """Every active saved search, in sets of search slots, to find the searches a new tender
    matches with operations on integers."""

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
        self._slots: dict[int, int] = {}
        self._ids: list[int] = []
        self._unsettled: list[Compiled | None] = []
        self._spare: list[int] = []
        self._member: dict[int, tuple[Key, ...]] = {}
        self._sets: dict[Key, set[int]] = {}
        self._bits: dict[Key, int] = {}
        self._canonical: dict[Key, Key] = {}

    def __len__(self) -> int:
        return len(self.searches)

    def _keys(self, compiled: Compiled) -> list[Key]:
        keys = compiled.keys(self.frequencies) if compiled.required else [NO_WORDS]
        for field, values in compiled.filters():
            keys.append(("f", field))
            keys.extend(("a", field, value) for value in values)
        if compiled.reserved:
            keys.append(("f", "reserved"))
        return keys

    def put(self, search_id: int, criteria: Criteria) -> None:
        """Add a search, or replace it after a change."""
        self.remove(search_id)
        compiled = Compiled(criteria)
        if compiled.impossible:
            return
        # Verified after the sets, when they do not settle it.
        unsettled = None if compiled.settled else compiled
        if self._spare:
            slot = self._spare.pop()
            self._ids[slot], self._unsettled[slot] = search_id, unsettled
        else:
            slot = len(self._ids)
            self._ids.append(search_id)
            self._unsettled.append(unsettled)
        self.searches[search_id] = compiled
        self._slots[search_id] = slot
        canonical, sets, kept = self._canonical, self._sets, self._bits
        keys = self._member[slot] = tuple(canonical.setdefault(k, k) for k in self._keys(compiled))
        for key in keys:
            sets.setdefault(key, set()).add(slot)
            if key in kept:
                kept[key] |= 1 << slot

    def remove(self, search_id: int) -> None:
        """Forget a search (deleted or paused)."""
        self.searches.pop(search_id, None)
        slot = self._slots.pop(search_id, None)
        if slot is None:
            return
        bit = 1 << slot
        for key in self._member.pop(slot):
            members = self._sets[key]
            members.discard(slot)
            kept = self._bits.get(key)
            if not members:
                del self._sets[key]
                del self._canonical[key]
                self._bits.pop(key, None)
            elif kept is not None:
                self._bits[key] = kept & ~bit
        self._ids[slot], self._unsettled[slot] = -1, None
        self._spare.append(slot)

    def _bitmap(self, key: Key) -> int:
        """The set of a key as an integer (kept when large)."""
        kept = self._bits.get(key)
        if kept is not None:
            return kept
        members = self._sets.get(key)
        if not members:
            return 0
        bits = from_ids(list(members))
        if len(members) >= KEPT_FROM:
            self._bits[key] = bits
        return bits

    def _words(self, tokens: Iterable[str]) -> int:
        """Searches without words, or whose key is one of these tokens."""
        found = self._bitmap(NO_WORDS)
        small: list[int] = []
        sets, kept = self._sets, self._bits
        for token in tokens:
            key = ("w", token)
            bits = kept.get(key)
            if bits is not None:
                found |= bits
                continue
            members = sets.get(key)
            if members is None:
                continue
            if len(members) >= KEPT_FROM:
                found |= self._bitmap(key)
            else:
                small.extend(members)
        return found | from_ids(small) if small else found

    def _slots_of(self, tender: TenderFacts, words: set[str], now: datetime) -> int:
        """Slots of the searches whose words and set filters the tender passes."""
        found = self._words(words)
        if not found:
            return 0
        every = (1 << len(self._ids)) - 1
        fields = [
            ("category", (tender.category,)),
            ("sector", tender.sectors),
            ("procedure", (tender.procedure,)),
            ("buyer", (tender.buyer_id,)),
            ("status", (status_at(tender, now),)),
        ]
        if tender.region != NATIONAL:
            fields += [("region", (tender.region,)), ("province", (tender.province,))]
        for field, values in fields:
            filtering = self._bitmap(("f", field))
            if not filtering:
                continue
            accepted = every ^ filtering
            for value in values:
                accepted |= self._bitmap(("a", field, value))
            found &= accepted
        if tender.reserved_sme is not True:
            found &= every ^ self._bitmap(("f", "reserved"))
        return found

    def candidates(self, tender: TenderFacts, now: datetime) -> set[int]:
        """Searches whose words and set filters the tender passes (a superset of those it
        matches)."""
        words = {*tender.title_tokens, *tender.other_tokens}
        return {self._ids[slot] for slot in to_ids(self._slots_of(tender, words, now))}

    def match(self, tenders: Iterable[TenderFacts], now: datetime) -> dict[int, list[int]]:
        """For each tender id, the ids of the searches it matches (tenders matching none are
        left out)."""
        found: dict[int, list[int]] = {}
        ids, unsettled = self._ids, self._unsettled
        for tender in tenders:
            words = {*tender.title_tokens, *tender.other_tokens}
            slots = self._slots_of(tender, words, now)
            if not slots:
                continue
            hits = []
            for slot in to_ids(slots):
                rest = unsettled[slot]
                if rest is None or rest.rest(tender, words, now):
                    hits.append(ids[slot])
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
