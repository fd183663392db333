"""The adapter interface: a source reads a file into normalized notices and rejections."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from oktra.core.clock import MOROCCO, as_utc
from oktra.tenders.text import clean

MAX_RECORD_BYTES = 1_000_000
LIMITS = {
    "reference": 200,
    "title": 4000,
    "buyer": 300,
    "place": 300,
    "qualifications": 1000,
    "procedure": 60,
    "documents_url": 500,
    "award_company": 300,
}
MAX_AMOUNT = Decimal("99999999999999.99")
_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")


class RecordError(ValueError):
    """A record that cannot be imported; the message is the reason shown in the report."""


@dataclass
class Notice:
    """One notice in OKTRA's terms, before it meets the database."""

    source: str
    source_id: str
    reference: str
    title: str
    title_original: str
    buyer: str
    location: str
    category: str | None = None
    procedure: str | None = None
    place: str | None = None
    estimate: Decimal | None = None
    guarantee: Decimal | None = None
    reserved_sme: bool | None = None
    qualifications: str | None = None
    published_at: datetime | None = None
    deadline_at: datetime | None = None
    site_visit_at: datetime | None = None
    meeting_at: datetime | None = None
    lots: list = field(default_factory=list)
    documents_url: str | None = None
    status: str | None = None
    award_company: str | None = None
    award_amount: Decimal | None = None
    bids_count: int | None = None
    generated_fields: list = field(default_factory=list)

    def merge(self, later: Notice) -> None:
        """Take every field the later record of the same notice sets."""
        for item in fields(self):
            value = getattr(later, item.name)
            if value not in (None, [], ""):
                setattr(self, item.name, value)


@dataclass(frozen=True)
class Rejection:
    """A record left out of an import: where it was and why."""

    location: str
    reason: str


@dataclass
class Reading:
    """What a source yields for one file: how many records to expect, then the records."""

    total: int | None
    items: Iterator[Notice | Rejection]


class Source(Protocol):
    """A kind of input; the portal's live pages would be one more implementation."""

    name: str

    def accepts(self, path: Path, head: bytes) -> bool:
        """Whether this source reads a file that starts with `head`."""
        ...

    def read(self, path: Path) -> Reading:
        """The notices and rejections of one file."""
        ...


def text_field(value: object, name: str, *, required: bool = False) -> str | None:
    """A cleaned text value; a wrong type, an overlong or a missing required one is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RecordError(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} must be text, not {type(value).__name__}")
    cleaned = clean(value)
    limit = LIMITS.get(name)
    if limit and len(cleaned) > limit:
        raise RecordError(f"{name} is longer than {limit} characters")
    return cleaned


def amount_field(value: object, name: str) -> Decimal | None:
    """MAD amount from 7200.0, "7 200,00 MAD" or "7.200,00 DH"; anything else is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"{name} must be an amount, not a boolean")
    if isinstance(value, int | float):
        text = repr(float(value))
    elif isinstance(value, str):
        text = re.sub(r"(?i)\s*(MAD|DHS?|DIRHAMS?)\s*$", "", value).strip()
        text = re.sub(r"[\s\u00a0\u202f]", "", text)
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
    else:
        raise RecordError(f"{name} must be an amount, not {type(value).__name__}")
    if not _AMOUNT.match(text):
        raise RecordError(f"{name} is not an amount: {str(value)[:40]!r}")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RecordError(f"{name} is not an amount: {str(value)[:40]!r}") from None
    if amount < 0 or amount > MAX_AMOUNT:
        raise RecordError(f"{name} is out of range")
    return amount


def portal_time(value: object, name: str) -> datetime | None:
    """A portal time ("06/07/2025 23:50", Africa/Casablanca) or ISO 8601, as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a date, not {type(value).__name__}")
    text = clean(value)
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
        try:
            return as_utc(datetime.strptime(text, pattern).replace(tzinfo=MOROCCO))
        except ValueError:
            continue
    return iso_time(text, name)


def iso_time(value: object, name: str) -> datetime | None:
    """An ISO 8601 time; without an offset it is taken as Moroccan time."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a date, not {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{name} is not a date: {value[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=MOROCCO)
    return as_utc(moment)
