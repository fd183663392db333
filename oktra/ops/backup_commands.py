"""`oktra backup create|list|verify|restore` (docs/backups.md). The key is never shown."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from oktra.core.errors import OktraError


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _size(count: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if count < 1024:
            return f"{count} {unit}"
        count //= 1024
    return f"{count} GiB"


def cmd_backup_create(_args: argparse.Namespace) -> int:
    from oktra.core.clock import utc_now
    from oktra.db import check_database
    from oktra.ops.jobs import daily_backup
    from oktra.settings import get_settings

    check_database()
    settings = get_settings()
    counts = daily_backup(settings=settings, now=utc_now())
    uploaded = f", uploaded to s3://{settings.backup_s3_bucket}" if counts["uploaded"] else ""
    _out(f"backup made in {settings.backup_dir}{uploaded}")
    _out(f"rotation deleted {counts['deleted_local']} local, {counts['deleted_s3']} in S3")
    return 0


def cmd_backup_list(_args: argparse.Namespace) -> int:
    from oktra.ops.backup import list_backups
    from oktra.settings import get_settings

    directory = Path(get_settings().backup_dir)
    backups = list_backups(directory) if directory.is_dir() else []
    if not backups:
        _out(f"no backup in {directory}")
    for path, manifest in backups:
        if manifest is None:
            _out(f"{path.name:<32} manifest missing or unreadable")
            continue
        _out(
            f"{manifest.name:<24} {manifest.created_at[:19]}Z  {manifest.database:<10} "
            f"rev {manifest.schema_revision or '-':<14} {_size(manifest.sealed_bytes)}"
        )
    return 0


def cmd_backup_verify(args: argparse.Namespace) -> int:
    from oktra.ops.backup import find_backup, verify_backup
    from oktra.settings import get_settings

    settings = get_settings()
    manifest = verify_backup(settings=settings, backup=find_backup(settings, args.backup))
    _out(f"{manifest.name}: intact (checksum and authentication tag agree with the manifest)")
    return 0


def cmd_backup_restore(args: argparse.Namespace) -> int:
    from oktra.core.clock import utc_now
    from oktra.db import check_database
    from oktra.ops.backup import find_backup
    from oktra.ops.backup_store import S3Store
    from oktra.ops.restore import restore_backup
    from oktra.settings import get_settings

    if not args.yes:
        sys.stderr.write("restore replaces the whole database: add --yes to go ahead\n")
        return 1
    check_database()
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="oktra-fetch-") as fetched:
        if args.from_s3:
            store = S3Store.from_settings(settings)
            if store is None:
                raise OktraError("--from-s3 needs OKTRA_BACKUP_S3_BUCKET")
            backup = store.download(args.backup, Path(fetched))
        else:
            backup = find_backup(settings, args.backup)
        report = restore_backup(settings=settings, backup=backup, now=utc_now())
    _out(
        f"{report.manifest.name} restored (taken {report.manifest.created_at[:19]}Z, "
        f"schema {report.manifest.schema_revision} now {report.upgraded_to})"
    )
    _out(
        f"erasure tombstones carried over: {report.tombstones_carried}; "
        f"accounts erased again: {report.erased_again}"
    )
    return 0


def register(groups: argparse._SubParsersAction, add) -> None:
    """The `backup` commands of the `oktra` parser."""
    backup = groups.add_parser("backup", help="encrypted database backups").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add(
        backup,
        "create",
        "back up the database now (encrypted), upload it if a bucket is set, rotate",
        cmd_backup_create,
    )
    add(backup, "list", "list the backups in OKTRA_BACKUP_DIR", cmd_backup_list)
    verify = add(
        backup, "verify", "check a backup's checksum and decrypt it fully", cmd_backup_verify
    )
    verify.add_argument("backup", help="a name from `oktra backup list`, or a .backup file")
    restore = add(
        backup,
        "restore",
        "verify a backup and make it the database; erased accounts stay erased",
        cmd_backup_restore,
    )
    restore.add_argument("backup", help="a name from `oktra backup list`, or a .backup file")
    restore.add_argument("--yes", action="store_true", help="confirm: the database is replaced")
    restore.add_argument(
        "--from-s3", action="store_true", help="fetch the named backup from the bucket first"
    )
