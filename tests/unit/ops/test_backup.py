"""Backups: sealed, checked, restored without bringing an erased account back."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from oktra import migrations
from oktra.accounts.models import User
from oktra.core.errors import ConfigError
from oktra.db import engine_for, session_scope
from oktra.ops.backup import create_backup, list_backups, verify_backup
from oktra.ops.backup_format import BackupError, file_sha256, manifest_path
from oktra.ops.restore import restore_backup
from oktra.privacy import erasure
from oktra.settings import get_settings, load_settings
from tests.unit.privacy.rights_data import make_person

TAKEN = datetime(2026, 11, 29, 1, 30, tzinfo=UTC)
BEFORE = TAKEN - timedelta(days=60)
LATER = TAKEN + timedelta(hours=5)
# What does not depend on the database runs on SQLite only.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def add_person(engine, email: str, name: str = "Zineb Erasmus-Alaoui") -> int:
    """A committed customer account; its id."""
    with session_scope(engine) as session:
        return make_person(session, name=name, email=email, phone="0611223344", when=BEFORE).user_id


def emails(engine) -> set[str]:
    """Every account's address, as the database holds it now."""
    with session_scope(engine) as session:
        return set(session.execute(select(User.email)).scalars())


def backup_now(now: datetime = TAKEN):
    """A backup of the configured database."""
    return create_backup(settings=get_settings(), now=now)


def flip_byte(path, offset: int) -> None:
    """Change one byte of a file in place."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_restored_backup_does_not_bring_back_an_erased_user(engine, backups):
    erased_id = add_person(engine, "zineb.erasmus@example.ma")
    add_person(engine, "karim.control@example.ma", "Karim Control-Bennani")
    backup, _ = backup_now()
    with session_scope(engine) as session:
        erasure.erase_account(
            session=session, user_id=erased_id, now=LATER, reason="user request", notify=False
        )

    report = restore_backup(settings=get_settings(), backup=backup, now=LATER + timedelta(hours=1))

    assert (report.tombstones_carried, report.erased_again) == (1, 1)
    assert "zineb.erasmus@example.ma" not in emails(engine)
    assert "karim.control@example.ma" in emails(engine)
    with session_scope(engine) as session:
        assert erasure.is_erased(session.get(User, erased_id))


def test_one_tampered_byte_fails_verify_and_restore_refuses(engine, backups):
    add_person(engine, "in.the.backup@example.ma")
    backup, manifest = backup_now()
    add_person(engine, "after.the.backup@example.ma")
    flip_byte(backup, manifest.sealed_bytes // 2)

    with pytest.raises(BackupError, match="checksum"):
        verify_backup(settings=get_settings(), backup=backup)
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(settings=get_settings(), backup=backup, now=LATER)

    assert "after.the.backup@example.ma" in emails(engine)


@SQLITE_ONLY
def test_a_tampered_byte_with_a_matching_checksum_fails_the_authentication_tag(engine, backups):
    backup, manifest = backup_now()
    flip_byte(backup, manifest.sealed_bytes - 40)
    forged = json.loads(manifest_path(backup).read_text()) | {"sha256": file_sha256(backup)}
    manifest_path(backup).write_text(json.dumps(forged))

    with pytest.raises(BackupError, match="authentication failed"):
        verify_backup(settings=get_settings(), backup=backup)


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("field", "value"),
    [("schema_revision", "0001"), ("created_at", "2020-01-01T00:00:00+00:00"), ("database", "x")],
)
def test_a_changed_manifest_fails_verify(engine, backups, field, value):
    backup, _ = backup_now()
    changed = json.loads(manifest_path(backup).read_text()) | {field: value}
    manifest_path(backup).write_text(json.dumps(changed))

    with pytest.raises(BackupError, match="authentication failed"):
        verify_backup(settings=get_settings(), backup=backup)


@SQLITE_ONLY
def test_another_key_fails_verify(engine, backups, monkeypatch):
    backup, _ = backup_now()
    monkeypatch.setenv("OKTRA_BACKUP_KEY", base64.b64encode(os.urandom(32)).decode())
    get_settings.cache_clear()

    with pytest.raises(BackupError, match="wrong key"):
        verify_backup(settings=get_settings(), backup=backup)


def test_the_manifest_says_when_what_which_revision_and_the_checksum(engine, backups):
    backup, manifest = backup_now()

    written = json.loads(manifest_path(backup).read_text())
    assert written["created_at"] == "2026-11-29T01:30:00+00:00"
    assert written["database"] == engine.dialect.name
    assert written["schema_revision"] == migrations.head_revision()
    assert written["sha256"] == file_sha256(backup)
    assert written["sealed_bytes"] == backup.stat().st_size
    assert backup.name == "oktra-20261129T013000Z.backup"
    assert verify_backup(settings=get_settings(), backup=backup) == manifest
    assert [path for path, _ in list_backups(backups.directory)] == [backup]


@SQLITE_ONLY
def test_the_key_is_never_written_beside_the_backup(engine, backups):
    backup_now()

    key = base64.b64decode(backups.key)
    for path in backups.directory.rglob("*"):
        content = path.read_bytes()
        assert key not in content
        assert backups.key.encode() not in content


def test_a_key_file_inside_the_backup_folder_is_refused(backups, monkeypatch):
    key_file = backups.directory / "backup.key"
    monkeypatch.delenv("OKTRA_BACKUP_KEY")
    monkeypatch.setenv("OKTRA_BACKUP_KEY_FILE", str(key_file))

    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert refused.value.setting == "OKTRA_BACKUP_KEY_FILE"


@SQLITE_ONLY
def test_a_key_file_elsewhere_seals_the_backup(engine, backups, monkeypatch, tmp_path):
    key_file = tmp_path / "secrets" / "backup.key"
    key_file.parent.mkdir()
    key_file.write_text(backups.key + "\n")
    monkeypatch.delenv("OKTRA_BACKUP_KEY")
    monkeypatch.setenv("OKTRA_BACKUP_KEY_FILE", str(key_file))
    get_settings.cache_clear()

    backup, _ = backup_now()
    assert verify_backup(settings=get_settings(), backup=backup).name == backup.stem


@SQLITE_ONLY
def test_without_a_key_create_and_restore_are_refused_naming_the_setting(engine, backups):
    backup, _ = backup_now()
    settings = get_settings().model_copy(update={"backup_key": type(get_settings().backup_key)("")})

    with pytest.raises(ConfigError) as refused:
        create_backup(settings=settings, now=LATER)
    assert refused.value.setting == "OKTRA_BACKUP_KEY"
    with pytest.raises(ConfigError):
        restore_backup(settings=settings, backup=backup, now=LATER)


@pytest.mark.parametrize("key", ["not base64!", base64.b64encode(b"too short").decode()])
def test_a_key_that_is_not_32_bytes_in_base64_is_refused(monkeypatch, key):
    monkeypatch.setenv("OKTRA_BACKUP_KEY", key)

    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert refused.value.setting == "OKTRA_BACKUP_KEY"
    assert key not in str(refused.value)


def test_an_older_backup_is_migrated_up_on_restore(database_url, backups):
    migrations.upgrade(database_url, revision="head")
    migrations.downgrade(database_url, revision="-1")
    engine = engine_for(database_url)
    older = migrations.current_revision(engine)
    backup, manifest = backup_now()
    migrations.upgrade(database_url)

    report = restore_backup(settings=get_settings(), backup=backup, now=LATER)

    assert manifest.schema_revision == older != report.upgraded_to
    assert migrations.current_revision(engine) == migrations.head_revision()


@SQLITE_ONLY
def test_a_backup_of_an_unknown_revision_is_refused(engine, backups):
    backup, _ = backup_now()
    add_person(engine, "still.here@example.ma")
    changed = json.loads(manifest_path(backup).read_text()) | {"schema_revision": "9999_future"}
    manifest_path(backup).write_text(json.dumps(changed))

    with pytest.raises(BackupError, match="unknown to this version"):
        restore_backup(settings=get_settings(), backup=backup, now=LATER)
    assert "still.here@example.ma" in emails(engine)


@SQLITE_ONLY
def test_backups_are_readable_by_their_owner_only(engine, backups):
    backup, _ = backup_now()

    assert backup.stat().st_mode & 0o777 == 0o600
    assert manifest_path(backup).stat().st_mode & 0o777 == 0o600
    assert backups.directory.stat().st_mode & 0o077 == 0
