"""Search criteria: what a search (and later a saved alert) asks, and its form in a URL.

One immutable value, written to and read from URL parameters (the search page's address carries
the whole query, so it can be shared and the back button restores it) and from JSON (alerts).
Reading is forgiving: a value that means nothing is dropped and named in `problems`, never an
error page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from oktra.i18n import N_
from oktra.tenders.gazetteer import REGION_LABELS, load_gazetteer
from oktra.tenders.models import NATIONAL, Category, Status
from oktra.tenders.sectors import LABELS as SECTOR_LABELS

MAX_VALUES = 50
MAX_DAYS = 3650
MAX_TEXT = 10_000
MAX_ID = 2**31 - 1
MAX_PAGE = 10_000
PAGE_SIZE = 20


class Sort(StrEnum):
    """Orders of a result list."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    DEADLINE = "deadline"


SORT_LABELS = {
    Sort.RELEVANCE: N_("Relevance"),
    Sort.NEWEST: N_("Newest first"),
    Sort.DEADLINE: N_("Closest deadline"),
}


def _unset(value: object) -> bool:
    """Whether a field holds its default: 0 (an amount, a number of days) is a value."""
    return value is None or value is False or value in ((), "")


@dataclass(frozen=True)
class Criteria:
    """Which tenders a search asks for. Empty fields do not filter.

    OR within one field, AND across fields. Budget bounds are MAD; publication dates are days
    on Casablanca time; the deadline window is in days from the moment of the search.
    """

    text: str = ""
    categories: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()
    buyers: tuple[int, ...] = ()
    reserved_sme: bool = False
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    published_from: date | None = None
    published_to: date | None = None
    deadline_min_days: int | None = None
    deadline_max_days: int | None = None
    statuses: tuple[str, ...] = ()
    sort: Sort | None = None

    def without(self, name: str) -> Criteria:
        """The same criteria with one field back to its default."""
        default = next(item for item in fields(self) if item.name == name)
        value = default.default_factory() if callable(default.default_factory) else default.default
        return replace(self, **{name: value})

    @property
    def filtered(self) -> bool:
        """Whether any filter beyond the text is set."""
        return any(
            not _unset(getattr(self, item.name))
            for item in fields(self)
            if item.name not in ("text", "sort")
        )


# URL parameter of each field, and the parameter that carries the page number.
PARAMS = {
    "text": "q",
    "categories": "category",
    "sectors": "sector",
    "regions": "region",
    "provinces": "province",
    "procedures": "procedure",
    "buyers": "buyer",
    "reserved_sme": "sme",
    "budget_min": "min",
    "budget_max": "max",
    "published_from": "from",
    "published_to": "to",
    "deadline_min_days": "dlmin",
    "deadline_max_days": "dl",
    "statuses": "status",
    "sort": "sort",
}
PAGE_PARAM = "page"


def _choices() -> dict[str, frozenset[str]]:
    return {
        "categories": frozenset(Category),
        "sectors": frozenset(SECTOR_LABELS),
        "regions": frozenset(REGION_LABELS) | {NATIONAL},
        "provinces": frozenset(load_gazetteer().provinces),
        "statuses": frozenset(Status),
    }


@dataclass
class Reading:
    """Criteria read from outside, and what could not be read (messages to translate)."""

    criteria: Criteria
    page: int = 1
    problems: list[str] = field(default_factory=list)


def _values(params: Mapping[str, Sequence[str] | str], key: str) -> list[str]:
    raw = params.get(key, ())
    items = [raw] if isinstance(raw, str) else list(raw)
    values: list[str] = []
    for item in items:
        values.extend(part.strip() for part in str(item).split(",") if part.strip())
    return values[:MAX_VALUES]


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(" ", "").replace("\u202f", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and Decimal(0) <= value < Decimal("1e14") else None


def _number(text: str, limit: int) -> int | None:
    """A whole number written in ASCII digits, at most `limit`; anything else is None."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(limit)):
        return None
    value = int(text)
    return value if value <= limit else None


def _days(text: str) -> int | None:
    return _number(text, MAX_DAYS)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_DAYS_PROBLEM = N_("The deadline window is not a number of days; it was ignored.")
_SCALARS = {
    "budget_min": (_amount, N_("The minimum budget is not an amount; it was ignored.")),
    "budget_max": (_amount, N_("The maximum budget is not an amount; it was ignored.")),
    "published_from": (_date, N_("The publication start date is not a date; it was ignored.")),
    "published_to": (_date, N_("The publication end date is not a date; it was ignored.")),
    "deadline_min_days": (
        _days,
        N_("The deadline window is not a number of days; it was ignored."),
    ),
    "deadline_max_days": (
        _days,
        N_("The deadline window is not a number of days; it was ignored."),
    ),
}


def from_params(params: Mapping[str, Sequence[str] | str]) -> Reading:
    """Criteria from URL parameters (or any mapping of lists of strings)."""
    problems: list[str] = []
    raw_text = params.get("q", ())
    texts = [raw_text] if isinstance(raw_text, str) else list(raw_text)
    # The words are kept as typed: a comma is not a separator there ("x,-y" is not "x -y").
    text = " ".join(str(item).strip() for item in texts if str(item).strip())
    values: dict[str, object] = {"text": text[:MAX_TEXT]}
    choices = _choices()
    for name, allowed in choices.items():
        wanted = _values(params, PARAMS[name])
        kept = tuple(dict.fromkeys(value for value in wanted if value in allowed))
        if len(kept) < len(set(wanted)):
            problems.append(N_("Some filters were not recognized and were ignored."))
        values[name] = kept
    values["procedures"] = tuple(
        dict.fromkeys(value[:60] for value in _values(params, "procedure"))
    )
    buyers = [(value, _number(value, MAX_ID)) for value in _values(params, "buyer")]
    values["buyers"] = tuple(dict.fromkeys(number for _, number in buyers if number))
    if any(not number for _, number in buyers):
        problems.append(N_("Some filters were not recognized and were ignored."))
    values["reserved_sme"] = _values(params, "sme")[:1] in (["1"], ["yes"], ["true"])
    for name, (read, problem) in _SCALARS.items():
        raw = _values(params, PARAMS[name])[:1]
        parsed = read(raw[0]) if raw else None
        if raw and parsed is None:
            problems.append(problem)
        values[name] = parsed
    sort = _values(params, "sort")[:1]
    values["sort"] = Sort(sort[0]) if sort and sort[0] in {item.value for item in Sort} else None
    page = _values(params, PAGE_PARAM)[:1]
    number = (_number(page[0], MAX_PAGE) if page else None) or 1
    return Reading(Criteria(**values), page=number, problems=list(dict.fromkeys(problems)))


def to_params(criteria: Criteria, page: int = 1) -> list[tuple[str, str]]:
    """URL parameters for criteria: only what differs from the defaults, in a stable order."""
    pairs: list[tuple[str, str]] = []
    for item in fields(criteria):
        value = getattr(criteria, item.name)
        key = PARAMS[item.name]
        if _unset(value):
            continue
        if isinstance(value, tuple):
            pairs.extend((key, str(part)) for part in value)
        elif isinstance(value, bool):
            pairs.append((key, "1"))
        else:
            pairs.append((key, str(value)))
    if page > 1:
        pairs.append((PAGE_PARAM, str(page)))
    return pairs
