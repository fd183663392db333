"""The matching engine's own rules: index keys, national tenders, paused and removed searches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from oktra.alerts.matching import Compiled, MatchIndex, TenderFacts
from oktra.tenders.criteria import Criteria
from oktra.tenders.searchtext import tokens

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _tender(tender_id: int, title: str, **fields) -> TenderFacts:
    values = {
        "id": tender_id,
        "title_tokens": tuple(tokens(title)),
        "other_tokens": tuple(tokens(fields.pop("buyer", "Commune de Tata"))),
        "category": "supplies",
        "procedure": None,
        "region": "souss-massa",
        "province": "tata",
        "sectors": (),
        "buyer_id": 1,
        "reserved_sme": None,
        "estimate": None,
        "published_at": NOW,
        "deadline_at": NOW + timedelta(days=10),
        "status": "open",
    }
    return TenderFacts(**{**values, **fields})


def _index() -> MatchIndex:
    return MatchIndex(regions=["souss-massa", "oriental"], provinces=["tata", "oujda-angad"])


def test_a_search_is_indexed_under_its_rarest_word_and_one_without_words_by_its_filters():
    frequencies = {"fournitur": 900, "informat": 40}
    assert Compiled(Criteria(text="fournitures informatiques")).rarest_token(frequencies) == (
        "informat"
    )
    index = MatchIndex(
        regions=["souss-massa", "oriental"], provinces=["tata"], frequencies=frequencies
    )
    index.put(1, Criteria(text="fournitures informatiques"))
    index.put(2, Criteria(sectors=("it",), regions=("souss-massa",)))
    tenders = [
        _tender(1, "Fourniture de matériel informatique", sectors=("it",)),
        _tender(2, "Travaux de voirie", sectors=("roads",)),
    ]
    assert index.match(tenders, NOW) == {1: [1, 2]}


def test_a_national_tender_reaches_searches_of_every_region_and_province():
    index = _index()
    index.put(1, Criteria(regions=("oriental",)))
    index.put(2, Criteria(provinces=("oujda-angad",)))
    index.put(3, Criteria(regions=("national",)))
    national = _tender(10, "Achat de gasoil", region="national", province=None)
    local = _tender(11, "Achat de gasoil")
    assert index.match([national, local], NOW) == {10: [1, 2, 3]}


def test_phrases_exclusions_and_budget_are_verified_exactly():
    index = _index()
    index.put(1, Criteria(text='"matériel de bureau" -location'))
    index.put(2, Criteria(text="bureau", budget_min=Decimal(1000)))
    tenders = [
        _tender(1, "Achat de matériel de bureau"),
        _tender(2, "Location de matériel de bureau"),
        _tender(3, "Matériel informatique pour le bureau", estimate=Decimal(999)),
        _tender(4, "Bureau d'études", estimate=Decimal(1000)),
    ]
    assert index.match(tenders, NOW) == {1: [1], 4: [2]}


def test_a_removed_or_replaced_search_stops_matching_what_it_no_longer_asks():
    index = _index()
    index.put(1, Criteria(text="gasoil"))
    index.put(1, Criteria(text="nettoyage"))
    index.put(2, Criteria(text="gasoil"))
    index.remove(2)
    tenders = [_tender(1, "Achat de gasoil"), _tender(2, "Nettoyage des locaux")]
    assert index.match(tenders, NOW) == {2: [1]}
    assert len(index) == 1


def test_open_means_open_at_the_time_of_matching():
    index = _index()
    index.put(1, Criteria(statuses=("open",)))
    tender = _tender(1, "Achat de gasoil", deadline_at=NOW + timedelta(hours=1))
    assert index.match([tender], NOW) == {1: [1]}
    assert index.match([tender], NOW + timedelta(hours=2)) == {}


def test_a_search_of_common_words_only_matches_nothing():
    index = _index()
    index.put(1, Criteria(text="de la"))
    assert index.match([_tender(1, "De la part de la commune")], NOW) == {}
