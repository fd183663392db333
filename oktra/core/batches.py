"""Splitting values for IN clauses: every database bounds the parameters of one statement."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")

# Values per IN clause: far under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
IN_CHUNK = 5000


def in_chunks(values: Iterable[T], size: int = IN_CHUNK) -> list[list[T]]:
    """The values, sorted and deduplicated, in lists of at most `size`."""
    ordered = sorted(set(values))
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]
