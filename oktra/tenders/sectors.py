"""OKTRA's sector taxonomy, versioned, and sector assignment from a notice's title.

Keywords live in data/sectors-<version>.toml, in matching form (capitals, no accents); a
trailing `*` matches any word that starts so. A title gets every sector one of whose keywords
it contains, in taxonomy order.
Changing a keyword or a sector means a new TAXONOMY_VERSION: tenders keep the version they
were classified with, so a re-classification can find the stale ones.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from oktra.i18n import N_
from oktra.tenders.text import tokens

TAXONOMY_VERSION = "2026.1"
TAXONOMY_FILE = Path(__file__).parent / "data" / f"sectors-{TAXONOMY_VERSION}.toml"


@dataclass(frozen=True)
class Sector:
    """One activity domain: a stable code, an English label to translate, its keywords."""

    code: str
    label: str
    keywords: tuple[str, ...]


LABELS = {
    "construction": N_("Construction and fitting-out"),
    "roads": N_("Roads, tracks and paths"),
    "water": N_("Sanitation, drinking water and networks"),
    "electricity": N_("Electricity and lighting"),
    "it": N_("IT hardware and software"),
    "medical": N_("Medical equipment and supplies"),
    "engineering": N_("Engineering studies"),
    "cleaning": N_("Cleaning, guarding and maintenance"),
    "catering": N_("Catering and receptions"),
    "furniture": N_("Furniture and office supplies"),
    "clothing": N_("Clothing and uniforms"),
    "vehicles": N_("Vehicles, parts and fuel"),
    "printing": N_("Printing and publishing"),
    "training": N_("Training"),
    "consulting": N_("Consulting and audit"),
    "agriculture": N_("Agriculture, livestock and forestry"),
    "supplies": N_("Hardware, tools and small equipment"),
    "sports-culture": N_("Sports, culture and events"),
}


@functools.cache
def load_taxonomy(path: Path = TAXONOMY_FILE) -> tuple[Sector, ...]:
    """The taxonomy's sectors, in order, with their keywords from the versioned data file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if str(data["version"]) != TAXONOMY_VERSION:
        raise ValueError(f"{path.name} is version {data['version']}, not {TAXONOMY_VERSION}")
    return tuple(
        Sector(code, LABELS[code], tuple(spec["keywords"]))
        for code, spec in data["sectors"].items()
    )


SECTOR_LABELS = LABELS


@dataclass(frozen=True)
class _Index:
    exact: dict[tuple[str, ...], frozenset[str]]
    prefix: dict[tuple[str, ...], frozenset[str]]
    prefix_lengths: tuple[int, ...]
    starts: frozenset[str]
    longest: int


@functools.cache
def _index() -> _Index:
    exact: dict[tuple[str, ...], set[str]] = {}
    prefix: dict[tuple[str, ...], set[str]] = {}
    for sector in load_taxonomy():
        for keyword in sector.keywords:
            words = tuple(tokens(keyword.rstrip("*")))
            target = prefix if keyword.endswith("*") else exact
            target.setdefault(words, set()).add(sector.code)
    keys = (*exact, *prefix)
    return _Index(
        exact={key: frozenset(codes) for key, codes in exact.items()},
        prefix={key: frozenset(codes) for key, codes in prefix.items()},
        prefix_lengths=tuple(sorted({len(key[-1]) for key in prefix})),
        starts=frozenset(key[0] for key in keys if len(key) > 1),
        longest=max(len(key) for key in keys),
    )


def assign_sectors(title: str) -> list[str]:
    """The sectors of a title, in taxonomy order (empty when none matches)."""
    index = _index()
    words = tokens(title)
    found: set[str] = set()
    for start, word in enumerate(words):
        longest = min(index.longest, len(words) - start) if word in index.starts else 1
        for size in range(1, longest + 1):
            head, last = tuple(words[start : start + size - 1]), words[start + size - 1]
            found |= index.exact.get((*head, last), frozenset())
            for length in index.prefix_lengths:
                if length > len(last):
                    break
                found |= index.prefix.get((*head, last[:length]), frozenset())
    return [sector.code for sector in load_taxonomy() if sector.code in found]
