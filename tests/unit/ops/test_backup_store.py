"""Where backups go: rotation (7 daily, 4 weekly, 12 monthly), locally and in S3 (eu-north-1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from oktra.cli import main
from oktra.ops.backup import backup_name
from oktra.ops.backup_format import BACKUP_SUFFIX, MANIFEST_SUFFIX
from oktra.ops.backup_store import S3Store, backups_to_keep, rotate_local
from oktra.ops.jobs import daily_backup
from oktra.settings import get_settings

START = datetime(2025, 1, 1, 1, 30, tzinfo=UTC)
BUCKET = "oktra-backups-test"


def daily_run(days: int) -> set[datetime]:
    """What rotation leaves after a backup every night for `days` days, rotated after each."""
    kept: set[datetime] = set()
    for day in range(days):
        kept = backups_to_keep(kept | {START + timedelta(days=day)})
    return kept


def test_a_week_of_backups_is_all_kept():
    assert len(daily_run(7)) == 7


def test_a_year_and_more_keeps_7_daily_4_weekly_and_12_monthly():
    kept = sorted(daily_run(400))
    newest = START + timedelta(days=399)

    assert kept[-7:] == [newest - timedelta(days=n) for n in range(6, -1, -1)]
    weeks = {stamp.isocalendar()[:2] for stamp in kept}
    assert len(weeks) >= 4
    months = {(stamp.year, stamp.month) for stamp in kept}
    assert len(months) == 12
    assert kept[0] >= newest - timedelta(days=366)
    assert len(kept) <= 7 + 4 + 12


def test_an_older_backup_is_kept_only_as_the_last_of_its_week_or_month():
    kept = sorted(daily_run(400))
    for stamp in kept[:-7]:
        next_day = stamp + timedelta(days=1)
        last_of_month = next_day.month != stamp.month
        last_of_week = next_day.isocalendar()[:2] != stamp.isocalendar()[:2]
        assert last_of_month or last_of_week


def test_several_backups_a_day_keep_only_the_newest_of_each_day():
    day = datetime(2026, 11, 29, tzinfo=UTC)
    stamps = [day + timedelta(hours=hour) for hour in (1, 9, 17)]

    assert backups_to_keep(stamps) == {stamps[-1]}


def _fake_backups(directory, stamps) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stamp in stamps:
        for suffix in (BACKUP_SUFFIX, MANIFEST_SUFFIX):
            (directory / (backup_name(stamp) + suffix)).write_bytes(b"x")


def test_local_rotation_deletes_old_backups_with_their_manifests(tmp_path):
    stamps = [START + timedelta(days=day) for day in range(40)]
    _fake_backups(tmp_path, stamps)
    (tmp_path / "notes.txt").write_text("not a backup")

    deleted = rotate_local(tmp_path)

    left = {path.name for path in tmp_path.iterdir()}
    assert backup_name(stamps[0]) in deleted
    assert backup_name(stamps[0]) + MANIFEST_SUFFIX not in left
    assert len([name for name in left if name.endswith(BACKUP_SUFFIX)]) == len(
        backups_to_keep(stamps)
    )
    assert {backup_name(stamp) + MANIFEST_SUFFIX for stamp in backups_to_keep(stamps)} <= left
    assert "notes.txt" in left


@pytest.fixture
def bucket(monkeypatch):
    """A mocked S3 bucket in eu-north-1, named in the settings."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("OKTRA_BACKUP_S3_BUCKET", BUCKET)
    get_settings.cache_clear()
    with mock_aws():
        client = boto3.client("s3", region_name="eu-north-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
        yield client


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_daily_backup_is_uploaded_to_eu_north_1_and_rotated_there(engine, backups, bucket):
    old = [START + timedelta(days=day) for day in range(30)]
    for stamp in old:
        for suffix in (BACKUP_SUFFIX, MANIFEST_SUFFIX):
            bucket.put_object(Bucket=BUCKET, Key="oktra-backups/" + backup_name(stamp) + suffix)
    now = START + timedelta(days=31)

    counts = daily_backup(settings=get_settings(), now=now)

    store = S3Store.from_settings(get_settings())
    assert store.client.meta.region_name == "eu-north-1"
    names = set(store.names())
    assert backup_name(now) + BACKUP_SUFFIX in names
    assert backup_name(now) + MANIFEST_SUFFIX in names
    head = bucket.head_object(
        Bucket=BUCKET, Key="oktra-backups/" + backup_name(now) + BACKUP_SUFFIX
    )
    assert head["ServerSideEncryption"] == "AES256"
    assert counts["uploaded"] == 1
    assert counts["deleted_s3"] == 31 - len(backups_to_keep([*old, now]))
    assert len(names) == 2 * len(backups_to_keep([*old, now]))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_without_a_bucket_nothing_is_uploaded(engine, backups):
    assert S3Store.from_settings(get_settings()) is None
    counts = daily_backup(settings=get_settings(), now=START)
    assert counts == {"created": 1, "uploaded": 0, "deleted_local": 0, "deleted_s3": 0}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_backup_fetched_from_the_bucket_is_restored(engine, backups, bucket, capsys):
    daily_backup(settings=get_settings(), now=START)
    for path in backups.directory.iterdir():
        path.unlink()

    assert main(["backup", "restore", backup_name(START), "--from-s3", "--yes"]) == 0
    assert f"{backup_name(START)} restored" in capsys.readouterr().out
    assert list(backups.directory.iterdir()) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_backup_missing_from_the_bucket_is_named(engine, backups, bucket, capsys):
    assert main(["backup", "restore", backup_name(START), "--from-s3", "--yes"]) == 1
    assert "cannot fetch s3://oktra-backups-test/oktra-backups/" in capsys.readouterr().err
