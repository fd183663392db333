"""Portability: a complete ZIP of the user's registered rows, downloaded by its owner only."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from oktra import migrations
from oktra.accounts import sessions
from oktra.accounts.models import User
from oktra.core.errors import NotFoundError
from oktra.db import get_engine
from oktra.privacy import export
from oktra.privacy.access import user_row_count
from oktra.privacy.registry import REGISTRY, declarations_by_category
from oktra.privacy.rights_models import DataExport
from oktra.privacy.rights_routes import ROUTES
from tests.unit.privacy.rights_data import insert_row, make_person, populate

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BEFORE = NOW - timedelta(days=30)


@pytest.fixture
def person(session):
    """The account whose data is exported."""
    return make_person(
        session,
        name="Salma Portable",
        email="salma.portable@example.ma",
        phone="0612000001",
        when=BEFORE,
    )


@pytest.fixture
def control(session):
    """Another account, of which nothing may be exported."""
    return make_person(
        session,
        name="Omar Autrui",
        email="omar.autrui@example.ma",
        phone="0612000002",
        when=BEFORE,
    )


def built(session, user_id: int) -> export.BuiltExport:
    """Ask for an export and build it, as the page and the job do."""
    asked = export.request_export(session=session, user_id=user_id, now=NOW)
    session.commit()
    return export.build_export(session=session, export_id=asked.id, now=NOW)


def test_the_export_holds_every_registered_row_of_the_user_and_nothing_else(
    session, person, control
):
    populate(session, person, BEFORE)
    populate(session, control, BEFORE)
    for _ in range(3):
        insert_row(session, "alert_delivery", person, BEFORE)
    session.commit()

    ready = built(session, person.user_id)

    assert (ready.export.status, ready.export.progress) == ("ready", 100)
    with zipfile.ZipFile(ready.export.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        documents = {
            category.value: json.loads(archive.read(f"{category.value}.json"))
            for category in declarations_by_category()
        }
        contents = " ".join(
            archive.read(name).decode("utf-8-sig").lower() for name in archive.namelist()
        )
        csv_rows = {
            name.removeprefix("csv/").removesuffix(".csv"): list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
            if name.startswith("csv/")
        }
    expected = {
        name: user_row_count(session=session, declaration=declaration, user_id=person.user_id)
        for name, declaration in REGISTRY.items()
    }
    assert manifest["row_counts"] == expected
    assert expected["alert_delivery"] == 4 and all(count >= 1 for count in expected.values())
    assert manifest["schema_revision"] == migrations.head_revision()
    assert manifest["generated_at"] == NOW.isoformat()
    for name, declaration in REGISTRY.items():
        table = documents[declaration.category.value]["tables"][name]
        assert len(table["rows"]) == expected[name]
        assert table["columns"] == list(declaration.export_columns)
        if name in csv_rows:
            assert csv_rows[name][0] == list(declaration.export_columns)
            assert len(csv_rows[name]) == expected[name] + 1
    account = documents["account"]["tables"]["user_account"]["rows"][0]
    assert datetime.fromisoformat(account["created_at"]) == BEFORE
    assert account["email_verified_at"].endswith("+00:00")
    assert "alert_delivery" in csv_rows and "saved_search" not in csv_rows
    assert person.email in contents and person.full_name.lower() in contents
    assert not any(needle in contents for needle in ("omar", control.email, control.phone))


def test_one_export_runs_at_a_time(session, person):
    export.request_export(session=session, user_id=person.user_id, now=NOW)
    with pytest.raises(export.ExportInProgressError):
        export.request_export(session=session, user_id=person.user_id, now=NOW)


def test_a_ready_export_allows_a_new_request(session, person):
    built(session, person.user_id)
    again = export.request_export(session=session, user_id=person.user_id, now=NOW)
    assert export.latest_export(session=session, user_id=person.user_id).id == again.id


def test_progress_is_committed_while_the_build_goes(monkeypatch, session, person):
    populate(session, person, BEFORE)
    asked = export.request_export(session=session, user_id=person.user_id, now=NOW)
    session.commit()
    seen, record = [], export._set_progress

    def watched(db_session, row, progress):
        record(db_session, row, progress)
        with Session(get_engine()) as other:
            seen.append(other.get(DataExport, asked.id).progress)

    monkeypatch.setattr(export, "_set_progress", watched)
    export.build_export(session=session, export_id=asked.id, now=NOW)

    assert len(set(seen)) > 3
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] <= 95
    with Session(get_engine()) as other:
        assert other.get(DataExport, asked.id).progress == 100


def test_a_failed_build_is_marked_and_leaves_no_file(monkeypatch, session, person):
    asked = export.request_export(session=session, user_id=person.user_id, now=NOW)
    session.commit()

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "_partitions", broken)
    with pytest.raises(RuntimeError):
        export.build_export(session=session, export_id=asked.id, now=NOW)

    failed = session.get(DataExport, asked.id)
    assert (failed.status, failed.error, failed.path) == ("failed", "disk full", None)
    assert list(export.exports_dir().iterdir()) == []
    export.request_export(session=session, user_id=person.user_id, now=NOW)


def test_the_download_opens_for_its_owner_only_and_before_expiry(session, person, control):
    ready = built(session, person.user_id)

    path = export.open_download(
        session=session, token=ready.token, user_id=person.user_id, now=NOW + timedelta(days=6)
    )
    assert path == Path(ready.export.path) and path.stat().st_size == ready.export.size
    for user_id, when, token in (
        (control.user_id, NOW, ready.token),
        (person.user_id, NOW + timedelta(days=7), ready.token),
        (person.user_id, NOW, "not-the-token"),
    ):
        with pytest.raises(NotFoundError):
            export.open_download(session=session, token=token, user_id=user_id, now=when)


def test_a_new_link_replaces_the_previous_one(session, person):
    ready = built(session, person.user_id)

    token = export.issue_download_token(session=session, user_id=person.user_id, now=NOW)

    assert export.open_download(session=session, token=token, user_id=person.user_id, now=NOW)
    with pytest.raises(NotFoundError):
        export.open_download(session=session, token=ready.token, user_id=person.user_id, now=NOW)


def signed_in(session, user_id: int) -> str:
    """A session token for the user's browser cookie."""
    user = session.get(User, user_id)
    ticket = sessions.open_session(
        session=session, user=user, client=sessions.ClientInfo(), now=datetime.now(UTC)
    )
    token = sessions.redeem_ticket(session=session, ticket=ticket, now=datetime.now(UTC))
    session.commit()
    return token


def test_the_route_streams_the_zip_to_the_signed_in_owner_only(session, person, control):
    ready = built(session, person.user_id)
    session.get(DataExport, ready.export.id).expires_at = datetime.now(UTC) + timedelta(days=1)
    owner, other = signed_in(session, person.user_id), signed_in(session, control.user_id)
    client = TestClient(Starlette(routes=ROUTES))
    url = f"/privacy/export/{ready.token}"

    response = client.get(url, headers={"cookie": f"oktra_session={owner}"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json")
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"cookie": f"oktra_session={other}"}).status_code == 404
    wrong = f"/privacy/export/{ready.token}x"
    assert client.get(wrong, headers={"cookie": f"oktra_session={owner}"}).status_code == 404
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2), tick=False):
        assert client.get(url, headers={"cookie": f"oktra_session={owner}"}).status_code == 404


def test_the_job_builds_pending_exports_and_those_a_crash_interrupted(session, person, control):
    first = export.request_export(session=session, user_id=person.user_id, now=NOW)
    second = export.request_export(session=session, user_id=control.user_id, now=BEFORE)
    second.status = "building"
    session.commit()

    assert export.build_exports(session=session, now=NOW) == {"built": 2, "failed": 0}
    assert {session.get(DataExport, e.id).status for e in (first, second)} == {"ready"}


def test_purge_deletes_expired_exports_their_files_and_orphans(session, person):
    ready = built(session, person.user_id)
    orphan = export.exports_dir() / "oktra-999-left-by-a-crash.zip.part"
    orphan.write_bytes(b"partial")
    old = (NOW - timedelta(days=2)).timestamp()
    os.utime(orphan, (old, old))

    assert export.purge_exports(session=session, now=NOW + timedelta(days=1)) == {
        "deleted": 0,
        "orphan_files": 1,
    }
    assert export.purge_exports(session=session, now=NOW + timedelta(days=7)) == {
        "deleted": 1,
        "orphan_files": 0,
    }
    assert not Path(ready.export.path).exists()
    assert session.exec(select(DataExport)).all() == []
