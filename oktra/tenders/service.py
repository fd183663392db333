"""The tender catalogue's services: import files, ingest a watched folder, read tenders."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlmodel import Session

from oktra.core.clock import utc_now
from oktra.core.errors import NotFoundError, OktraError
from oktra.tenders.gazetteer import REGION_LABELS
from oktra.tenders.ingest import Importer, ImportReport, Progress
from oktra.tenders.models import (
    NATIONAL,
    Buyer,
    ImportedFile,
    Tender,
    TenderChange,
    TenderRevision,
)
from oktra.tenders.searchtext import index_text
from oktra.tenders.sectors import LABELS as SECTOR_LABELS
from oktra.tenders.sources.base import Reading, Source
from oktra.tenders.sources.ocds import OcdsSource
from oktra.tenders.sources.portal import PortalSource

SOURCES: tuple[Source, ...] = (OcdsSource(), PortalSource())
IMPORTABLE = (".json", ".jsonl")


class UnknownFormatError(OktraError):
    """No source adapter reads this file."""


def source_for(path: Path) -> Source:
    """The adapter that reads this file, by its suffix and its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(64)
    for source in SOURCES:
        if source.accepts(path, head):
            return source
    msg = f"{path.name}: not a portal JSON/JSONL file nor an OCDS package"
    raise UnknownFormatError(msg)


def open_file(path: Path) -> Reading:
    """Open a file with its adapter: the expected record count, then the records."""
    return source_for(path).read(path)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_reading(
    *,
    session: Session,
    reading: Reading,
    now: datetime | None = None,
    origin: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import what an adapter read; malformed records land in the report, the rest is written."""
    importer = Importer(session=session, now=now or utc_now(), origin=origin)
    importer.run(reading.items, progress)
    return importer.report


def import_file(
    *,
    session: Session,
    path: Path,
    now: datetime | None = None,
    progress: Progress | None = None,
    reading: Reading | None = None,
) -> ImportReport:
    """Import one file (idempotent) and remember its digest for the watched folder."""
    now = now or utc_now()
    report = import_reading(
        session=session,
        reading=reading or open_file(path),
        now=now,
        origin=path.name,
        progress=progress,
    )
    digest = file_digest(path)
    known = session.scalars(select(ImportedFile).where(ImportedFile.digest == digest)).first()
    if known is None:
        session.add(
            ImportedFile(
                digest=digest, name=path.name[:300], imported_at=now, counts=report.counts()
            )
        )
    session.flush()
    return report


def ingest_folder(*, session: Session, folder: Path, now: datetime) -> ImportReport:
    """Import every file of a folder not imported before (by content), oldest name first."""
    total = ImportReport()
    if not folder.is_dir():
        return total
    for path in sorted(folder.iterdir()):
        if path.suffix not in IMPORTABLE or not path.is_file():
            continue
        digest = file_digest(path)
        seen = session.scalars(select(ImportedFile.id).where(ImportedFile.digest == digest)).first()
        if seen is not None:
            continue
        total.add(import_file(session=session, path=path, now=now))
    return total


def count_tenders(*, session: Session) -> int:
    """How many tenders the catalogue holds."""
    return session.execute(select(func.count()).select_from(Tender)).scalar_one()


def get_tender(*, session: Session, source: str, source_id: str) -> Tender:
    """A tender by its source key."""
    tender = session.scalars(
        select(Tender).where(Tender.source == source, Tender.source_id == source_id)
    ).first()
    if tender is None:
        raise NotFoundError(f"no tender {source}:{source_id}")
    return tender


def tender_history(*, session: Session, tender_id: int) -> list[TenderChange]:
    """A tender's changes, oldest first."""
    return list(
        session.scalars(
            select(TenderChange)
            .where(TenderChange.tender_id == tender_id)
            .order_by(TenderChange.changed_at, TenderChange.id)
        )
    )


def reindex_search(*, session: Session, batch: int = 2000) -> int:
    """Recompute every tender's search tokens (after a change of the normalizer or of its
    stopwords); the full-text index follows, and search caches reload. Returns the count."""
    rows = session.execute(
        select(Tender.id, Tender.title, Tender.reference, Buyer.name).join(
            Buyer, Buyer.id == Tender.buyer_id
        )
    ).all()
    for start in range(0, len(rows), batch):
        session.execute(
            update(Tender),
            [
                {
                    "id": tender_id,
                    "search_title": index_text(title),
                    "search_other": index_text(f"{buyer} {reference}"),
                }
                for tender_id, title, reference, buyer in rows[start : start + batch]
            ],
        )
    session.execute(update(TenderRevision).values(revision=TenderRevision.revision + 1))
    session.flush()
    return len(rows)


def sector_choices() -> tuple[tuple[str, str], ...]:
    """(code, English label) of every sector of the taxonomy, in its order."""
    return tuple(SECTOR_LABELS.items())


def region_choices() -> tuple[tuple[str, str], ...]:
    """(code, English label) of the twelve regions."""
    return tuple((code, label) for code, label in REGION_LABELS.items() if code != NATIONAL)
