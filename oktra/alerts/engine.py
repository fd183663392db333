"""Running the matching engine: keep the index in step with the saved searches, read new or
changed tenders since the last run, and record their matches.

The index lives in the process that runs the matching job (the scheduler's leader, or a CLI
import). It is built at the first run and patched at every run from what changed: saved searches
are read as (id, updated_at, paused) only, so edits made by any web worker are seen.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from oktra.alerts.matching import MatchIndex, TenderFacts
from oktra.alerts.models import AlertMatch, MatchCursor, SavedSearch
from oktra.alerts.service import criteria_from_json
from oktra.tenders.gazetteer import REGION_LABELS, load_gazetteer
from oktra.tenders.models import NATIONAL, Tender

# Tenders re-read before the cursor: an import that committed late with an older timestamp is
# still seen; recording a match twice is impossible (unique constraint, insert-or-ignore).
OVERLAP = timedelta(minutes=15)
FREQUENCY_SAMPLE = 20_000

FACT_COLUMNS = (
    Tender.id,
    Tender.search_title,
    Tender.search_other,
    Tender.category,
    Tender.procedure,
    Tender.region,
    Tender.province,
    Tender.sectors,
    Tender.buyer_id,
    Tender.reserved_sme,
    Tender.estimate,
    Tender.published_at,
    Tender.deadline_at,
    Tender.status,
    Tender.updated_at,
)


def facts(row) -> TenderFacts:
    """A tender row (FACT_COLUMNS) as the matching engine reads it."""
    (tender_id, title, other, category, procedure, region, province, sectors, *rest) = row
    buyer_id, reserved, estimate, published, deadline, status = rest[:6]
    return TenderFacts(
        id=tender_id,
        title_tokens=tuple(title.split()),
        other_tokens=tuple(other.split()),
        category=category,
        procedure=procedure,
        region=region,
        province=province,
        sectors=tuple(sectors or ()),
        buyer_id=buyer_id,
        reserved_sme=reserved,
        estimate=estimate,
        published_at=published,
        deadline_at=deadline,
        status=status,
    )


def token_frequencies(*, session: Session, sample: int = FREQUENCY_SAMPLE) -> Counter:
    """How many of the latest tenders hold each token (to index searches by their rarest)."""
    counts: Counter = Counter()
    rows = session.execute(
        select(Tender.search_title, Tender.search_other).order_by(Tender.id.desc()).limit(sample)
    )
    for title, other in rows:
        counts.update(set(title.split()) | set(other.split()))
    return counts


class IndexHolder:
    """One process's index, per database, with the version of each search it holds."""

    def __init__(self) -> None:
        self._indexes: dict[str, tuple[MatchIndex, dict[int, int]]] = {}
        self._lock = threading.Lock()

    def synced(self, session: Session) -> MatchIndex:
        """The index, patched with every saved search created, changed, paused or deleted."""
        key = session.get_bind().url.render_as_string(hide_password=True)
        with self._lock:
            if key not in self._indexes:
                provinces = load_gazetteer().provinces
                index = MatchIndex(
                    regions=[code for code in REGION_LABELS if code != NATIONAL],
                    provinces=list(provinces),
                    frequencies=token_frequencies(session=session),
                )
                self._indexes[key] = (index, {})
            index, versions = self._indexes[key]
            current = {
                search_id: revision
                for search_id, revision in session.execute(
                    select(SavedSearch.id, SavedSearch.revision).where(
                        SavedSearch.paused_at.is_(None)
                    )
                )
            }
            for search_id in set(versions) - set(current):
                index.remove(search_id)
                del versions[search_id]
            changed = [sid for sid, revision in current.items() if versions.get(sid) != revision]
            for start in range(0, len(changed), 5000):
                batch = changed[start : start + 5000]
                for search_id, stored in session.execute(
                    select(SavedSearch.id, SavedSearch.criteria).where(SavedSearch.id.in_(batch))
                ):
                    index.put(search_id, criteria_from_json(stored))
                    versions[search_id] = current[search_id]
            return index

    def clear(self) -> None:
        """Forget every index (tests; a process restart does the same)."""
        with self._lock:
            self._indexes.clear()


INDEXES = IndexHolder()


def _insert_ignore(session: Session):
    dialect = session.get_bind().dialect.name
    table = AlertMatch.__table__
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    conflict = statement.on_conflict_do_nothing(index_elements=["saved_search_id", "tender_id"])
    return conflict.returning(table.c.id)


def record_matches(
    *, session: Session, found: dict[int, list[int]], owners: dict[int, int], now: datetime
) -> int:
    """Write the matches not recorded yet; returns how many are new."""
    rows = [
        {"saved_search_id": search_id, "user_id": owners[search_id], "tender_id": tender_id}
        for tender_id, search_ids in found.items()
        for search_id in search_ids
        if search_id in owners
    ]
    created = 0
    for start in range(0, len(rows), 1000):
        batch = [{**row, "matched_at": now} for row in rows[start : start + 1000]]
        created += len(session.execute(_insert_ignore(session), batch).all())
    return created


def _since(session: Session, cursor: MatchCursor) -> datetime | None:
    if cursor.tender_updated_at is not None:
        return cursor.tender_updated_at - OVERLAP
    return session.scalar(select(func.min(SavedSearch.created_at)))


def match_new_tenders(*, session: Session, now: datetime) -> dict[str, int]:
    """Match the tenders new or changed since the last run against every active alert.

    An alert only ever matches tenders published or changed after it was created."""
    index = INDEXES.synced(session)
    cursor = session.get(MatchCursor, 1)
    if cursor is None:
        cursor = MatchCursor(id=1, tender_updated_at=None)
        session.add(cursor)
    since = _since(session, cursor)
    if since is None:
        cursor.tender_updated_at = session.scalar(select(func.max(Tender.updated_at)))
        session.flush()
        return {"tenders": 0, "alerts": len(index), "matches": 0}
    read, newest = 0, cursor.tender_updated_at
    found: dict[int, list[int]] = {}
    changed_at: dict[int, datetime] = {}
    query = select(*FACT_COLUMNS).where(Tender.updated_at >= since)
    for row in session.execute(query.execution_options(yield_per=2000)):
        read += 1
        changed_at[row[0]] = row[-1]
        newest = row[-1] if newest is None else max(newest, row[-1])
        found.update(index.match([facts(row)], now))
    alerts = {
        search_id: (user_id, created)
        for search_id, user_id, created in session.execute(
            select(SavedSearch.id, SavedSearch.user_id, SavedSearch.created_at).where(
                SavedSearch.id.in_({sid for sids in found.values() for sid in sids})
            )
        )
    }
    fresh = {
        tender_id: [
            sid for sid in sids if sid in alerts and changed_at[tender_id] >= alerts[sid][1]
        ]
        for tender_id, sids in found.items()
    }
    owners = {search_id: user_id for search_id, (user_id, _) in alerts.items()}
    created = record_matches(session=session, found=fresh, owners=owners, now=now)
    cursor.tender_updated_at = newest
    session.flush()
    return {"tenders": read, "alerts": len(index), "matches": created}
