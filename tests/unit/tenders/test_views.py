"""How a tender is shown: labels translated, Casablanca time, demo-generated fields marked."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from oktra.tenders.models import Buyer, Tender
from oktra.tenders.views import tender_fields, tender_summary


def _tender(**overrides) -> tuple[Tender, Buyer]:
    buyer = Buyer(id=1, name="COMMUNE DE TIZNIT", name_key="commune de tiznit")
    tender = Tender(
        id=7,
        source="portal",
        source_id="x",
        reference="12/2025",
        title="Travaux de voirie",
        title_original="Travaux de voirie",
        buyer_id=1,
        category="works",
        sectors=["roads"],
        taxonomy_version="2026.1",
        region="souss-massa",
        province="tiznit",
        estimate=Decimal("1250000.50"),
        deadline_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        status="open",
        content_hash="h",
        **overrides,
    )
    return tender, buyer


def test_generated_fields_are_marked_and_source_fields_are_not():
    tender, buyer = _tender(generated_fields=["deadline_at", "estimate"])
    rows = {row["key"]: row for row in tender_fields(tender, buyer, "fr")}
    assert rows["deadline_at"]["demo"].startswith("Généré pour la démo")
    assert rows["estimate"]["demo"]
    assert rows["buyer"]["demo"] == ""
    assert rows["reference"]["demo"] == ""


def test_values_are_written_for_the_reader():
    tender, buyer = _tender()
    rows = {row["key"]: row["value"] for row in tender_fields(tender, buyer, "fr")}
    assert rows["deadline_at"].endswith("10:00:00")
    assert rows["estimate"] == "1\u202f250\u202f000,50\xa0MAD"
    assert rows["category"] == "Travaux"
    assert rows["region"] == "Tiznit · Souss-Massa"
    assert rows["sectors"] == "Routes, pistes et chemins"
    assert "guarantee" not in rows


def test_a_summary_says_whether_any_field_is_generated():
    tender, buyer = _tender(generated_fields=["lots"])
    assert tender_summary(tender, buyer, "en")["demo"] == "yes"
    tender, buyer = _tender()
    assert tender_summary(tender, buyer, "ar")["demo"] == ""
