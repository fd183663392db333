"""Sets of tender ids as Python integers: bit n set when tender n belongs to the set.

AND, OR, NOT and counting (`int.bit_count`) run in C over 25 kB for 200,000 tenders, which is
what makes facet counts cheap (docs/search.md). Conversions to and from lists of ids are the
only loops in Python, and they are kept off the hot path by caching.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import compress

_BIT = tuple(1 << bit for bit in range(8))
# A set holding more than one id in DENSE of its range is listed by scanning every position.
_DENSE = 6
_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")


def from_ids(ids: Iterable[int]) -> int:
    """The set of these ids."""
    ids = ids if isinstance(ids, list | tuple) else list(ids)
    if not ids:
        return 0
    buffer = bytearray((max(ids) >> 3) + 1)
    bit = _BIT
    for tender_id in ids:
        buffer[tender_id >> 3] |= bit[tender_id & 7]
    return int.from_bytes(buffer, "little")


def to_ids(bits: int) -> list[int]:
    """The ids of a set, ascending."""
    if bits < 0:
        raise OverflowError("a set of ids is a non-negative integer")
    digits = bin(bits)[:1:-1]  # digit n is bit n
    if bits.bit_count() * _DENSE > len(digits):
        return list(compress(range(len(digits)), digits.encode().translate(_ZERO_ONE)))
    found: list[int] = []
    append, find = found.append, digits.find
    position = find("1")
    while position >= 0:
        append(position)
        position = find("1", position + 1)
    return found


class Membership:
    """Constant-time `id in set` for one set, for walking a sorted list of ids."""

    def __init__(self, bits: int) -> None:
        self.data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")

    def __contains__(self, tender_id: int) -> bool:
        index = tender_id >> 3
        return index < len(self.data) and bool(self.data[index] >> (tender_id & 7) & 1)


class SortedColumn:
    """The ids that have a value for one column, sorted by it, with range queries as sets.

    Every STEP-th prefix of the sorted ids is kept as a set, so a range costs two of those
    plus at most STEP ids converted, whatever its size. The last KEPT prefixes asked for are
    kept too: a range bound moves between values (a deadline window moves with the clock), so
    its prefix, counted in ids, rarely changes from one search to the next.
    """

    STEP = 2048
    KEPT = 64

    def __init__(self, pairs: Iterable[tuple[float, int]]) -> None:
        ordered = sorted(pairs)
        # Tuples: once the garbage collector has seen they hold only numbers, it stops
        # walking them (a list of 200,000 ids would lengthen every full collection).
        self.values: tuple[float, ...] = tuple(value for value, _ in ordered)
        self.ids: tuple[int, ...] = tuple(tender_id for _, tender_id in ordered)
        self.prefixes: list[int] = [0]
        running = 0
        for start in range(0, len(self.ids), self.STEP):
            running |= from_ids(self.ids[start : start + self.STEP])
            self.prefixes.append(running)
        self.all = running
        self._kept: dict[int, int] = {}
        self._lock = threading.Lock()

    def _prefix(self, count: int) -> int:
        block, rest = divmod(count, self.STEP)
        if not rest:
            return self.prefixes[block]
        found = self._kept.get(count)
        if found is not None:
            return found
        start = block * self.STEP
        if rest <= self.STEP // 2:
            found = self.prefixes[block] | from_ids(self.ids[start:count])
        else:
            # The next kept prefix less the ids between: fewer ids to convert.
            found = self.prefixes[block + 1] & ~from_ids(self.ids[count : start + self.STEP])
        with self._lock:
            self._kept[count] = found
            while len(self._kept) > self.KEPT:
                del self._kept[next(iter(self._kept))]
        return found

    def between(self, low: float | None, high: float | None) -> int:
        """Ids whose value lies in [low, high]; None leaves a side open."""
        start = 0 if low is None else bisect_left(self.values, low)
        end = len(self.values) if high is None else bisect_right(self.values, high)
        if end <= start:
            return 0
        return self._prefix(end) & ~self._prefix(start)


def walk(order: Sequence[int], members: int, skip: int, take: int) -> list[int]:
    """The ids of `members` in the given order, past the first `skip`, at most `take`."""
    inside = Membership(members)
    page: list[int] = []
    for tender_id in order:
        if tender_id in inside:
            if skip:
                skip -= 1
                continue
            page.append(tender_id)
            if len(page) == take:
                break
    return page
