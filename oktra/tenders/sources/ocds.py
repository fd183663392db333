"""OCDS 1.1 release and record packages, validated against the shipped 1.1.5 schema."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from pathlib import Path

from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT4

from oktra.tenders.models import Category, Status
from oktra.tenders.sources.base import (
    Notice,
    Reading,
    RecordError,
    Rejection,
    amount_field,
    iso_time,
    text_field,
)

SOURCE = "ocds"
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema" / "ocds-1.1.5"
SCHEMA_FILES = (
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
)
CATEGORIES = {
    "goods": Category.SUPPLIES,
    "works": Category.WORKS,
    "services": Category.SERVICES,
    "consultingServices": Category.SERVICES,
}
TENDER_STATUSES = {
    "planning": Status.OPEN,
    "planned": Status.OPEN,
    "active": Status.OPEN,
    "cancelled": Status.CANCELLED,
    "withdrawn": Status.CANCELLED,
    "unsuccessful": Status.CLOSED,
    "complete": Status.CLOSED,
}
MAX_ERRORS_SHOWN = 1


@functools.cache
def validators() -> dict[str, Draft4Validator]:
    """Validators of release and record packages; every `$ref` resolves from the shipped files."""
    schemas = {
        name: json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")) for name in SCHEMA_FILES
    }
    registry = Registry().with_resources(
        (schema["id"], DRAFT4.create_resource(schema)) for schema in schemas.values()
    )
    return {
        "releases": Draft4Validator(schemas["release-package-schema.json"], registry=registry),
        "records": Draft4Validator(schemas["record-package-schema.json"], registry=registry),
    }


def _describe(errors: list) -> str:
    error = best_match(errors)
    where = "/".join(str(part) for part in error.absolute_path) or "package"
    message = error.message
    if len(message) > 160:
        message = f"{json.dumps(error.instance, default=str)[:60]} fails {error.validator!r}"
    return f"schema: {where}: {message}"


def _money(value: object, name: str) -> object:
    if not isinstance(value, dict):
        return None
    if value.get("currency") not in (None, "MAD"):
        return None
    return amount_field(value.get("amount"), name)


def _buyer(release: dict) -> str | None:
    for key in ("buyer",):
        if isinstance(release.get(key), dict) and release[key].get("name"):
            return release[key]["name"]
    tender = release.get("tender") or {}
    if isinstance(tender.get("procuringEntity"), dict) and tender["procuringEntity"].get("name"):
        return tender["procuringEntity"]["name"]
    for party in release.get("parties") or []:
        if {"buyer", "procuringEntity"} & set(party.get("roles") or []) and party.get("name"):
            return party["name"]
    return None


def _place(release: dict) -> str | None:
    for party in release.get("parties") or []:
        if {"buyer", "procuringEntity"} & set(party.get("roles") or []):
            address = party.get("address") or {}
            parts = [address.get(key) for key in ("locality", "region")]
            text = ", ".join(str(part) for part in parts if part)
            if text:
                return text
    return None


def notice_from_release(release: dict, location: str) -> Notice:
    """One (compiled) release as a notice; a release without title or buyer is refused."""
    tender = release.get("tender") or {}
    awards = [
        award
        for award in release.get("awards") or []
        if award.get("status", "active") == "active" and award.get("suppliers")
    ]
    title = tender.get("title") or next(
        (award.get("title") for award in awards if award.get("title")), None
    )
    title = text_field(title, "title", required=True)
    buyer = text_field(_buyer(release), "buyer", required=True)
    period = tender.get("tenderPeriod") or {}
    status = TENDER_STATUSES.get(tender.get("status"))
    if status == Status.OPEN:
        status = None
    award_company = None
    if awards:
        status = Status.AWARDED
        names = [s.get("name") for s in awards[0].get("suppliers") or [] if s.get("name")]
        award_company = text_field(", ".join(names), "award_company")
    documents = [doc.get("url") for doc in tender.get("documents") or [] if doc.get("url")]
    method = " / ".join(
        str(part)
        for part in (tender.get("procurementMethod"), tender.get("procurementMethodDetails"))
        if part
    )
    return Notice(
        source=SOURCE,
        source_id=text_field(release["ocid"], "reference", required=True),
        reference=text_field(tender.get("id") or release["ocid"], "reference", required=True),
        title=title,
        title_original=title,
        buyer=buyer,
        location=location,
        category=CATEGORIES.get(tender.get("mainProcurementCategory")),
        procedure=text_field(method or None, "procedure"),
        place=text_field(_place(release), "place"),
        estimate=_money(tender.get("value"), "estimate"),
        published_at=iso_time(period.get("startDate") or release.get("date"), "date"),
        deadline_at=iso_time(period.get("endDate"), "tenderPeriod.endDate"),
        lots=[
            {"number": str(lot.get("id")), "title": lot.get("title") or ""}
            for lot in tender.get("lots") or []
        ],
        documents_url=text_field(documents[0] if documents else None, "documents_url"),
        status=status,
        award_company=award_company,
        award_amount=_money(awards[0].get("value"), "award_amount") if awards else None,
    )


def _merged(releases: list[dict]) -> dict:
    """Releases of one process, oldest first, merged field by field (later values win)."""
    merged: dict = {}
    for release in sorted(releases, key=lambda item: str(item.get("date", ""))):
        for key, value in release.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def _notice(release: dict, location: str) -> Notice | Rejection:
    try:
        return notice_from_release(release, location)
    except RecordError as error:
        return Rejection(location, str(error))


class OcdsSource:
    """A release package (`releases`) or a record package (`records`), one JSON file."""

    name = SOURCE

    def accepts(self, path: Path, head: bytes) -> bool:
        """A JSON object: OCDS packages are objects, portal files are arrays or lines."""
        return path.suffix == ".json" and head.lstrip().startswith(b"{")

    def read(self, path: Path) -> Reading:
        """Each valid release (merged per process) or record; schema failures are reported."""
        items = list(self._items(path))
        return Reading(len(items), iter(items))

    def _items(self, path: Path):
        try:
            package = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as error:
            yield Rejection(path.name, f"not JSON: {error}"[:200])
            return
        kind = next((key for key in ("records", "releases") if key in package), None)
        if not isinstance(package, dict) or kind is None:
            yield Rejection(path.name, "not an OCDS release or record package")
            return
        failed: dict[int, list] = defaultdict(list)
        for error in validators()[kind].iter_errors(package):
            path_parts = list(error.absolute_path)
            if len(path_parts) >= 2 and path_parts[0] == kind and isinstance(path_parts[1], int):
                failed[path_parts[1]].append(error)
            else:
                yield Rejection(path.name, _describe([error]))
                return
        entries = package[kind]
        good: dict[str, list[tuple[int, dict]]] = defaultdict(list)
        for index, entry in enumerate(entries):
            location = f"{path.name} {kind}[{index}]"
            if index in failed:
                yield Rejection(location, _describe(failed[index]))
            elif kind == "records":
                compiled = entry.get("compiledRelease")
                if not isinstance(compiled, dict):
                    yield Rejection(location, "record has no compiled release")
                else:
                    yield _notice(compiled, location)
            else:
                good[entry["ocid"]].append((index, entry))
        for ocid_entries in good.values():
            location = f"{path.name} {kind}[{ocid_entries[-1][0]}]"
            yield _notice(_merged([entry for _index, entry in ocid_entries]), location)
