"""Restore a backup without bringing back an erased account (docs/backups.md).

The backup is verified and decrypted first; any doubt refuses the restore and the database is
not touched. The snapshot then goes into a staging database, where it is migrated up to this
version's schema, given every erasure tombstone of the current database (erasures made after
the backup was taken), and erased again from those tombstones. Only then does the staging
database replace the live one: a deleted user is never back, not even for a moment.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, select

from oktra import migrations
from oktra.db import engine_for, session_scope, sqlite_path
from oktra.ops.backup_format import BackupError, Manifest, backup_key, read_manifest, unseal
from oktra.ops.snapshot import database_kind, discard, load, staging_url, swap
from oktra.privacy.erasure import reapply_tombstones
from oktra.privacy.rights_models import ErasureTombstone
from oktra.settings import Settings

logger = logging.getLogger(__name__)

TOMBSTONE_FIELDS = ("subject_hash", "email_hash", "reference", "erased_at", "summary")


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did."""

    manifest: Manifest
    upgraded_to: str | None
    tombstones_carried: int
    erased_again: int


def _check_revision(manifest: Manifest) -> None:
    if manifest.schema_revision is None:
        return
    try:
        known = ScriptDirectory.from_config(migrations.alembic_config()).get_revision(
            manifest.schema_revision
        )
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"the backup's schema revision {manifest.schema_revision} is unknown to this "
            "version (restore it with the version that made it)"
        )


def current_tombstones(url: str) -> list[dict]:
    """The erasure tombstones of the live database (none when it does not exist yet)."""
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        return []
    engine = engine_for(url)
    with engine.connect() as connection:
        if not inspect(connection).has_table(ErasureTombstone.__tablename__):
            return []
    with session_scope(engine) as session:
        rows = session.execute(select(ErasureTombstone)).scalars().all()
        return [{field: getattr(row, field) for field in TOMBSTONE_FIELDS} for row in rows]


def carry_tombstones(url: str, tombstones: list[dict]) -> int:
    """Add to a database the tombstones it lacks; how many were added."""
    with session_scope(engine_for(url)) as session:
        present = set(session.execute(select(ErasureTombstone.subject_hash)).scalars())
        missing = [tomb for tomb in tombstones if tomb["subject_hash"] not in present]
        session.add_all(ErasureTombstone(**tomb) for tomb in missing)
    return len(missing)


def restore_backup(*, settings: Settings, backup: Path, now: datetime) -> RestoreReport:
    """Verify a backup and make it the database, erasures re-applied; BackupError (nothing
    changed) when the backup cannot be trusted or does not fit this database."""
    key = backup_key(settings)
    manifest = read_manifest(backup)
    live = settings.database_url
    if manifest.database != database_kind(live):
        raise BackupError(
            f"a {manifest.database} backup cannot be restored into {database_kind(live)}"
        )
    _check_revision(manifest)
    with tempfile.TemporaryDirectory(prefix="oktra-restore-") as work:
        snapshot = Path(work) / "snapshot"
        unseal(backup, key=key, manifest=manifest, plain=snapshot)
        tombstones = current_tombstones(live)
        staging = staging_url(live, Path(work))
        try:
            load(snapshot, staging)
            migrations.upgrade(staging)
            upgraded_to = migrations.current_revision(engine_for(staging))
            carried = carry_tombstones(staging, tombstones)
            with session_scope(engine_for(staging)) as session:
                erased = reapply_tombstones(session=session, now=now)
            swap(staging, live)
        except BaseException:
            discard(staging)
            raise
    logger.info(
        "backup %s restored: %s tombstones carried, %s accounts erased again",
        manifest.name,
        carried,
        erased,
    )
    return RestoreReport(
        manifest=manifest, upgraded_to=upgraded_to, tombstones_carried=carried, erased_again=erased
    )
