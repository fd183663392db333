"""Region inference through the gazetteer, sector assignment through the taxonomy."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from oktra.tenders.gazetteer import REGION_LABELS, infer_region, load_gazetteer
from oktra.tenders.models import NATIONAL
from oktra.tenders.sectors import SECTOR_LABELS, TAXONOMY_VERSION, assign_sectors, load_taxonomy
from oktra.tenders.sources.base import RecordError, amount_field


def test_the_gazetteer_holds_12_regions_and_75_provinces_and_prefectures():
    gazetteer = load_gazetteer()
    assert len(gazetteer.regions) == 12
    assert len(gazetteer.provinces) == 75
    per_region = Counter(region for region, _kind, _name in gazetteer.provinces.values())
    assert per_region["casablanca-settat"] == 9
    assert per_region["dakhla-oued-ed-dahab"] == 2
    assert set(REGION_LABELS) == {*gazetteer.regions, NATIONAL}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Commune urbaine de KÉNITRA", ("rabat-sale-kenitra", "kenitra")),
        ("commune urbaine de kenitra", ("rabat-sale-kenitra", "kenitra")),
        ("Délégation de Laâyoune", ("laayoune-sakia-el-hamra", "laayoune")),
        ("DELEGATION DE LAAYOUNE", ("laayoune-sakia-el-hamra", "laayoune")),
        ("Province de Fkih Ben Salah", ("beni-mellal-khenifra", "fquih-ben-salah")),
        ("Hôpital de Ksar Lakbir", ("tanger-tetouan-al-hoceima", "larache")),
        ("Commune de Tinerhir", ("draa-tafilalet", "tinghir")),
        ("AREF Casablanca-Settat", ("casablanca-settat", None)),
        ("PREFECTURE D'ARRONDISSEMENT SIDI BARNOUSSI", ("casablanca-settat", "casablanca")),
        ("Commune El Aioun Sidi Mellouk", ("oriental", "taourirt")),
    ],
)
def test_region_is_inferred_from_names_with_variants_accents_and_transliterations(text, expected):
    assert infer_region(buyer=text) == expected


def test_place_of_execution_comes_before_the_buyer():
    found = infer_region(place="Tiznit", buyer="Direction régionale de Rabat")
    assert found == ("souss-massa", "tiznit")


def test_a_central_buyer_without_a_place_is_national_and_nothing_found_is_unknown():
    assert infer_region(buyer="MINISTERE DE L'EQUIPEMENT ET DE L'EAU") == (NATIONAL, None)
    assert infer_region(buyer="Association des amis du jardin") == (None, None)


def test_the_title_is_the_last_resort():
    found = infer_region(buyer="Ecole supérieure", title="Achat de papier pour l'école d'Agadir")
    assert found == ("souss-massa", "agadir-ida-outanane")


def test_sectors_come_from_the_versioned_taxonomy():
    assert TAXONOMY_VERSION == "2026.1"
    assert [sector.code for sector in load_taxonomy()] == list(SECTOR_LABELS)
    assert assign_sectors("ACHAT DE FOURNITURES INFORMATIQUES") == ["it"]
    assert assign_sectors("Travaux de réfection de la piste rurale") == ["construction", "roads"]
    assert assign_sectors("Pause-café à l'occasion du séminaire") == ["catering"]
    assert assign_sectors("Objet sans mot connu") == []


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("7 200,00 MAD", "7200.00"),
        ("1 234 567,5 DH", "1234567.50"),
        (32235.6, "32235.60"),
        ("7.200,00", "7200.00"),
        ("15000", "15000.00"),
    ],
)
def test_portal_amounts_are_read_as_decimal_mad(raw, amount):
    assert amount_field(raw, "montant") == Decimal(amount)


@pytest.mark.parametrize("raw", ["beaucoup", "-5", True, [1], "1e400", float("nan"), 10**20])
def test_impossible_amounts_are_refused(raw):
    with pytest.raises(RecordError):
        amount_field(raw, "montant")
