"""The catalogue in memory, for filters and facet counts: one set of ids per filter value.

Built from the database's columns and replaced whole when the catalogue's version changes (an
import bumps it); one per database, shared by the threads of a process. Text lookups from the
full-text index are cached here too, keyed by the same version, so a changed catalogue can never
be answered from a stale lookup; the sets of the commonest tokens are built with the snapshot
from the stored tokens (a token is in a tender's text exactly when it is among those tokens).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import islice

from oktra.tenders import bitmaps
from oktra.tenders.models import Status

TEXT_CACHE_SIZE = 512
# A token held by this many tenders (or this share of them) gets its sets built with the
# snapshot, from the same token columns the full-text indexes hold: fetching 100,000 ids from
# the index costs tens of milliseconds, the prebuilt set nothing (docs/search.md).
COMMON_MIN = 5000
COMMON_SHARE = 0.025
KEPT_DATABASES = 4
SET_FIELDS = ("category", "procedure", "region", "province", "status", "reserved", "sector")
# The fields of one value, in the order of the catalogue's columns (after the id).
SINGLE_FIELDS = ("category", "procedure", "region", "province", "status")
CHUNK = 5000
_RESERVED = {True: "yes", False: "no"}


def _add(by_value: dict[str, list[int]], ids: Sequence[int], values: Sequence) -> None:
    for tender_id, value in zip(ids, values, strict=True):
        if value is not None:
            found = by_value.get(value)
            if found is None:
                by_value[value] = [tender_id]
            else:
                found.append(tender_id)


class Snapshot:
    """Every tender's filterable values, as sets of ids per value and sorted columns."""

    def __init__(self, version: tuple, rows: Iterable[Sequence]) -> None:
        self.version = version
        positions: dict[str, dict[str, list[int]]] = {name: {} for name in SET_FIELDS}
        buyers: dict[int, list[int]] = {}
        self.buyer_of: dict[int, int] = {}
        estimates: list[tuple[float, int]] = []
        published: list[tuple[float, int]] = []
        deadlines: list[tuple[float, int]] = []
        ids: list[int] = []
        in_title: dict[str, list[int]] = {}
        in_other: dict[str, list[int]] = {}
        rows = iter(rows)
        # Column by column, a chunk of rows at a time: a loop per field rather than per row.
        while chunk := list(islice(rows, CHUNK)):
            columns = list(zip(*chunk, strict=True))
            chunk_ids, buyer_ids = columns[0], columns[7]
            ids.extend(chunk_ids)
            for name, column in zip(SINGLE_FIELDS, columns[1:6], strict=True):
                _add(positions[name], chunk_ids, column)
            _add(
                positions["reserved"], chunk_ids, [_RESERVED.get(v, "unknown") for v in columns[6]]
            )
            sector = positions["sector"]
            for tender_id, sectors in zip(chunk_ids, columns[8], strict=True):
                for value in sectors or ():
                    if value is not None:
                        sector.setdefault(value, []).append(tender_id)
            for tender_id, buyer_id in zip(chunk_ids, buyer_ids, strict=True):
                buyers.setdefault(buyer_id, []).append(tender_id)
            self.buyer_of.update(zip(chunk_ids, buyer_ids, strict=True))
            pairs = zip(chunk_ids, columns[9], strict=True)
            estimates.extend((float(Decimal(v)), i) for i, v in pairs if v is not None)
            pairs = zip(chunk_ids, columns[10], strict=True)
            published.extend((v.timestamp(), i) for i, v in pairs if v is not None)
            pairs = zip(chunk_ids, columns[11], strict=True)
            deadlines.extend((v.timestamp(), i) for i, v in pairs if v is not None)
            for postings, column in ((in_title, columns[12]), (in_other, columns[13])):
                for tender_id, tokens in zip(chunk_ids, column, strict=True):
                    for token in set(tokens.split()):
                        found = postings.get(token)
                        if found is None:
                            postings[token] = [tender_id]
                        else:
                            found.append(tender_id)
        self.count = len(ids)
        self.everything = bitmaps.from_ids(ids)
        self.sets = {
            name: {value: bitmaps.from_ids(found) for value, found in by_value.items()}
            for name, by_value in positions.items()
        }
        # Tuples rather than lists, so that full garbage collections skip them (bitmaps.py).
        self.buyers = {buyer: tuple(found) for buyer, found in buyers.items()}
        self.estimate = bitmaps.SortedColumn(estimates)
        self.published = bitmaps.SortedColumn(published)
        self.deadline = bitmaps.SortedColumn(deadlines)
        newest = list(reversed(self.published.ids))
        self.newest_order = (*newest, *sorted(set(ids) - set(newest), reverse=True))
        closest = list(self.deadline.ids)
        self.deadline_order = (*closest, *sorted(set(ids) - set(closest)))
        self.newest_rank = {tender_id: rank for rank, tender_id in enumerate(self.newest_order)}
        self.deadline_rank = {tender_id: rank for rank, tender_id in enumerate(self.deadline_order)}
        self._text: OrderedDict[tuple, int] = OrderedDict()
        self._lock = threading.Lock()
        self.common = self._common_tokens(in_title, in_other)

    def _common_tokens(
        self, in_title: dict[str, list[int]], in_other: dict[str, list[int]]
    ) -> dict[tuple, int]:
        """The sets of the tokens held by many tenders, keyed as `text` keys them."""
        least = max(COMMON_MIN, int(self.count * COMMON_SHARE))
        common: dict[tuple, int] = {}
        for token in set(in_title) | set(in_other):
            title, other = in_title.get(token, ()), in_other.get(token, ())
            if len(title) + len(other) < least:
                continue
            title_set = bitmaps.from_ids(title)
            common[(True, (token,))] = title_set
            common[(False, (token,))] = title_set | bitmaps.from_ids(other)
        return common

    def values(self, name: str, wanted: Iterable[str]) -> int:
        """Ids having any of these values of a field."""
        found = 0
        sets = self.sets[name]
        for value in wanted:
            found |= sets.get(value, 0)
        return found

    def buyer_set(self, buyer_ids: Iterable[int]) -> int:
        """Ids of the tenders of any of these buyers."""
        return bitmaps.from_ids(
            [tender_id for buyer in buyer_ids for tender_id in self.buyers.get(buyer, ())]
        )

    def statuses(self, now: datetime) -> dict[str, int]:
        """Ids per status as of `now`: an open or postponed tender past its deadline is closed."""
        lapsed = self.deadline.between(None, now.timestamp())
        stored = self.sets["status"]
        live = stored.get(Status.OPEN, 0) | stored.get(Status.POSTPONED, 0)
        found = {status: stored.get(status, 0) for status in Status}
        found[Status.OPEN] &= ~lapsed
        found[Status.POSTPONED] &= ~lapsed
        found[Status.CLOSED] |= live & lapsed
        return found

    def text(self, key: tuple, lookup: Callable[[], list[int]]) -> int:
        """A full-text lookup's ids as a set: prebuilt for a common token, else from the cache
        or from `lookup`."""
        if key in self.common:
            return self.common[key]
        with self._lock:
            if key in self._text:
                self._text.move_to_end(key)
                return self._text[key]
        found = bitmaps.from_ids(lookup())
        with self._lock:
            self._text[key] = found
            while len(self._text) > TEXT_CACHE_SIZE:
                self._text.popitem(last=False)
        return found


class Snapshots:
    """The current snapshot of each database, rebuilt once when its version moves."""

    def __init__(self) -> None:
        self._current: dict[str, Snapshot] = {}
        self._lock = threading.Lock()

    def get(self, key: str, version: tuple, rows: Callable[[], Iterable[Sequence]]) -> Snapshot:
        """The snapshot of a database at this version, built from `rows` if needed."""
        found = self._current.get(key)
        if found is not None and found.version == version:
            return found
        with self._lock:
            found = self._current.get(key)
            if found is None or found.version != version:
                found = Snapshot(version, rows())
                self._current.pop(key, None)
                self._current[key] = found
                while len(self._current) > KEPT_DATABASES:
                    self._current.pop(next(iter(self._current)))
            return found

    def clear(self) -> None:
        """Forget every snapshot."""
        with self._lock:
            self._current.clear()


SNAPSHOTS = Snapshots()
