"""The right to portability (Reflex-free): a ZIP of everything registered about a user.

A request makes a pending DataExport; the `build_exports` job writes the archive under
OKTRA_DATA_DIR/exports (one JSON file per category, a CSV file per table of plain values, a
manifest), committing its progress as it goes so the page can poll it. The archive is
downloaded by its owner only, signed in, through a link whose token is never stored (only its
SHA-256), until it expires seven days later; `purge_exports` then deletes row and file.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Date, DateTime, Numeric, String, func, or_, type_coerce, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, select

from oktra.accounts.models import User
from oktra.core.errors import NotFoundError, OktraError
from oktra.core.security import new_token, token_hash
from oktra.core.types import UTCDateTime
from oktra.i18n import normalize_language, t
from oktra.migrations import current_revision
from oktra.privacy.access import FETCH_ROWS, is_tabular, table_of, user_row_count
from oktra.privacy.policy import CATEGORY_LABELS
from oktra.privacy.registry import PersonalData, declarations_by_category
from oktra.privacy.rights_models import DataExport
from oktra.settings import get_settings

logger = logging.getLogger(__name__)

EXPORT_LIFETIME = timedelta(days=7)
# A build left "building" this long was interrupted (a crash, a restart): it is built again.
STALE_BUILD = timedelta(minutes=30)
# A file in the exports folder that no export names, older than this, is a crash's leftover.
ORPHAN_AFTER = timedelta(days=1)
RUNNING = ("pending", "building")
FORMAT = 1


class ExportInProgressError(OktraError):
    """The user already has an export being prepared: one at a time."""


@dataclass(frozen=True)
class BuiltExport:
    """A ready export and the download token of its link (only its hash is stored)."""

    export: DataExport
    token: str


def exports_dir() -> Path:
    """Where the archives are written: OKTRA_DATA_DIR/exports."""
    return Path(get_settings().data_dir) / "exports"


def request_export(*, session: Session, user_id: int, now: datetime) -> DataExport:
    """Ask for a new export (built by the job); refused while another one is running."""
    if session.get(User, user_id) is None:
        raise NotFoundError(f"no user {user_id}")
    running = session.exec(
        select(DataExport).where(DataExport.user_id == user_id, DataExport.status.in_(RUNNING))
    ).first()
    if running is not None:
        raise ExportInProgressError("an export of your data is already being prepared")
    export = DataExport(user_id=user_id, status="pending", progress=0, created_at=now)
    session.add(export)
    session.flush()
    return export


def latest_export(*, session: Session, user_id: int) -> DataExport | None:
    """The user's newest export, whatever its status."""
    return session.exec(
        select(DataExport).where(DataExport.user_id == user_id).order_by(DataExport.id.desc())
    ).first()


def _iso_text(column, dialect: str):
    """A stored UTC time as ISO 8601 text, written by the database itself (fast for large
    tables): 2026-11-30T09:00:00.000000+00:00."""
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)
        return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    # SQLite keeps "2026-11-30 09:00:00.000000" (UTC, the zone dropped).
    return func.replace(type_coerce(column, String), " ", "T") + "+00:00"


def _converter(column) -> Callable[[object], object] | None:
    """How a column's values become JSON values (times are converted by the database)."""
    kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, Date) and not isinstance(kind, DateTime):
        return date.isoformat
    if isinstance(kind, Numeric):
        return str
    return None


def _partitions(session: Session, declaration: PersonalData, user_id: int) -> Iterator[list]:
    """The user's rows of a table, export columns only, as JSON values, in batches."""
    table = table_of(declaration)
    dialect = session.get_bind().dialect.name
    columns = [table.c[name] for name in declaration.export_columns]
    selected = [
        _iso_text(c, dialect).label(c.name) if isinstance(c.type, UTCDateTime) else c
        for c in columns
    ]
    convert = [(i, f) for i, f in enumerate(map(_converter, columns)) if f is not None]
    query = (
        select(*selected)
        .where(table.c[declaration.user_link] == user_id)
        .order_by(table.c.id)
        .execution_options(yield_per=FETCH_ROWS)
    )
    for partition in session.execute(query).partitions():
        if not convert:
            yield partition
            continue
        rows = [list(row) for row in partition]
        for index, function in convert:
            for row in rows:
                if row[index] is not None:
                    row[index] = function(row[index])
        yield rows


def _set_progress(session: Session, export: DataExport, progress: int) -> None:
    """Record the progress in its own short transaction, so a polling page sees it while the
    build's reading goes on."""
    if progress == export.progress:
        return
    # Known as committed: the build's own session never writes it (it would hold the lock).
    set_committed_value(export, "progress", progress)
    with Session(session.get_bind()) as other:
        other.execute(
            update(DataExport).where(DataExport.id == export.id).values(progress=progress)
        )
        other.commit()


def _write_csv(zf: zipfile.ZipFile, name: str, columns: list[str], rows: list) -> None:
    """One table as CSV (UTF-8 with a byte-order mark, which spreadsheets need for Arabic)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(rows)
    zf.writestr(name, text.getvalue().encode("utf-8-sig"))


def _write_archive(session: Session, export: DataExport, target: Path, now: datetime) -> dict:
    """Write the ZIP; returns the manifest written into it."""
    user = session.get(User, export.user_id)
    if user is None:
        raise NotFoundError(f"no user {export.user_id}")
    lang = normalize_language(user.language)
    grouped = declarations_by_category()
    counts = {
        d.table: user_row_count(session=session, declaration=d, user_id=export.user_id)
        for declarations in grouped.values()
        for d in declarations
    }
    total, done = max(sum(counts.values()), 1), 0
    manifest_categories = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for category, declarations in grouped.items():
            tables, listed = {}, []
            for declaration in declarations:
                rows: list = []
                for batch in _partitions(session, declaration, export.user_id):
                    rows.extend(batch)
                    done += len(batch)
                    _set_progress(session, export, min(95, 5 + 90 * done // total))
                columns = list(declaration.export_columns)
                files = [f"{category.value}.json"]
                if is_tabular(declaration):
                    files.append(f"csv/{declaration.table}.csv")
                    _write_csv(zf, files[-1], columns, rows)
                tables[declaration.table] = {
                    "purpose": t(lang, declaration.purpose),
                    "retention": t(lang, declaration.retention),
                    "columns": columns,
                    "rows": [dict(zip(columns, row, strict=True)) for row in rows],
                }
                listed.append({"table": declaration.table, "rows": len(rows), "files": files})
            document = {
                "category": category.value,
                "title": t(lang, CATEGORY_LABELS[category]),
                "tables": tables,
            }
            zf.writestr(f"{category.value}.json", json.dumps(document, ensure_ascii=False))
            manifest_categories.append({"category": category.value, "tables": listed})
        manifest = {
            "format": FORMAT,
            "service": "OKTRA",
            "schema_revision": current_revision(session.get_bind().engine),
            "generated_at": now.isoformat(),
            "language": lang,
            "categories": manifest_categories,
            "row_counts": {
                item["table"]: item["rows"]
                for entry in manifest_categories
                for item in entry["tables"]
            },
        }
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def build_export(*, session: Session, export_id: int, now: datetime) -> BuiltExport:
    """Write the export's archive, then mark it ready with a fresh download token."""
    export = session.get(DataExport, export_id)
    if export is None or export.status not in RUNNING:
        raise NotFoundError(f"no export {export_id} to build")
    export.status, export.progress, export.error = "building", 0, None
    session.commit()
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"oktra-{export.id}-{secrets.token_hex(8)}.zip"
    partial = target.with_suffix(".zip.part")
    try:
        _write_archive(session, export, partial, now)
        partial.replace(target)
    except Exception as exc:
        session.rollback()
        partial.unlink(missing_ok=True)
        export = session.get(DataExport, export_id)
        if export is not None:
            export.status, export.error, export.finished_at = "failed", str(exc)[:200], now
            session.commit()
        raise
    token = new_token()
    export.status, export.progress = "ready", 100
    export.path, export.size = str(target), target.stat().st_size
    export.token_hash = token_hash(token)
    export.finished_at, export.expires_at = now, now + EXPORT_LIFETIME
    session.commit()
    return BuiltExport(export=export, token=token)


def issue_download_token(*, session: Session, user_id: int, now: datetime) -> str | None:
    """A fresh link token for the user's newest ready export (the previous link stops)."""
    export = latest_export(session=session, user_id=user_id)
    if export is None or export.status != "ready" or export.expires_at is None:
        return None
    if export.expires_at <= now:
        return None
    token = new_token()
    export.token_hash = token_hash(token)
    session.flush()
    return token


def open_download(*, session: Session, token: str, user_id: int, now: datetime) -> Path:
    """The archive behind a link, for its owner only, before it expires; NotFoundError else."""
    if not token or len(token) > 200:
        raise NotFoundError("no such export")
    export = session.exec(
        select(DataExport).where(DataExport.token_hash == token_hash(token))
    ).first()
    if (
        export is None
        or export.user_id != user_id
        or export.status != "ready"
        or export.expires_at is None
        or export.expires_at <= now
        or not export.path
    ):
        raise NotFoundError("no such export")
    path = Path(export.path)
    if not path.is_file():
        raise NotFoundError("no such export")
    return path


def build_exports(*, session: Session, now: datetime) -> dict[str, int]:
    """Build the pending exports (and those a crash left half built), each claimed first."""
    due = session.exec(
        select(DataExport.id, DataExport.status)
        .where(
            or_(
                DataExport.status == "pending",
                (DataExport.status == "building") & (DataExport.created_at < now - STALE_BUILD),
            )
        )
        .order_by(DataExport.id)
    ).all()
    counts = {"built": 0, "failed": 0}
    for export_id, status in due:
        claimed = session.execute(
            update(DataExport)
            .where(DataExport.id == export_id, DataExport.status == status)
            .values(status="building")
        ).rowcount
        session.commit()
        if claimed != 1:
            continue
        try:
            build_export(session=session, export_id=export_id, now=now)
        except Exception:
            logger.exception("export %s failed", export_id)
            counts["failed"] += 1
        else:
            counts["built"] += 1
    return counts


def purge_exports(*, session: Session, now: datetime) -> dict[str, int]:
    """Delete expired exports and their files, old failures, and files no export names."""
    old = session.exec(
        select(DataExport).where(
            or_(
                DataExport.expires_at <= now,
                (DataExport.status == "failed") & (DataExport.created_at < now - EXPORT_LIFETIME),
            )
        )
    ).all()
    for export in old:
        if export.path:
            Path(export.path).unlink(missing_ok=True)
        session.delete(export)
    session.flush()
    known = {Path(p).name for p in session.exec(select(DataExport.path)).all() if p}
    orphans = 0
    folder = exports_dir()
    if folder.is_dir():
        cutoff = (now - ORPHAN_AFTER).timestamp()
        for path in folder.iterdir():
            if path.name not in known and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                orphans += 1
    return {"deleted": len(old), "orphan_files": orphans}
