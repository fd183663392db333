"""Sets of tender ids as Python integers: bit n set when tender n belongs to the set.

AND, OR, NOT and counting (`int.bit_count`) run in C over 25 kB for 200,000 tenders, which is
what makes facet counts cheap (docs/search.md). Conversions to and from lists of ids are the
only loops in Python, and they are kept off the hot path by caching.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

_BITS = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))
_NONZERO = re.compile(rb"[^\x00]+")


def from_ids(ids: Iterable[int]) -> int:
    """The set of these ids."""
    buffer = bytearray()
    for tender_id in ids:
        index = tender_id >> 3
        if index >= len(buffer):
            buffer.extend(bytes(index - len(buffer) + 1 + (len(buffer) >> 1)))
        buffer[index] |= 1 << (tender_id & 7)
    return int.from_bytes(buffer, "little")


def to_ids(bits: int) -> list[int]:
    """The ids of a set, ascending."""
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    found: list[int] = []
    for run in _NONZERO.finditer(data):
        start = run.start()
        for offset, byte in enumerate(run.group()):
            base = (start + offset) << 3
            found.extend(base + bit for bit in _BITS[byte])
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
    plus at most 2 x STEP ids converted, whatever its size.
    """

    STEP = 2048

    def __init__(self, pairs: Iterable[tuple[float, int]]) -> None:
        ordered = sorted(pairs)
        self.values: list[float] = [value for value, _ in ordered]
        self.ids: list[int] = [tender_id for _, tender_id in ordered]
        self.prefixes: list[int] = [0]
        running = 0
        for start in range(0, len(self.ids), self.STEP):
            running |= from_ids(self.ids[start : start + self.STEP])
            self.prefixes.append(running)
        self.all = running

    def _prefix(self, count: int) -> int:
        block, rest = divmod(count, self.STEP)
        base = self.prefixes[block]
        if not rest:
            return base
        start = block * self.STEP
        return base | from_ids(self.ids[start : start + rest])

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
