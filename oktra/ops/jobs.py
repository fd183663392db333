"""The daily backup job: make one, upload it when a bucket is configured, rotate."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from oktra.ops.backup import create_backup
from oktra.ops.backup_store import S3Store, rotate_local
from oktra.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def backup_configured(settings: Settings) -> bool:
    """Whether a backup key is set (without one, no backup is made)."""
    return bool(settings.backup_key.get_secret_value() or settings.backup_key_file)


def daily_backup(*, settings: Settings, now: datetime) -> dict[str, int]:
    """Back up, upload, then rotate locally and in the bucket; the counts of each."""
    backup, _manifest = create_backup(settings=settings, now=now)
    counts = {"created": 1, "uploaded": 0, "deleted_local": 0, "deleted_s3": 0}
    store = S3Store.from_settings(settings)
    if store is not None:
        store.upload(backup)
        counts["uploaded"] = 1
    counts["deleted_local"] = len(rotate_local(backup.parent))
    if store is not None:
        counts["deleted_s3"] = len(store.rotate())
    return counts


def backup_job(*, session: Session, now: datetime) -> dict[str, int]:
    """The scheduled job; skipped, and said so in its counts and the log, without a key."""
    settings = get_settings()
    if not backup_configured(settings):
        logger.warning("backup skipped: OKTRA_BACKUP_KEY is not set (docs/backups.md)")
        return {"skipped_no_key": 1}
    return daily_backup(settings=settings, now=now)
