"""`oktra backup …` and the daily `backup` job: clear lines, exit codes, never the key."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from oktra.accounts.models import User
from oktra.cli import build_parser, main
from oktra.core.models import JobRun
from oktra.db import session_scope
from oktra.jobs import find_job
from oktra.ops.backup_format import BACKUP_SUFFIX
from oktra.privacy import erasure
from oktra.scheduler import run_job
from tests.unit.ops.test_backup import LATER, add_person, emails, flip_byte

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def only_backup(backups):
    """The one backup file of the folder."""
    (path,) = backups.directory.glob("*" + BACKUP_SUFFIX)
    return path


@pytest.mark.parametrize("action", ["create", "list", "verify", "restore"])
def test_every_backup_command_has_help(action, capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["backup", action, "--help"])
    assert exited.value.code == 0
    assert "usage: oktra backup" in capsys.readouterr().out


@SQLITE_ONLY
def test_create_list_verify_restore_never_show_the_key(engine, backups, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    erased_id = add_person(engine, "zineb.erasmus@example.ma")
    assert main(["backup", "create"]) == 0
    name = only_backup(backups).stem
    with session_scope(engine) as session:
        erasure.erase_account(
            session=session, user_id=erased_id, now=LATER, reason="user request", notify=False
        )

    assert main(["backup", "list"]) == 0
    assert main(["backup", "verify", name]) == 0
    assert main(["backup", "restore", name, "--yes"]) == 0

    out = capsys.readouterr().out
    assert f"{name}: intact" in out
    assert "accounts erased again: 1" in out
    assert name in out
    assert "zineb.erasmus@example.ma" not in emails(engine)
    assert backups.key not in out + caplog.text


@SQLITE_ONLY
def test_a_tampered_backup_fails_verify_and_restore_with_one_line(engine, backups, capsys):
    assert main(["backup", "create"]) == 0
    add_person(engine, "after.the.backup@example.ma")
    backup = only_backup(backups)
    flip_byte(backup, 100)
    capsys.readouterr()

    assert main(["backup", "verify", backup.stem]) == 1
    assert main(["backup", "restore", str(backup), "--yes"]) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert all(line.startswith("error: ") and "checksum" in line for line in err)
    assert "after.the.backup@example.ma" in emails(engine)


@SQLITE_ONLY
def test_restore_asks_for_yes(engine, backups, capsys):
    assert main(["backup", "create"]) == 0
    assert main(["backup", "restore", only_backup(backups).stem]) == 1
    assert "--yes" in capsys.readouterr().err


@SQLITE_ONLY
def test_an_unknown_backup_is_named(engine, backups, capsys):
    assert main(["backup", "verify", "oktra-20000101T000000Z"]) == 1
    assert "oktra backup list" in capsys.readouterr().err


@SQLITE_ONLY
def test_without_a_key_create_stops_naming_the_setting(engine, capsys):
    assert main(["backup", "create"]) == 2
    assert capsys.readouterr().err.startswith("configuration error: OKTRA_BACKUP_KEY: not set")


@SQLITE_ONLY
def test_the_daily_job_is_listed_and_skipped_without_a_key(engine, capsys):
    assert main(["jobs", "list"]) == 0
    assert "backup " in capsys.readouterr().out

    run = run_job(find_job("backup"), trigger="manual")

    assert (run.outcome, run.counts) == ("ok", {"skipped_no_key": 1})


@SQLITE_ONLY
def test_the_daily_job_backs_up_and_records_its_run(engine, backups):
    run = run_job(find_job("backup"), trigger="manual")

    assert run.counts == {"created": 1, "uploaded": 0, "deleted_local": 0, "deleted_s3": 0}
    assert only_backup(backups).is_file()
    with session_scope(engine) as session:
        assert session.exec(select(JobRun.job)).all() == ["backup"]
        assert session.exec(select(User)).all() == []
