"""Make, list and verify encrypted backups in OKTRA_BACKUP_DIR (docs/backups.md)."""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from oktra.ops.backup_format import (
    BACKUP_SUFFIX,
    MANIFEST_SUFFIX,
    BackupError,
    Manifest,
    backup_key,
    manifest_path,
    read_manifest,
    seal,
    unseal,
)
from oktra.ops.snapshot import database_kind, dump, schema_revision
from oktra.settings import Settings

logger = logging.getLogger(__name__)

NAME_PREFIX = "oktra-"
NAME_TIME = "%Y%m%dT%H%M%SZ"
PARTIAL = ".part"
OWNER_ONLY = 0o600


def backup_name(moment: datetime) -> str:
    """The name of a backup taken at this moment: `oktra-YYYYMMDDTHHMMSSZ` (UTC)."""
    return NAME_PREFIX + moment.astimezone(UTC).strftime(NAME_TIME)


def backup_time(name: str) -> datetime | None:
    """When a backup of this name (with or without its suffix) was taken; None if not ours."""
    stem = name.removesuffix(BACKUP_SUFFIX).removesuffix(MANIFEST_SUFFIX)
    if not stem.startswith(NAME_PREFIX) or not stem.endswith("Z"):
        return None
    try:
        return datetime.strptime(stem.removeprefix(NAME_PREFIX), "%Y%m%dT%H%M%S%z")
    except ValueError:
        return None


def backup_directory(settings: Settings) -> Path:
    """OKTRA_BACKUP_DIR, created (owner only) when missing."""
    directory = Path(settings.backup_dir)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def create_backup(*, settings: Settings, now: datetime) -> tuple[Path, Manifest]:
    """Snapshot the database, seal it with the key, and write it with its manifest beside it.

    Returns the backup's path and manifest. The plaintext only ever sits in a private temporary
    folder, deleted before this returns; the manifest is written last, once the backup is whole.
    """
    key = backup_key(settings)
    directory = backup_directory(settings)
    name = backup_name(now)
    target = directory / (name + BACKUP_SUFFIX)
    if target.exists() or manifest_path(target).exists():
        raise BackupError(f"{name} exists already")
    url = settings.database_url
    with tempfile.TemporaryDirectory(prefix="oktra-backup-") as work:
        snapshot = Path(work) / "snapshot"
        dump(url, snapshot)
        revision = schema_revision(url)
        manifest = Manifest(
            name=name,
            created_at=now.astimezone(UTC).isoformat(),
            database=database_kind(url),
            schema_revision=revision,
            snapshot_bytes=snapshot.stat().st_size,
        )
        partial = target.with_name(target.name + PARTIAL)
        partial.unlink(missing_ok=True)
        try:
            manifest = seal(snapshot, partial, key=key, manifest=manifest)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.chmod(OWNER_ONLY)
    os.replace(partial, target)
    _write_atomically(manifest_path(target), manifest.to_json())
    logger.info("backup %s written (%s bytes sealed)", name, manifest.sealed_bytes)
    return target, manifest


def _write_atomically(path: Path, content: str) -> None:
    partial = path.with_name(path.name + PARTIAL)
    partial.write_text(content, encoding="utf-8")
    partial.chmod(OWNER_ONLY)
    os.replace(partial, path)


def find_backup(settings: Settings, name_or_path: str) -> Path:
    """A backup named in OKTRA_BACKUP_DIR, or given by its path; BackupError when absent."""
    given = Path(name_or_path)
    if given.suffix == BACKUP_SUFFIX and given.is_file():
        return given
    stem = given.name.removesuffix(MANIFEST_SUFFIX).removesuffix(BACKUP_SUFFIX)
    found = Path(settings.backup_dir) / (stem + BACKUP_SUFFIX)
    if not found.is_file():
        raise BackupError(f"no backup {name_or_path!r} (see `oktra backup list`)")
    return found


def list_backups(directory: Path) -> list[tuple[Path, Manifest | None]]:
    """The backups of a folder, oldest first, each with its manifest (None when unreadable)."""
    found = []
    for path in sorted(directory.glob(NAME_PREFIX + "*" + BACKUP_SUFFIX)):
        try:
            manifest = read_manifest(path)
        except BackupError:
            manifest = None
        found.append((path, manifest))
    return found


def verify_backup(*, settings: Settings, backup: Path) -> Manifest:
    """Check the checksum and decrypt the whole backup (the GCM tag); BackupError when any of
    the backup or its manifest was altered, or the key is not the one it was sealed with."""
    manifest = read_manifest(backup)
    unseal(backup, key=backup_key(settings), manifest=manifest)
    return manifest
