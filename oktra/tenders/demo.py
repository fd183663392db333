"""The demo catalogue: the shared real records, plus open notices derived from them.

The derived notices reuse a real title and buyer; everything the source lacks (reference,
dates, category, procedure, amounts, lots, documents link...) is generated and listed in the
record's `genere`, which lands in the tender's `generated_fields`.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session

from oktra.core.clock import MOROCCO, utc_now
from oktra.tenders.ingest import ImportReport
from oktra.tenders.service import import_reading, open_file
from oktra.tenders.sources.base import Notice, Reading, RecordError, Rejection
from oktra.tenders.sources.portal import notice_from_record

DEMO_DIR = Path(__file__).parent / "demo_data"
DEMO_FILES = ("attributed.jsonl", "by-nature.json")
DEMO_SOURCE = "demo"
OPEN_EVERY = 10
SEED = 2026
PROCEDURES = (
    "Appel d'offres ouvert",
    "Appel d'offres ouvert",
    "Bon de commande",
    "Appel d'offres restreint",
    "Concours",
)
QUALIFICATIONS = (
    "Agrément du ministère de l'Équipement, secteur A, classe 3",
    "Certificat de qualification et de classification, secteur B, classe 5",
    None,
    None,
)
GENERATED = [
    "categorie",
    "procedure",
    "estimation",
    "caution_provisoire",
    "reserve_tpe_pme",
    "qualifications",
    "date_limite",
    "visite_lieux",
    "reunion",
    "lots",
    "lien_dce",
    "statut",
]


def _category(title: str) -> str:
    words = title.upper()
    if any(word in words for word in ("TRAVAUX", "CONSTRUCTION", "AMENAGEMENT", "REFECTION")):
        return "Travaux"
    if any(word in words for word in ("ACHAT", "ACQUISITION", "FOURNITURE")):
        return "Fournitures"
    return "Services"


def _moment(value: datetime) -> str:
    return value.astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")


def derived_open_notices(records: list[dict], *, anchor: datetime) -> list[dict]:
    """Open notices in the portal's shape, one per OPEN_EVERY real record, deterministic."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    notices = []
    for index, record in enumerate(records[::OPEN_EVERY], start=1):
        base = Decimal(str(rng.randint(40, 4000) * 1000))
        deadline = anchor + timedelta(days=rng.randint(7, 40), hours=10)
        lots = rng.choice((0, 0, 2, 3))
        notices.append(
            {
                "reference": f"DEMO-{index:04d}/2026",
                "objet": record["objet"],
                "acheteur": record["acheteur"],
                "date_publication": _moment(anchor - timedelta(days=rng.randint(0, 6))),
                "categorie": _category(record["objet"]),
                "procedure": rng.choice(PROCEDURES),
                "estimation": f"{base:,.2f} MAD".replace(",", " ").replace(".", ","),
                "caution_provisoire": f"{(base * Decimal('0.015')):.2f}".replace(".", ","),
                "reserve_tpe_pme": rng.random() < 0.3,
                "qualifications": rng.choice(QUALIFICATIONS),
                "date_limite": _moment(deadline),
                "visite_lieux": _moment(deadline - timedelta(days=10)),
                "reunion": _moment(deadline - timedelta(days=9)),
                "lots": [{"numero": n, "objet": f"Lot {n}"} for n in range(1, lots + 1)],
                "lien_dce": f"https://www.marchespublics.gov.ma/demo/DEMO-{index:04d}",
                "statut": "ouvert",
                "genere": GENERATED,
            }
        )
    return notices


def _demo_notices(records: list[dict], anchor: datetime):
    for index, record in enumerate(derived_open_notices(records, anchor=anchor), start=1):
        location = f"demo open notice {index}"
        try:
            notice: Notice = notice_from_record(record, location)
        except RecordError as error:
            yield Rejection(location, str(error))
            continue
        notice.source = DEMO_SOURCE
        notice.generated_fields = sorted({*notice.generated_fields, "reference", "published_at"})
        yield notice


def week_anchor(now: datetime) -> datetime:
    """Monday 00:00 (Moroccan time) of this week: demo dates move once a week, not each load."""
    local = now.astimezone(MOROCCO)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday


def load_demo_tenders(*, session: Session, now: datetime | None = None) -> int:
    """Import the shared records and the derived open notices; returns how many were created."""
    now = now or utc_now()
    total = ImportReport()
    for name in DEMO_FILES:
        total.add(
            import_reading(
                session=session, reading=open_file(DEMO_DIR / name), now=now, origin=f"demo {name}"
            )
        )
    records = [json.loads(line) for line in (DEMO_DIR / DEMO_FILES[0]).open(encoding="utf-8")]
    derived = list(_demo_notices(records, week_anchor(now)))
    total.add(
        import_reading(
            session=session,
            reading=Reading(len(derived), iter(derived)),
            now=now,
            origin="demo open notices",
        )
    )
    return total.created
