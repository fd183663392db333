"""The watched folder, the demo catalogue and the import command."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from oktra.cli import main
from oktra.demo import load_demo
from oktra.jobs import find_job
from oktra.scheduler import run_job
from oktra.tenders.demo import DEMO_SOURCE
from oktra.tenders.models import Status, Tender
from oktra.tenders.service import count_tenders

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_the_watched_folder_imports_each_file_once(engine, session, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    monkeypatch.setenv("OKTRA_TENDER_INBOX", str(inbox))
    record = {"reference": "7/2025", "objet": "Achat de gasoil", "acheteur": "Commune de Tata"}
    (inbox / "a.jsonl").write_text(json.dumps(record), encoding="utf-8")
    (inbox / "notes.txt").write_text("not a tender file", encoding="utf-8")
    spec = find_job("ingest_tender_inbox")

    first = run_job(spec, engine=engine, trigger="manual")
    second = run_job(spec, engine=engine, trigger="manual")
    (inbox / "b.jsonl").write_text(json.dumps({**record, "reference": "8/2025"}), "utf-8")
    third = run_job(spec, engine=engine, trigger="manual")

    assert first.counts["created"] == 1
    assert second.counts["read"] == 0
    assert (third.counts["read"], third.counts["created"]) == (1, 1)
    assert count_tenders(session=session) == 2


def test_demo_load_is_idempotent_and_marks_what_it_generated(session):
    first = load_demo(session=session)
    second = load_demo(session=session)
    assert first["tenders"] > 2382
    assert second["tenders"] == 0
    derived = list(session.scalars(select(Tender).where(Tender.source == DEMO_SOURCE)))
    assert len(derived) == first["tenders"] - 2382
    assert all(tender.status == Status.OPEN for tender in derived)
    assert all(
        {"deadline_at", "estimate", "reference"} <= set(tender.generated_fields)
        for tender in derived
    )
    real = session.scalars(select(Tender).where(Tender.source != DEMO_SOURCE)).first()
    assert real.generated_fields == []


def test_tenders_import_prints_a_summary_and_the_rejected_lines(
    database_url, engine, tmp_path, capsys
):
    path = tmp_path / "two.jsonl"
    path.write_text(
        '{"reference": "1", "objet": "Achat", "acheteur": "Commune de Safi"}\n{"x"\n',
        encoding="utf-8",
    )
    assert main(["tenders", "import", "--quiet", str(path)]) == 0
    out = capsys.readouterr().out
    assert "two.jsonl: read 2, created 1, updated 0, unchanged 0, merged 0, rejected 1" in out
    assert "rejected two.jsonl:2: not JSON" in out
