"""Region and province inference from place names, through OKTRA's gazetteer of Morocco."""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from oktra.i18n import N_
from oktra.tenders.models import NATIONAL
from oktra.tenders.text import tokens

GAZETTEER_FILE = Path(__file__).parent / "data" / "gazetteer.toml"

REGION_LABELS = {
    "tanger-tetouan-al-hoceima": N_("Tanger-Tétouan-Al Hoceïma"),
    "oriental": N_("L'Oriental"),
    "fes-meknes": N_("Fès-Meknès"),
    "rabat-sale-kenitra": N_("Rabat-Salé-Kénitra"),
    "beni-mellal-khenifra": N_("Béni Mellal-Khénifra"),
    "casablanca-settat": N_("Casablanca-Settat"),
    "marrakech-safi": N_("Marrakech-Safi"),
    "draa-tafilalet": N_("Drâa-Tafilalet"),
    "souss-massa": N_("Souss-Massa"),
    "guelmim-oued-noun": N_("Guelmim-Oued Noun"),
    "laayoune-sakia-el-hamra": N_("Laâyoune-Sakia El Hamra"),
    "dakhla-oued-ed-dahab": N_("Dakhla-Oued Ed-Dahab"),
    NATIONAL: N_("National"),
}

# Buyers of national scope: a central body with no place in its name covers the whole country.
_NATIONAL_BUYER = re.compile(
    r"\b(NATIONAL|NATIONALE|MINISTERE|MINISTRE|ROYAUME|ROYAL|ROYALE|CENTRALE|CENTRAL|"
    r"GENERALE|GENERAL|TRESORERIE|DIRECTION GENERALE|HAUT COMMISSARIAT|CHAMBRE DES|"
    r"COUR DES COMPTES|CONSEIL ECONOMIQUE|INSTITUT ROYAL)\b"
)
_LEVEL_PROVINCE, _LEVEL_COMMUNE, _LEVEL_REGION = 3, 2, 1


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: the region, and the province when the name is that precise."""

    region: str
    province: str | None
    level: int


@dataclass(frozen=True)
class Gazetteer:
    """Every name in matching form, keyed by its tuple of words."""

    version: str
    regions: dict[str, str]
    provinces: dict[str, tuple[str, str, str]]
    names: dict[tuple[str, ...], Place]
    longest: int


def _variants(spec: str) -> list[tuple[str, ...]]:
    return [tuple(tokens(name)) for name in spec.split("|") if tokens(name)]


@functools.cache
def load_gazetteer(path: Path = GAZETTEER_FILE) -> Gazetteer:
    """Read the gazetteer; a name claimed by two provinces is ambiguous and left out."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    claims: dict[tuple[str, ...], set[Place]] = {}

    def claim(key: tuple[str, ...], place: Place) -> None:
        claims.setdefault(key, set()).add(place)

    regions = {code: spec.split("|")[0] for code, spec in data["regions"].items()}
    for code, spec in data["regions"].items():
        for key in _variants(spec):
            claim(key, Place(code, None, _LEVEL_REGION))
    provinces = {}
    for code, (region, kind, spec, communes) in data["provinces"].items():
        provinces[code] = (region, kind, spec.split("|")[0])
        for key in _variants(spec):
            claim(key, Place(region, code, _LEVEL_PROVINCE))
        for commune in communes:
            for key in _variants(commune):
                claim(key, Place(region, code, _LEVEL_COMMUNE))
    names = {}
    for key, places in claims.items():
        best = max(place.level for place in places)
        top = {place for place in places if place.level == best}
        if len(top) == 1:
            names[key] = top.pop()
    return Gazetteer(
        version=str(data["version"]),
        regions=regions,
        provinces=provinces,
        names=names,
        longest=max(len(key) for key in names),
    )


def find_places(text: str, gazetteer: Gazetteer | None = None) -> list[Place]:
    """Places named in a text, left to right, the longest name winning at each word."""
    gazetteer = gazetteer or load_gazetteer()
    words = tokens(text)
    found, index = [], 0
    while index < len(words):
        for size in range(min(gazetteer.longest, len(words) - index), 0, -1):
            place = gazetteer.names.get(tuple(words[index : index + size]))
            if place is not None:
                found.append(place)
                index += size
                break
        else:
            index += 1
    return found


def _resolve(places: list[Place]) -> tuple[str, str | None] | None:
    if not places:
        return None
    weight: Counter[str] = Counter()
    for place in places:
        weight[place.region] += place.level
    region = max(weight, key=lambda code: (weight[code], -_first(places, code)))
    in_region = [place for place in places if place.region == region and place.province]
    provinces = {place.province for place in in_region}
    province = None
    if len(provinces) == 1:
        province = provinces.pop()
    elif in_region:
        top = max(place.level for place in in_region)
        ranked = [place.province for place in in_region if place.level == top]
        province = ranked[-1] if len(set(ranked)) > 1 else ranked[0]
    return region, province


def _first(places: list[Place], region: str) -> int:
    return next(index for index, place in enumerate(places) if place.region == region)


def infer_region(
    *, place: str | None = None, buyer: str | None = None, title: str | None = None
) -> tuple[str | None, str | None]:
    """(region, province) from the place of execution, else the buyer's name, else the title.

    A central buyer with no place in its name is national; nothing found leaves both unknown.
    """
    for text in (place, buyer):
        if text:
            resolved = _resolve(find_places(text))
            if resolved:
                return resolved
    if buyer and _NATIONAL_BUYER.search(" ".join(tokens(buyer))):
        return NATIONAL, None
    if title:
        resolved = _resolve(find_places(title))
        if resolved:
            return resolved
    return None, None
