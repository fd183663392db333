"""Importing files: idempotent, history instead of rows, duplicates merged, bad lines reported."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from oktra.tenders.models import Buyer, ChangeKind, Status, Tender, TenderChange
from oktra.tenders.service import count_tenders, get_tender, import_file, tender_history
from oktra.tenders.sources.portal import source_id

NOW = datetime(2025, 7, 20, 9, 0, tzinfo=UTC)


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_importing_attributed_twice_yields_2258_tenders(session, attributed):
    first = import_file(session=session, path=attributed, now=NOW)
    second = import_file(session=session, path=attributed, now=NOW)
    assert first.counts() == {
        "read": 2258,
        "created": 2258,
        "updated": 0,
        "unchanged": 0,
        "merged": 0,
        "rejected": 0,
    }
    assert second.counts()["created"] == 0
    assert second.counts()["unchanged"] == 2258
    assert count_tenders(session=session) == 2258
    assert _count(session, TenderChange) == 0


def test_an_edited_copy_adds_history_entries_not_rows(session, attributed, tmp_path):
    import_file(session=session, path=attributed, now=NOW)
    lines = attributed.read_text(encoding="utf-8").splitlines()
    edited = [json.loads(line) for line in lines]
    edited[0]["montant"] = "8 000,00 MAD"
    edited[1]["objet"] = edited[1]["objet"] + " (avis modificatif)"
    edited[2]["statut"] = "annule"
    copy = tmp_path / "attributed-edited.jsonl"
    copy.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in edited), "utf-8")

    report = import_file(session=session, path=copy, now=NOW.replace(day=21))

    assert report.counts()["updated"] == 3
    assert report.counts()["created"] == 0
    assert count_tenders(session=session) == 2258
    first = get_tender(
        session=session,
        source="pmmp",
        source_id=source_id(edited[0]["reference"], edited[0]["acheteur"]),
    )
    assert first.award_amount == Decimal("8000.00")
    [award] = tender_history(session=session, tender_id=first.id)
    assert award.kind == ChangeKind.AWARD
    assert award.changes["award_amount"] == ["7200.00", "8000.00"]
    assert award.changed_at == NOW.replace(day=21)
    kinds = sorted(change.kind for change in session.scalars(select(TenderChange)))
    assert kinds == sorted([ChangeKind.AWARD, ChangeKind.AMENDMENT, ChangeKind.CANCELLATION])


def test_duplicates_inside_a_file_merge(session, tmp_path):
    base = {
        "reference": "12/2025",
        "objet": "Achat de ciment",
        "acheteur": "Commune de Tiznit",
        "date_publication": "06/07/2025 10:00",
    }
    later = {**base, "montant": "1 500,00 MAD", "attribue": True}
    path = tmp_path / "dups.jsonl"
    path.write_text(f"{json.dumps(base)}\n{json.dumps(later)}\n", encoding="utf-8")

    report = import_file(session=session, path=path, now=NOW)

    assert (report.created, report.merged) == (1, 1)
    [tender] = session.scalars(select(Tender))
    assert tender.award_amount == Decimal("1500.00")
    assert tender.status == Status.AWARDED
    assert _count(session, TenderChange) == 0


def test_a_malformed_record_is_reported_with_its_line_and_the_rest_imports(session, tmp_path):
    good = {"reference": "1/2025", "objet": "Achat de papier", "acheteur": "Commune de Safi"}
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(good),
                '{"reference": "2/2025", "objet": ',
                json.dumps({**good, "reference": "3/2025", "montant": "beaucoup"}),
                json.dumps({**good, "reference": "4/2025"}),
            ]
        ),
        encoding="utf-8",
    )
    report = import_file(session=session, path=path, now=NOW)
    assert [(line.location, line.reason.split(":")[0]) for line in report.rejected] == [
        ("mixed.jsonl:2", "not JSON"),
        ("mixed.jsonl:3", "montant is not an amount"),
    ]
    assert count_tenders(session=session) == 2


def test_portal_values_are_normalized(session, tmp_path):
    record = {
        "reference": "  102/2025/DMSPSNADOR",
        "objet": "  ACHAT DE FOURNITURES\r\n  INFORMATIQUES",
        "acheteur": "DELEGUE DU MINISTERE DE LA SANTE A LA PROVINCE NADOR",
        "date_publication": "06/07/2025 23:50",
        "nombre_devis": "19",
        "attribue": True,
        "entreprise_attributaire": "SAMIR ASBAI",
        "montant": "7 200,00 MAD",
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record), encoding="utf-8")
    import_file(session=session, path=path, now=NOW)
    [tender] = session.scalars(select(Tender))
    assert tender.title == "ACHAT DE FOURNITURES INFORMATIQUES"
    assert tender.title_original == record["objet"]
    assert tender.reference == "102/2025/DMSPSNADOR"
    assert tender.published_at == datetime(2025, 7, 6, 22, 50, tzinfo=UTC)
    assert (tender.region, tender.province) == ("oriental", "nador")
    assert tender.sectors == ["it"]
    assert (tender.award_amount, tender.bids_count) == (Decimal("7200.00"), 19)
    buyer = session.get(Buyer, tender.buyer_id)
    assert (buyer.region, buyer.province) == ("oriental", "nador")
