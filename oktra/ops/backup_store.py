"""Where backups are kept: OKTRA_BACKUP_DIR, and an S3 bucket when one is configured; rotation.

Rotation keeps the newest backup of each of the 7 latest days, 4 latest ISO weeks and 12 latest
months that have one (UTC); everything else is deleted, locally and in the bucket alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from pathlib import Path

from oktra.ops.backup import backup_time
from oktra.ops.backup_format import BACKUP_SUFFIX, MANIFEST_SUFFIX, BackupError, manifest_path
from oktra.settings import Settings

logger = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12


def _day(moment: datetime) -> Hashable:
    return moment.date()


def _week(moment: datetime) -> Hashable:
    return tuple(moment.isocalendar())[:2]


def _month(moment: datetime) -> Hashable:
    return (moment.year, moment.month)


def backups_to_keep(
    stamps: Iterable[datetime],
    *,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[datetime]:
    """The backup times rotation keeps: the newest of each of the latest `daily` days,
    `weekly` ISO weeks and `monthly` months that have a backup."""
    newest_first = sorted(set(stamps), reverse=True)
    keep: set[datetime] = set()
    rules: tuple[tuple[int, Callable[[datetime], Hashable]], ...] = (
        (daily, _day),
        (weekly, _week),
        (monthly, _month),
    )
    for count, period in rules:
        periods: set[Hashable] = set()
        for stamp in newest_first:
            if len(periods) >= count:
                break
            if period(stamp) not in periods:
                periods.add(period(stamp))
                keep.add(stamp)
    return keep


def rotate_local(directory: Path) -> list[str]:
    """Delete the backups of a folder rotation does not keep (with their manifests)."""
    backups = {
        stamp: path
        for path in directory.glob("*" + BACKUP_SUFFIX)
        if (stamp := backup_time(path.name)) is not None
    }
    keep = backups_to_keep(backups)
    deleted = []
    for stamp, path in sorted(backups.items()):
        if stamp not in keep:
            manifest_path(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            deleted.append(path.name.removesuffix(BACKUP_SUFFIX))
    return deleted


class S3Store:
    """The backups in OKTRA_BACKUP_S3_BUCKET under OKTRA_BACKUP_S3_PREFIX (already encrypted;
    stored with S3's server-side encryption on top)."""

    def __init__(
        self, *, bucket: str, region: str, prefix: str, client: object | None = None
    ) -> None:
        import boto3

        self.bucket, self.prefix = bucket, prefix
        self.client = client or boto3.client("s3", region_name=region)

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store | None:
        """The bucket store, or None when no bucket is configured."""
        if not settings.backup_s3_bucket:
            return None
        return cls(
            bucket=settings.backup_s3_bucket,
            region=settings.backup_s3_region,
            prefix=settings.backup_s3_prefix,
        )

    def upload(self, backup: Path) -> None:
        """Upload a backup and then its manifest."""
        for path in (backup, manifest_path(backup)):
            self.client.upload_file(
                str(path),
                self.bucket,
                self.prefix + path.name,
                ExtraArgs={"ServerSideEncryption": "AES256"},
            )
        logger.info("backup %s uploaded to s3://%s/%s", backup.name, self.bucket, self.prefix)

    def names(self) -> list[str]:
        """Every object key under the prefix, without the prefix."""
        names = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            names.extend(item["Key"].removeprefix(self.prefix) for item in page.get("Contents", []))
        return names

    def download(self, name: str, directory: Path) -> Path:
        """Fetch a backup and its manifest into a folder; the backup's local path."""
        from botocore.exceptions import ClientError

        target = directory / (name + BACKUP_SUFFIX)
        for suffix in (BACKUP_SUFFIX, MANIFEST_SUFFIX):
            key = self.prefix + name + suffix
            try:
                self.client.download_file(self.bucket, key, str(directory / (name + suffix)))
            except ClientError:
                raise BackupError(f"cannot fetch s3://{self.bucket}/{key}") from None
        return target

    def rotate(self) -> list[str]:
        """Delete the backups rotation does not keep from the bucket."""
        stamps = {
            stamp: name.removesuffix(BACKUP_SUFFIX)
            for name in self.names()
            if name.endswith(BACKUP_SUFFIX) and (stamp := backup_time(name)) is not None
        }
        keep = backups_to_keep(stamps)
        deleted = [name for stamp, name in sorted(stamps.items()) if stamp not in keep]
        for name in deleted:
            for suffix in (MANIFEST_SUFFIX, BACKUP_SUFFIX):
                self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name + suffix)
        return deleted
