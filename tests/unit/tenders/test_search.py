"""The search service on a small catalogue, on SQLite and on PostgreSQL: text, filters, sorts,
pages, facet counts, garbage queries and a catalogue that changes under the in-memory sets."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from oktra.tenders.criteria import Criteria, Sort
from oktra.tenders.facets import BUDGET_BUCKETS, published_since
from oktra.tenders.models import Buyer, Tender
from oktra.tenders.search import COMMON_WORDS_ONLY, matching_ids, search
from oktra.tenders.service import import_file

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
COLUMNS = ("reference", "objet", "acheteur", "categorie", "procedure", "estimation")
COLUMNS += ("reserve_tpe_pme", "date_publication", "date_limite", "statut")
# Deadlines and publications are Casablanca times, as the portal writes them.
ROWS = [
    ("T1", "Travaux de construction d'une salle de sport", "COMMUNE DE TIZNIT", "Travaux",
     "Appel d'offres ouvert", "1 500 000,00 MAD", False, "20/02/2026 10:00", "10/03/2026 10:00",
     "ouvert"),
    ("T2", "Achat de fournitures informatiques",
     "DELEGUE DU MINISTERE DE LA SANTE A LA PROVINCE NADOR", "Fournitures", "Bon de commande",
     "80 000,00 MAD", True, "25/02/2026 23:50", "04/03/2026 10:00", "ouvert"),
    ("T3", "Entretien des véhicules de service", "MINISTERE DE L'ECONOMIE ET DES FINANCES",
     "Services", "Appel d'offres ouvert", None, False, "15/02/2026 09:00", "30/03/2026 10:00",
     "ouvert"),
    ("T4", "Fourniture de matériel de bureau", "COMMUNE DE RABAT", "Fournitures",
     "Appel d'offres restreint", "250 000,00 MAD", False, "01/02/2026 09:00", "01/03/2026 10:00",
     "ouvert"),
    ("T5", "Travaux de voirie et d'assainissement", "COMMUNE DE TIZNIT", "Travaux",
     "Appel d'offres ouvert", "6 000 000,00 MAD", None, "10/01/2026 09:00", None, "attribue"),
    ("T6", "Prestations de nettoyage des locaux", "ASSOCIATION AL AMAL", "Services",
     "Bon de commande", "40 000,00 MAD", True, "27/02/2026 09:00", "20/03/2026 10:00", "ouvert"),
    ("AO-ZETA-77", "Achat de carburant", "COMMUNE DE NADOR", "Fournitures", "Bon de commande",
     "300 000,00 MAD", False, "26/02/2026 09:00", "16/03/2026 10:00", "ouvert"),
    ("T8", "Aménagement de la route de Tiznit", "CONSEIL DE LA REGION SOUSS MASSA", "Travaux",
     "Appel d'offres ouvert", "3 000 000,00 MAD", False, "12/02/2026 09:00", "25/03/2026 10:00",
     "ouvert"),
    ("T9", "Matériel informatique pour le bureau d'ordre", "COMMUNE DE RABAT", "Fournitures",
     "Bon de commande", "95 000,00 MAD", False, "24/02/2026 09:00", "05/03/2026 10:00",
     "reporte"),
    ("T10", "Réfection du mur de clôture", "COMMUNE DE TIZNIT", "Travaux",
     "Appel d'offres ouvert", "500 000,00 MAD", False, "05/06/2025 09:00", "05/07/2025 10:00",
     "clos"),
    ("T11", "Achat de mobilier de bureau", "COMMUNE DE NADOR", "Fournitures", "Bon de commande",
     "120 000,00 MAD", False, "22/02/2026 09:00", "12/03/2026 10:00", "annule"),
]  # fmt: skip
EVERY = {row[0] for row in ROWS}
NEWEST = ["T6", "AO-ZETA-77", "T2", "T9", "T11", "T1", "T3", "T8", "T4", "T5", "T10"]
FACETS = {"category", "sector", "region", "province", "procedure", "status", "reserved"}
FACETS |= {"budget", "deadline", "published", "buyer"}
LISTS = {"category": "categories", "sector": "sectors", "region": "regions"}
LISTS |= {"province": "provinces", "procedure": "procedures", "status": "statuses"}


def _import(session, folder, rows, name="notices.jsonl", now=NOW):
    path = folder / name
    records = [{k: v for k, v in zip(COLUMNS, row, strict=True) if v is not None} for row in rows]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    report = import_file(session=session, path=path, now=now)
    assert report.rejected == []
    return report


@pytest.fixture
def catalogue(session, tmp_path):
    _import(session, tmp_path, ROWS)
    return session


def _found(session, now=NOW, **fields) -> set[str]:
    ids = matching_ids(session=session, criteria=Criteria(**fields), now=now)
    return {session.get(Tender, tender_id).reference for tender_id in ids}


def _listed(result) -> list[str]:
    return [tender.reference for tender, _ in result.tenders]


def _all_pages(session, criteria, page_size, now=NOW) -> list[str]:
    first = search(session=session, criteria=criteria, page_size=page_size, now=now)
    listed = _listed(first)
    for page in range(2, first.pages + 1):
        result = search(session=session, criteria=criteria, page=page, page_size=page_size, now=now)
        assert (result.page, result.total) == (page, first.total)
        listed += _listed(result)
    return listed


def _buyer_id(session, name) -> int:
    return session.scalars(select(Buyer.id).where(Buyer.name == name)).one()


FILTERS = [
    ({"categories": ("services",)}, {"T3", "T6"}),
    ({"sectors": ("it",)}, {"T2", "T9"}),
    ({"regions": ("rabat-sale-kenitra",)}, {"T4", "T9", "T3"}),
    ({"provinces": ("tiznit",)}, {"T1", "T5", "T10", "T3"}),
    ({"procedures": ("Appel d'offres restreint",)}, {"T4"}),
    ({"reserved_sme": True}, {"T2", "T6"}),
    ({"budget_min": Decimal("1e5"), "budget_max": Decimal("3e5")}, {"T4", "AO-ZETA-77", "T11"}),
    ({"published_from": date(2026, 2, 24), "published_to": date(2026, 2, 25)}, {"T9", "T2"}),
    ({"published_from": date(2026, 2, 26)}, {"AO-ZETA-77", "T6"}),
    ({"published_to": date(2025, 12, 31)}, {"T10"}),
    ({"deadline_max_days": 7}, {"T2", "T9"}),
    ({"deadline_min_days": 11, "deadline_max_days": 20}, {"AO-ZETA-77", "T6"}),
    ({"statuses": ("cancelled",)}, {"T11"}),
    ({"statuses": ("postponed",)}, {"T9"}),
]


def test_each_filter_keeps_only_its_tenders(catalogue):
    for fields, expected in FILTERS:
        assert _found(catalogue, **fields) == expected, fields
        result = search(session=catalogue, criteria=Criteria(**fields), now=NOW)
        assert result.total == len(expected), fields


def test_the_buyer_filter_keeps_that_buyers_tenders(catalogue):
    tiznit = _buyer_id(catalogue, "COMMUNE DE TIZNIT")
    rabat = _buyer_id(catalogue, "COMMUNE DE RABAT")
    assert _found(catalogue, buyers=(tiznit,)) == {"T1", "T5", "T10"}
    assert _found(catalogue, buyers=(tiznit, rabat)) == {"T1", "T5", "T10", "T4", "T9"}
    assert _found(catalogue, buyers=(999_999,)) == set()


def test_values_of_one_filter_are_ored_and_filters_are_anded(catalogue):
    works, south = {"T1", "T5", "T8", "T10"}, ("souss-massa",)
    assert _found(catalogue, categories=("works", "services")) == works | {"T3", "T6"}
    assert _found(catalogue, categories=("works",), regions=south) == works
    both = _found(catalogue, categories=("works", "supplies"), regions=(*south, "oriental"))
    assert both == works | {"T2", "AO-ZETA-77", "T11"}
    small = {"provinces": ("tiznit",), "reserved_sme": True}
    assert _found(catalogue, categories=("works",), **small) == set()


def test_a_national_tender_matches_every_region_filter(catalogue):
    for region in ("oriental", "souss-massa", "dakhla-oued-ed-dahab"):
        assert "T3" in _found(catalogue, regions=(region,))
    assert _found(catalogue, regions=("dakhla-oued-ed-dahab",)) == {"T3"}
    assert _found(catalogue, regions=("national",)) == {"T3"}


def test_a_national_tender_matches_every_province_filter(catalogue):
    assert _found(catalogue, provinces=("nador",)) == {"T2", "AO-ZETA-77", "T11", "T3"}
    assert _found(catalogue, provinces=("agadir-ida-ou-tanane",)) == {"T3"}


def test_a_tender_without_estimate_never_matches_a_budget_filter(catalogue):
    assert _found(catalogue, budget_min=Decimal(0)) == EVERY - {"T3"}
    assert _found(catalogue, budget_max=Decimal("99999999999")) == EVERY - {"T3"}
    assert _found(catalogue, budget_max=Decimal(100_000)) == {"T2", "T6", "T9"}


def test_the_deadline_window_is_evaluated_at_the_moment_given(catalogue):
    later = NOW + timedelta(days=2, hours=2)
    assert _found(catalogue, deadline_max_days=7) == {"T2", "T9"}
    assert _found(catalogue, now=later, deadline_max_days=7) == {"T9", "T1"}
    result = search(session=catalogue, criteria=Criteria(deadline_max_days=7), now=later)
    assert set(_listed(result)) == {"T9", "T1"}


def test_an_open_tender_past_its_deadline_counts_as_closed(catalogue):
    assert _found(catalogue, statuses=("closed",)) == {"T10", "T4"}
    assert "T4" not in _found(catalogue, statuses=("open",))
    before = NOW - timedelta(days=2)
    assert "T4" in _found(catalogue, now=before, statuses=("open",))
    assert _found(catalogue, now=before, statuses=("closed",)) == {"T10"}
    assert _found(catalogue, now=NOW + timedelta(days=4), statuses=("postponed",)) == set()


def test_words_need_not_be_adjacent_but_a_phrase_must(catalogue):
    assert _found(catalogue, text="matériel bureau") == {"T4", "T9"}
    assert _found(catalogue, text="bureau matériel") == {"T4", "T9"}
    assert _found(catalogue, text='"matériel de bureau"') == {"T4"}
    assert _found(catalogue, text='"bureau matériel"') == set()


def test_accents_case_and_plurals_find_the_same_tenders(catalogue):
    assert _found(catalogue, text="MATERIELS") == _found(catalogue, text="matériel") == {"T4", "T9"}
    assert _found(catalogue, text="fourniture") == {"T2", "T4"}
    assert _found(catalogue, text="l'entretien") == {"T3"}


def test_an_excluded_word_or_phrase_removes_its_tenders(catalogue):
    assert _found(catalogue, text="bureau -informatique") == {"T4", "T11"}
    assert _found(catalogue, text='bureau -"mobilier de bureau"') == {"T4", "T9"}
    assert _found(catalogue, text="-bureau") == EVERY - {"T4", "T9", "T11"}
    assert _found(catalogue, text="-tiznit") == EVERY - {"T1", "T5", "T8", "T10"}


def test_the_buyer_name_and_the_reference_are_searched_too(catalogue):
    assert _found(catalogue, text="zeta") == {"AO-ZETA-77"}
    assert _found(catalogue, text='"ao zeta 77"') == {"AO-ZETA-77"}
    assert _found(catalogue, text="santé") == {"T2"}
    assert _found(catalogue, text="finances véhicules") == {"T3"}
    assert _found(catalogue, text='"finances véhicules"') == set()


def test_newest_first_orders_by_publication(catalogue):
    result = search(session=catalogue, criteria=Criteria(sort=Sort.NEWEST), now=NOW)
    assert _listed(result) == NEWEST
    assert search(session=catalogue, criteria=Criteria(), now=NOW).sort == Sort.NEWEST


def test_closest_deadline_lists_the_deadlines_ahead_first(catalogue):
    criteria = Criteria(sort=Sort.DEADLINE)
    ahead = ["T2", "T9", "T1", "T11", "AO-ZETA-77", "T6", "T8", "T3"]
    then = ["T4", "T5", "T10"]
    assert _listed(search(session=catalogue, criteria=criteria, now=NOW)) == ahead + then
    assert _all_pages(catalogue, criteria, page_size=3) == ahead + then
    later = _listed(search(session=catalogue, criteria=criteria, now=NOW + timedelta(days=9)))
    assert later[:3] == ["T11", "AO-ZETA-77", "T6"]


def test_relevance_puts_title_matches_first(catalogue):
    result = search(session=catalogue, criteria=Criteria(text="tiznit"), now=NOW)
    assert result.sort == Sort.RELEVANCE
    assert _listed(result) == ["T8", "T1", "T5", "T10"]
    assert _all_pages(catalogue, Criteria(text="tiznit"), page_size=1) == ["T8", "T1", "T5", "T10"]
    newest = search(session=catalogue, criteria=Criteria(text="tiznit", sort=Sort.NEWEST), now=NOW)
    assert _listed(newest) == ["T1", "T8", "T5", "T10"]


def test_pages_cover_every_result_exactly_once(catalogue):
    for size in (1, 2, 4, 11, 50):
        listed = _all_pages(catalogue, Criteria(), page_size=size)
        assert listed == NEWEST
    result = search(session=catalogue, criteria=Criteria(), page_size=4, now=NOW)
    assert (result.total, result.pages, len(result.tenders)) == (11, 3, 4)


def test_a_page_past_the_end_shows_the_last_page(catalogue):
    last = search(session=catalogue, criteria=Criteria(), page=3, page_size=4, now=NOW)
    beyond = search(session=catalogue, criteria=Criteria(), page=99, page_size=4, now=NOW)
    assert (beyond.page, _listed(beyond)) == (3, _listed(last)) == (3, NEWEST[8:])
    assert search(session=catalogue, criteria=Criteria(), page=0, page_size=4, now=NOW).page == 1
    empty = search(session=catalogue, criteria=Criteria(text="introuvable"), page=5, now=NOW)
    assert (empty.total, empty.page, empty.pages, empty.tenders) == (0, 1, 0, [])


def _choose(criteria: Criteria, facet: str, value: str, now: datetime) -> Criteria:
    """The criteria the page gives when one facet value is clicked alone."""
    if facet in LISTS:
        return replace(criteria, **{LISTS[facet]: (value,)})
    if facet == "buyer":
        return replace(criteria, buyers=(int(value),))
    if facet == "reserved":
        return replace(criteria, reserved_sme=True)
    if facet == "budget":
        low, high = next((low, high) for code, low, high in BUDGET_BUCKETS if code == value)
        return replace(
            criteria,
            budget_min=Decimal(low) if low is not None else None,
            budget_max=Decimal(high) - Decimal("0.01") if high is not None else None,
        )
    if facet == "deadline":
        return replace(criteria, deadline_min_days=None, deadline_max_days=int(value))
    since = published_since(now, int(value))
    return replace(criteria, published_from=since, published_to=None)


@pytest.mark.parametrize(
    "criteria",
    [
        Criteria(),
        Criteria(text="bureau"),
        Criteria(categories=("supplies",), regions=("oriental",)),
        Criteria(statuses=("open",), budget_max=Decimal(1_000_000), reserved_sme=True),
        Criteria(
            provinces=("tiznit",), deadline_max_days=14, procedures=("Appel d'offres ouvert",)
        ),
        Criteria(text="-bureau", sectors=("construction",), published_from=date(2026, 2, 1)),
    ],
)
def test_a_facet_count_is_the_total_that_selecting_its_value_gives(catalogue, criteria):
    result = search(session=catalogue, criteria=criteria, now=NOW)
    assert set(result.facets) == FACETS
    checked = 0
    for facet, values in result.facets.items():
        assert len({item.value for item in values}) == len(values), facet
        for item in values:
            chosen = _choose(criteria, facet, item.value, NOW)
            total = search(session=catalogue, criteria=chosen, now=NOW).total
            assert total == item.count, (facet, item.value)
            checked += bool(item.count)
    assert checked >= 8


def test_a_facet_ignores_its_own_filter_and_applies_the_others(catalogue):
    criteria = Criteria(categories=("works",), regions=("oriental",))
    result = search(session=catalogue, criteria=criteria, now=NOW)
    assert result.total == 0
    categories = {item.value: (item.count, item.selected) for item in result.facets["category"]}
    assert categories == {"works": (0, True), "supplies": (3, False), "services": (1, False)}
    regions = {item.value: item.count for item in result.facets["region"]}
    assert regions["souss-massa"] == 4
    assert regions["oriental"] == 0
    assert regions["national"] == 0
    statuses = {item.value: item.count for item in result.facets["status"]}
    assert sum(statuses.values()) == 0


def test_facets_count_effective_statuses_and_deadlines_at_the_moment_given(catalogue):
    early = search(session=catalogue, criteria=Criteria(), now=NOW - timedelta(days=2))
    late = search(session=catalogue, criteria=Criteria(), now=NOW)

    def counts(result, facet):
        return {item.value: item.count for item in result.facets[facet]}

    assert (counts(early, "status")["closed"], counts(late, "status")["closed"]) == (1, 2)
    assert (counts(early, "status")["open"], counts(late, "status")["open"]) == (7, 6)
    assert counts(late, "deadline")["7"] == 2
    assert counts(early, "deadline")["7"] == 3


def test_facet_counts_mark_the_selected_values(catalogue):
    criteria = Criteria(
        sectors=("it",), reserved_sme=True, deadline_max_days=7, budget_max=Decimal("99999.99")
    )
    result = search(session=catalogue, criteria=criteria, now=NOW)
    selected = {
        facet: [item.value for item in values if item.selected]
        for facet, values in result.facets.items()
    }
    assert selected["sector"] == ["it"]
    assert selected["reserved"] == ["yes"]
    assert selected["deadline"] == ["7"]
    assert selected["budget"] == ["0-100000"]
    assert selected["category"] == []
    assert result.total == 1


GARBAGE = [
    '"a" OR b; DROP TABLE tender; -- NEAR(x y) * ^ : (',
    '"unbalanced quote',
    'bureau "',
    "x" * 10_000,
    ("fournitures " * 900)[:10_000],
    "' OR '1'='1",
    "* OR *",
    "NEAR(bureau matériel)",
    "bureau*",
    "title:bureau",
    "{search_title search_other}:bureau",
    "'; SELECT * FROM tender; --",
    "\\x00 \x00 \u202e \U0001f600",
    "-",
    "--",
    '-"',
    '""',
    "() [] {} <> ; : , .",
    "a b c d e f",
]


def test_a_garbage_query_never_fails_nor_returns_the_whole_catalogue(catalogue):
    for text in GARBAGE:
        for sort in (None, *Sort):
            criteria = Criteria(text=text, sort=sort)
            result = search(session=catalogue, criteria=criteria, now=NOW)
            found = matching_ids(session=catalogue, criteria=criteria, now=NOW)
            assert result.total == len(found) < len(EVERY), text
            assert {tender.id for tender, _ in result.tenders} <= found, text


def test_a_query_of_common_words_finds_nothing_and_says_why(catalogue):
    for text in ("de", "la le les", "d'un", "  de  la  ", "-", '"de la"'):
        criteria = Criteria(text=text, regions=("oriental",))
        result = search(session=catalogue, criteria=criteria, now=NOW)
        assert (result.total, result.tenders, result.reason) == (0, [], COMMON_WORDS_ONLY), text
        assert _found(catalogue, text=text) == set(), text
    assert search(session=catalogue, criteria=Criteria(text="  "), now=NOW).total == len(EVERY)


def test_a_long_query_still_finds_its_first_words(catalogue):
    text = ("fournitures " * 900)[:10_000]
    result = search(session=catalogue, criteria=Criteria(text=text), now=NOW)
    assert result.query.truncated
    assert set(_listed(result)) == {"T2", "T4"}


def test_a_reimport_that_changes_a_tender_is_seen_by_the_next_search(catalogue, tmp_path):
    rich = Criteria(budget_min=Decimal(1_000_000))
    assert _found(catalogue, text="carburant") == {"AO-ZETA-77"}
    assert _found(catalogue, text="gasoil") == set()
    assert "AO-ZETA-77" not in _found(catalogue, **vars(rich))
    before = search(session=catalogue, criteria=Criteria(text="achat"), now=NOW)

    changed = [
        (*row[:1], "Achat de gasoil", *row[2:5], "2 000 000,00 MAD", *row[6:])
        if row[0] == "AO-ZETA-77"
        else row
        for row in ROWS
    ]
    report = _import(catalogue, tmp_path, changed, name="again.jsonl", now=NOW)
    assert (report.updated, report.created) == (1, 0)

    assert _found(catalogue, text="carburant") == set()
    assert _found(catalogue, text="gasoil") == {"AO-ZETA-77"}
    assert "AO-ZETA-77" in _found(catalogue, **vars(rich))
    after = search(session=catalogue, criteria=Criteria(text="achat"), now=NOW)
    assert after.total == before.total
    millions = [
        next(item.count for item in result.facets["budget"] if item.value == "1000000-5000000")
        for result in (before, after)
    ]
    assert millions == [0, 1]


def test_a_new_tender_is_seen_by_the_next_search(catalogue, tmp_path):
    assert search(session=catalogue, criteria=Criteria(), now=NOW).total == len(EVERY)
    extra = ("T12", "Achat de gasoil", "COMMUNE DE SAFI", *ROWS[6][3:])
    _import(catalogue, tmp_path, [extra], name="extra.jsonl", now=NOW)
    assert search(session=catalogue, criteria=Criteria(), now=NOW).total == len(EVERY) + 1
    assert _found(catalogue, text="gasoil", provinces=("safi",)) == {"T12"}
