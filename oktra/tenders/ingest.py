"""Idempotent upserts of notices: merge duplicates, update changed rows, append history."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from oktra.tenders.gazetteer import infer_region, load_gazetteer
from oktra.tenders.models import Buyer, ChangeKind, Status, Tender, TenderChange, TenderRevision
from oktra.tenders.searchtext import index_text
from oktra.tenders.sectors import TAXONOMY_VERSION, assign_sectors
from oktra.tenders.sources.base import Notice, Rejection
from oktra.tenders.text import fold

BATCH_SIZE = 500
ANALYZE_FROM = 5_000
TRACKED = (
    "reference",
    "title",
    "title_original",
    "category",
    "procedure",
    "sectors",
    "region",
    "province",
    "place_of_execution",
    "estimate",
    "guarantee",
    "reserved_sme",
    "qualifications",
    "published_at",
    "deadline_at",
    "site_visit_at",
    "meeting_at",
    "lots",
    "documents_url",
    "status",
    "award_company",
    "award_amount",
    "bids_count",
    "generated_fields",
)
Progress = Callable[[int], None]
# Buyers repeat from notice to notice: their matching form is worth remembering.
buyer_key = functools.lru_cache(maxsize=65536)(fold)


@dataclass
class ImportReport:
    """What an import did: counts, and one line per rejected record with its place and reason."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counts, for a job run or a summary line."""
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "rejected": len(self.rejected),
        }

    def add(self, other: ImportReport) -> None:
        """Fold another file's report into this one."""
        for name in ("read", "created", "updated", "unchanged", "merged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejected.extend(other.rejected)


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _change_kind(changes: dict) -> str:
    new_status = changes.get("status", (None, None))[1]
    if new_status == Status.CANCELLED:
        return ChangeKind.CANCELLATION
    if new_status == Status.AWARDED or {"award_company", "award_amount"} & changes.keys():
        return ChangeKind.AWARD
    if new_status == Status.POSTPONED or "deadline_at" in changes:
        return ChangeKind.POSTPONEMENT
    return ChangeKind.AMENDMENT


class Importer:
    """One import: buyers cached by name, notices written by batches inside savepoints."""

    def __init__(self, *, session: Session, now: datetime, origin: str | None = None) -> None:
        self.session, self.now, self.origin = session, now, origin
        self.report = ImportReport()
        self.buyers: dict[str, tuple[int, str | None, str | None]] = {}
        self.written: dict[tuple[str, str], str] = {}
        self.pending: dict[tuple[str, str], Notice] = {}
        self.analyzed_at = ANALYZE_FROM
        self.version = f"{TAXONOMY_VERSION}/{load_gazetteer().version}"

    def run(self, items: Iterable[Notice | Rejection], progress: Progress | None = None) -> None:
        """Read every item; write by batches; report rejections."""
        for item in items:
            self.report.read += 1
            if progress:
                progress(1)
            if isinstance(item, Rejection):
                self.report.rejected.append(item)
                continue
            key = (item.source, item.source_id)
            if key in self.pending:
                self.pending[key].merge(item)
                self.report.merged += 1
                continue
            self.pending[key] = item
            if len(self.pending) >= BATCH_SIZE:
                self.flush()
        self.flush()

    def flush(self) -> None:
        """Write the pending notices in one savepoint, or one by one if the batch fails."""
        notices, self.pending = list(self.pending.values()), {}
        if not notices:
            return
        before = (asdict(self.report), dict(self.buyers), dict(self.written))
        try:
            with self.session.begin_nested():
                self._write(notices)
        except (DataError, IntegrityError):
            self._restore(before)
            for notice in notices:
                single = (asdict(self.report), dict(self.buyers), dict(self.written))
                try:
                    with self.session.begin_nested():
                        self._write([notice])
                except (DataError, IntegrityError) as error:
                    self._restore(single)
                    reason = f"refused by the database ({type(error.orig or error).__name__})"
                    self.report.rejected.append(Rejection(notice.location, reason))

    def _restore(self, state: tuple[dict, dict, dict]) -> None:
        counts, self.buyers, self.written = state
        rejected = self.report.rejected
        self.report = ImportReport(**{**counts, "rejected": rejected})

    def _buyer_ids(self, notices: list[Notice]) -> None:
        wanted = {
            buyer_key(n.buyer): n.buyer for n in notices if buyer_key(n.buyer) not in self.buyers
        }
        if not wanted:
            return
        rows = self.session.execute(
            select(Buyer.name_key, Buyer.id, Buyer.region, Buyer.province).where(
                Buyer.name_key.in_(list(wanted))
            )
        )
        for key, buyer_id, region, province in rows:
            self.buyers[key] = (buyer_id, region, province)
        for key, name in wanted.items():
            if key in self.buyers:
                continue
            region, province = infer_region(buyer=name)
            buyer = Buyer(
                name=name, name_key=key, region=region, province=province, created_at=self.now
            )
            self.session.add(buyer)
            self.session.flush()
            self.buyers[key] = (buyer.id, region, province)

    def _row(self, notice: Notice) -> dict:
        buyer_id, region, province = self.buyers[buyer_key(notice.buyer)]
        if notice.place:
            place_region, place_province = infer_region(place=notice.place)
            if place_region:
                region, province = place_region, place_province
        if region is None:
            region, province = infer_region(title=notice.title)
        row = {
            "source": notice.source,
            "source_id": notice.source_id,
            "reference": notice.reference,
            "title": notice.title,
            "title_original": notice.title_original,
            "buyer_id": buyer_id,
            "category": notice.category,
            "procedure": notice.procedure,
            "sectors": assign_sectors(notice.title),
            "taxonomy_version": TAXONOMY_VERSION,
            "region": region,
            "province": province,
            "place_of_execution": notice.place,
            "estimate": notice.estimate,
            "guarantee": notice.guarantee,
            "reserved_sme": notice.reserved_sme,
            "qualifications": notice.qualifications,
            "published_at": notice.published_at,
            "deadline_at": notice.deadline_at,
            "site_visit_at": notice.site_visit_at,
            "meeting_at": notice.meeting_at,
            "lots": notice.lots,
            "documents_url": notice.documents_url,
            "status": notice.status or self._status(notice),
            "award_company": notice.award_company,
            "award_amount": notice.award_amount,
            "bids_count": notice.bids_count,
            "generated_fields": notice.generated_fields,
        }
        canonical = json.dumps(
            [self.version, *[_jsonable(row[name]) for name in TRACKED], buyer_id],
            sort_keys=True,
            default=str,
        )
        row["content_hash"] = hashlib.sha256(canonical.encode()).hexdigest()
        row["search_title"] = index_text(notice.title)
        row["search_other"] = index_text(f"{notice.buyer} {notice.reference}")
        return row

    def _status(self, notice: Notice) -> str:
        if notice.deadline_at is not None and notice.deadline_at <= self.now:
            return Status.CLOSED
        return Status.OPEN

    def _write(self, notices: list[Notice]) -> None:
        self._buyer_ids(notices)
        rows = {(n.source, n.source_id): (n, self._row(n)) for n in notices}
        existing = {}
        for source in {key[0] for key in rows}:
            ids = [key[1] for key in rows if key[0] == source]
            found = self.session.execute(
                select(Tender.source_id, Tender.id, Tender.content_hash).where(
                    Tender.source == source, Tender.source_id.in_(ids)
                )
            )
            existing.update({(source, sid): (tid, digest) for sid, tid, digest in found})
        new, changed = [], []
        for key, (notice, row) in rows.items():
            if key not in existing:
                new.append({**row, "created_at": self.now, "updated_at": self.now})
                self.report.created += 1
            elif existing[key][1] == row["content_hash"]:
                self._count_same(key)
            else:
                changed.append((existing[key][0], key in self.written, notice, row))
            self.written[key] = row["content_hash"]
        if new:
            # A Core executemany (the ORM's bulk insert costs a round trip a row on PostgreSQL).
            self.session.execute(insert(Tender.__table__), new)
            self._refresh_statistics()
        if changed:
            self._update(changed)
        if new or changed:
            self.session.execute(
                update(TenderRevision).values(revision=TenderRevision.revision + 1)
            )

    def _refresh_statistics(self) -> None:
        """Re-plan lookups as a bulk load grows the table inside its one transaction.

        PostgreSQL's autovacuum cannot see uncommitted rows: without this, the planner keeps
        the empty table's statistics and scans the whole table at every batch.
        """
        if self.session.get_bind().dialect.name != "postgresql":
            return
        if self.report.created >= self.analyzed_at * 2:
            self.session.execute(text("ANALYZE tender"))
            self.analyzed_at = self.report.created

    def _count_same(self, key: tuple[str, str]) -> None:
        if key in self.written:
            self.report.merged += 1
        else:
            self.report.unchanged += 1

    def _update(self, changed: list[tuple[int, bool, Notice, dict]]) -> None:
        columns = [Tender.__table__.c[name] for name in TRACKED]
        stored = {
            found.id: found._mapping
            for found in self.session.execute(
                select(Tender.__table__.c.id, *columns).where(
                    Tender.__table__.c.id.in_([item[0] for item in changed])
                )
            )
        }
        updates = []
        for tender_id, seen_before, notice, row in changed:
            old = stored[tender_id]
            diff = {
                name: [_jsonable(old[name]), _jsonable(row[name])]
                for name in TRACKED
                if _jsonable(old[name]) != _jsonable(row[name])
            }
            updates.append({"id": tender_id, **row, "updated_at": self.now})
            if seen_before:
                self.report.merged += 1
            else:
                self.report.updated += 1
            if diff and not seen_before:
                self.session.add(
                    TenderChange(
                        tender_id=tender_id,
                        kind=_change_kind(diff),
                        changed_at=self.now,
                        changes=diff,
                        origin=(self.origin or notice.location)[:300],
                    )
                )
        self.session.execute(update(Tender), updates)
        self.session.flush()
