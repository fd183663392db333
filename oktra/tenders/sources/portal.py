"""JSON and JSONL files in the portal's field shape (as the shared PMMP records are)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from oktra.tenders.models import Category, Status
from oktra.tenders.sources.base import (
    MAX_RECORD_BYTES,
    Notice,
    Reading,
    RecordError,
    Rejection,
    amount_field,
    portal_time,
    text_field,
)
from oktra.tenders.text import fold

SOURCE = "pmmp"
MAX_BIDS = 100_000
CATEGORIES = {
    "TRAVAUX": Category.WORKS,
    "FOURNITURES": Category.SUPPLIES,
    "SERVICES": Category.SERVICES,
}
STATUSES = {
    "OUVERT": Status.OPEN,
    "CLOS": Status.CLOSED,
    "ATTRIBUE": Status.AWARDED,
    "ANNULE": Status.CANCELLED,
    "REPORTE": Status.POSTPONED,
}
# Fields a demo record may mark as generated (`genere`), by their portal name.
PORTAL_FIELDS = {
    "categorie": "category",
    "procedure": "procedure",
    "lieu_execution": "place",
    "estimation": "estimate",
    "caution_provisoire": "guarantee",
    "reserve_tpe_pme": "reserved_sme",
    "qualifications": "qualifications",
    "date_limite": "deadline_at",
    "visite_lieux": "site_visit_at",
    "reunion": "meeting_at",
    "lots": "lots",
    "lien_dce": "documents_url",
    "statut": "status",
}


def source_id(reference: str, buyer: str) -> str:
    """The portal's key of a notice: references repeat across buyers, so both make it."""
    buyer_key = hashlib.sha1(fold(buyer).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{fold(reference)}|{buyer_key}"


def _choice(value: object, name: str, choices: dict) -> str | None:
    text = text_field(value, name)
    if text is None:
        return None
    try:
        return str(choices[fold(text)])
    except KeyError:
        raise RecordError(f"{name} is not one of {', '.join(c.lower() for c in choices)}") from None


def _lots(value: object) -> list:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(lot, dict) for lot in value):
        raise RecordError("lots must be a list of objects")
    lots = []
    for number, lot in enumerate(value, start=1):
        lots.append(
            {
                "number": str(lot.get("numero", number))[:20],
                "title": text_field(lot.get("objet"), "lot title") or "",
                "estimate": str(amount_field(lot.get("estimation"), "lot estimate") or "") or None,
            }
        )
    return lots


def _flag(value: object, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise RecordError(f"{name} must be true or false, not {type(value).__name__}")


def notice_from_record(record: object, location: str) -> Notice:
    """One portal record as a notice; anything malformed raises RecordError."""
    if not isinstance(record, dict):
        raise RecordError(f"a record must be an object, not {type(record).__name__}")
    reference = text_field(record.get("reference"), "reference", required=True)
    title = text_field(record.get("objet"), "title", required=True)
    buyer = text_field(record.get("acheteur"), "buyer", required=True)
    raw_title = record["objet"]
    awarded = _flag(record.get("attribue"), "attribue")
    devis = record.get("nombre_devis")
    if devis not in (None, "") and not (
        isinstance(devis, int | str) and not isinstance(devis, bool) and str(devis).isdigit()
    ):
        raise RecordError("nombre_devis must be a whole number")
    if devis not in (None, "") and int(devis) > MAX_BIDS:
        raise RecordError(f"nombre_devis is over {MAX_BIDS}")
    generated = record.get("genere", [])
    if not isinstance(generated, list) or any(name not in PORTAL_FIELDS for name in generated):
        raise RecordError("genere must list portal field names")
    status = _choice(record.get("statut"), "statut", STATUSES)
    award_company = text_field(record.get("entreprise_attributaire"), "award_company")
    if status is None and (awarded or award_company):
        status = Status.AWARDED
    return Notice(
        source=SOURCE,
        source_id=source_id(reference, buyer),
        reference=reference,
        title=title,
        title_original=raw_title[:8000],
        buyer=buyer,
        location=location,
        category=_choice(record.get("categorie"), "categorie", CATEGORIES),
        procedure=text_field(record.get("procedure"), "procedure"),
        place=text_field(record.get("lieu_execution"), "place"),
        estimate=amount_field(record.get("estimation"), "estimation"),
        guarantee=amount_field(record.get("caution_provisoire"), "caution_provisoire"),
        reserved_sme=_flag(record.get("reserve_tpe_pme"), "reserve_tpe_pme"),
        qualifications=text_field(record.get("qualifications"), "qualifications"),
        published_at=portal_time(record.get("date_publication"), "date_publication"),
        deadline_at=portal_time(record.get("date_limite"), "date_limite"),
        site_visit_at=portal_time(record.get("visite_lieux"), "visite_lieux"),
        meeting_at=portal_time(record.get("reunion"), "reunion"),
        lots=_lots(record.get("lots")),
        documents_url=text_field(record.get("lien_dce"), "documents_url"),
        status=status,
        award_company=award_company,
        award_amount=amount_field(record.get("montant"), "montant"),
        bids_count=int(devis) if devis not in (None, "") else None,
        generated_fields=sorted(PORTAL_FIELDS[name] for name in generated),
    )


def _checked(record: object, location: str) -> Notice | Rejection:
    try:
        return notice_from_record(record, location)
    except RecordError as error:
        return Rejection(location, str(error))


class PortalSource:
    """Portal-shaped records: one JSON object a line (.jsonl), or one JSON array (.json)."""

    name = SOURCE

    def accepts(self, path: Path, head: bytes) -> bool:
        """JSONL, or a JSON array of records."""
        return path.suffix == ".jsonl" or head.lstrip().startswith(b"[")

    def read(self, path: Path) -> Reading:
        """Records with their line (JSONL) or position (JSON array)."""
        if path.suffix == ".jsonl":
            with path.open("rb") as handle:
                total = sum(1 for line in handle if line.strip())
            return Reading(total, self._lines(path))
        try:
            records = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as error:
            return Reading(1, iter([Rejection(path.name, f"not JSON: {error}"[:200])]))
        if not isinstance(records, list):
            return Reading(1, iter([Rejection(path.name, "expected a JSON array of records")]))
        return Reading(
            len(records),
            (
                _checked(record, f"{path.name} item {index}")
                for index, record in enumerate(records, start=1)
            ),
        )

    def _lines(self, path: Path) -> Iterator[Notice | Rejection]:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                location = f"{path.name}:{number}"
                if not line.strip():
                    continue
                if len(line) > MAX_RECORD_BYTES:
                    yield Rejection(location, f"record larger than {MAX_RECORD_BYTES} bytes")
                    continue
                try:
                    record = json.loads(line)
                except (ValueError, UnicodeDecodeError) as error:
                    yield Rejection(location, f"not JSON: {error}"[:200])
                    continue
                yield _checked(record, location)
