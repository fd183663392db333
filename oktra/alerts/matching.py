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
from datetime import datetime

from oktra.alerts.compiled import NO_WORDS, Compiled, Key, TenderFacts, status_at
from oktra.tenders.bitmaps import from_ids, to_ids
from oktra.tenders.criteria import Criteria
from oktra.tenders.models import NATIONAL

__all__ = ["NO_WORDS", "Compiled", "MatchIndex", "TenderFacts", "naive_match"]

# Sets this large are kept as integers, patched in place; smaller ones are converted when used.
KEPT_FROM = 64


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
        keys = [("w", compiled.rarest_token(self.frequencies))] if compiled.required else [NO_WORDS]
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
