"""The matching engine means what the search service means, on SQLite and on PostgreSQL.

A property test (hypothesis, derandomized: the same examples on every run). Each example:
5-25 tenders made of pieces of real titles (accents, plurals, elisions, upper case), buyers
and places the gazetteer knows (regions and provinces are inferred, as in production, national
buyers included), categories, procedures, SME reservation, estimates on the budget bounds,
deadlines and publications around `now` (to the minute of a window's bound, at and just before
Casablanca midnights), statuses; then 5-15 criteria about them: 0-3 words or quoted phrases
(some excluded, some in an order the title does not have, now and then common words only) and
0-4 filters, half of them faithful to one tender (its words, its values, range bounds on its
own) so that they find something. The tenders go through the real importer (search columns,
full-text index, sectors from the title) and are read back as the matching job reads them;
every criteria, as given and as an alert keeps it (alert_criteria), must select exactly the
tenders `matching_ids` returns, through the index and through the naive loop; again after the
index is patched (searches removed, changed, added), with its sets kept as integers or not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from oktra.alerts import engine, matching
from oktra.alerts.matching import MatchIndex, naive_match
from oktra.alerts.service import alert_criteria
from oktra.core.clock import MOROCCO
from oktra.tenders.catalogue import SNAPSHOTS
from oktra.tenders.criteria import Criteria
from oktra.tenders.gazetteer import REGION_LABELS, infer_region, load_gazetteer
from oktra.tenders.ingest import buyer_key
from oktra.tenders.models import NATIONAL, Buyer, Category, Status, Tender, TenderChange
from oktra.tenders.search import matching_ids
from oktra.tenders.searchtext import tokens
from oktra.tenders.sectors import LABELS as SECTOR_LABELS
from oktra.tenders.sectors import assign_sectors
from oktra.tenders.service import import_reading
from oktra.tenders.sources.base import Notice, Reading

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
# Matching runs at the import's moment or later, when some open tenders have lapsed.
LATER = NOW + timedelta(days=3)
EXAMPLES = {"sqlite": 100, "postgresql": 60}
MISSING_BUYER = 2_000_000_000

# Pieces of real titles (attributed.jsonl), joined by common words into 1-3 piece titles.
FRAGMENTS = (
    "Fourniture de matériel informatique",
    "ACHAT DE FOURNITURES INFORMATIQUES",
    "fournitures de bureau",
    "Travaux de construction",
    "travaux d'assainissement",
    "l'entretien des véhicules",
    "Entretien et réparation de climatiseur",
    "nettoyage des locaux",
    "Achat de carburant",
    "bâtiment administratif",
    "BATIMENTS",
    "éclairage public",
    "étude technique",
    "mobilier de bureau",
    "aménagement de la route de Tiznit",
    "à Rabat",
    "médicaments",
    "formation du personnel",
    "matériel",
)
JOINERS = (" ", " et ", " - ", " de la ", ", ")
WORDS = (
    "fourniture",
    "Fournitures",
    "matériel",
    "MATERIEL",
    "informatique",
    "informatiques",
    "travaux",
    "l'entretien",
    "entretien",
    "bâtiment",
    "batiments",
    "nettoyage",
    "bureau",
    "bureaux",
    "véhicule",
    "carburant",
    "construction",
    "assainissement",
    "éclairage",
    "public",
    "étude",
    "mobilier",
    "route",
    "tiznit",
    "Rabat",
    "commune",
    "ministère",
    "réparation",
    "climatiseur",
    "médicament",
    "locaux",
    "achat",
    "2026",
)
PHRASES = (
    "matériel informatique",
    "travaux de construction",
    "fournitures de bureau",
    "l'entretien des véhicules",
    "nettoyage des locaux",
    "bureau informatique",
    "éclairage public",
    "commune de tiznit",
    "route de",
    "des finances",
)
COMMON = ("de", "des", "la", "et")
BUYERS = (
    "COMMUNE DE TIZNIT",
    "COMMUNE DE NADOR",
    "DELEGUE DU MINISTERE DE LA SANTE A LA PROVINCE NADOR",
    "MINISTERE DE L'ECONOMIE ET DES FINANCES",
    "OFFICE NATIONAL DE L'ELECTRICITE ET DE L'EAU POTABLE",
    "ASSOCIATION AL AMAL",
    "COMMUNE DE RABAT",
    "CONSEIL DE LA REGION SOUSS MASSA",
    "COMMUNE D'AGADIR",
)
PLACES = ("Tiznit", "Casablanca", "Fès", "Inezgane", "Oujda", "Région de l'Oriental")
PROCEDURES = ("Appel d'offres ouvert", "Bon de commande", "Appel d'offres restreint")
AMOUNTS = tuple(
    Decimal(text)
    for text in ("0.00", "40000.00", "99999.99", "100000.00", "250000.00", "1000000.00", "5e6")
)
DEADLINES = tuple(
    timedelta(days=days, minutes=minutes)
    for days, minutes in (
        (-10, 0),
        (0, -60),
        (0, 0),
        (0, 1),
        (3, 0),
        (3, 1),
        (6, 0),
        (7, 0),
        (7, 1),
        (10, 0),
        (14, 0),
        (17, 0),
        (30, 0),
        (33, 0),
        (90, 0),
    )
)
DAYS = tuple(
    NOW.astimezone(MOROCCO).date() + timedelta(days=days) for days in (-90, -60, -30, -7, -1, 0)
)
# Publications: often near a Casablanca midnight (an hour ahead of UTC, or level with it during
# Ramadan, as on NOW).
PUBLISHED = (
    *(datetime.combine(day, time.min, MOROCCO) for day in DAYS),
    *(datetime.combine(day, time(0, 30), MOROCCO) for day in DAYS),
    *(datetime.combine(day, time.min, MOROCCO) - timedelta(seconds=1) for day in DAYS),
    NOW - timedelta(hours=1),
    NOW + timedelta(days=1),
)


def _places() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Regions and provinces worth filtering on: those of the buyers and places, a national
    one, and provinces of the same regions no tender will carry."""
    inferred = [infer_region(buyer=name) for name in BUYERS]
    inferred += [infer_region(place=name) for name in PLACES]
    regions = {region for region, _ in inferred if region} | {NATIONAL, "marrakech-safi"}
    provinces = {province for _, province in inferred if province}
    gazetteer = load_gazetteer().provinces
    provinces |= {code for code, (region, _, _) in gazetteer.items() if region == "oriental"}
    return tuple(sorted(regions)), tuple(sorted(provinces))


REGIONS, PROVINCES = _places()


def _place_of(notice: Notice) -> tuple[str | None, str | None]:
    """The region and province the importer infers (the place, else the buyer, else the
    title)."""
    region, province = infer_region(buyer=notice.buyer)
    if notice.place:
        found = infer_region(place=notice.place)
        if found[0]:
            region, province = found
    if region is None:
        region, province = infer_region(title=notice.title)
    return region, province


@st.composite
def notices(draw) -> list[Notice]:
    """5-25 notices, as an adapter would hand them to the importer."""
    count = draw(st.integers(5, 25))
    found = []
    for number in range(count):
        pieces = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3))
        title = draw(st.sampled_from(JOINERS)).join(pieces)
        if draw(st.booleans()):
            title = title.upper()
        buyer = draw(st.sampled_from(BUYERS))
        reference = draw(st.sampled_from((f"R{number}/2026", f"AO-ETUDE-{number}")))
        deadline = draw(st.sampled_from((None, None, *DEADLINES)))
        found.append(
            Notice(
                source="pmmp",
                source_id=f"t{number}",
                reference=reference,
                title=title,
                title_original=title,
                buyer=buyer,
                location=f"generated:{number}",
                category=draw(st.none() | st.sampled_from([str(item) for item in Category])),
                procedure=draw(st.none() | st.sampled_from(PROCEDURES)),
                place=draw(st.none() | st.sampled_from(PLACES)),
                estimate=draw(st.none() | st.sampled_from(AMOUNTS)),
                reserved_sme=draw(st.sampled_from((None, True, False))),
                published_at=draw(st.sampled_from((None, None, *PUBLISHED))),
                deadline_at=None if deadline is None else NOW + deadline,
                status=draw(st.none() | st.sampled_from([str(item) for item in Status])),
            )
        )
    return found


@st.composite
def query_text(draw, model: Notice, titles: list[str], faithful: bool) -> str:
    """0-3 words or quoted phrases, most from the titles, some from the buyer or the reference,
    some excluded; now and then common words only. Faithful: words of the model tender only."""
    if not faithful and draw(st.integers(0, 19)) == 0:
        return " ".join(draw(st.lists(st.sampled_from(COMMON), min_size=1, max_size=2)))
    units = []
    for _ in range(draw(st.sampled_from((0, 0, 1, 1, 1, 2, 2, 3)))):
        words = [word for word in draw(st.sampled_from(titles)).split() if tokens(word)]
        start = draw(st.integers(0, len(words) - 1))
        kind = draw(st.integers(1, 6) if faithful else st.integers(0, 6))
        if kind == 0:
            unit = f'"{draw(st.sampled_from(PHRASES))}"'
        elif kind == 1:
            unit = '"' + " ".join(words[start : start + draw(st.integers(2, 3))]) + '"'
        elif kind == 4 and not faithful:
            # Words of the title in a phrase they do not form (reversed, or one skipped).
            first, second = sorted(draw(st.lists(st.sampled_from(words), min_size=2, max_size=2)))
            unit = f'"{second} {first}"'
        elif kind == 2 and not faithful:
            unit = draw(st.sampled_from(WORDS + COMMON))
        elif kind in (2, 3):
            other = f"{model.buyer} {model.reference}".replace("/", " ").replace("-", " ")
            unit = draw(st.sampled_from([word for word in other.split() if tokens(word)]))
        else:
            unit = words[start]
        excluded = not faithful and draw(st.integers(0, 4)) == 0
        units.append(f"-{unit}" if excluded else unit)
    return " ".join(units)


FILTERS = (
    "categories",
    "sectors",
    "regions",
    "provinces",
    "procedures",
    "buyers",
    "reserved_sme",
    "budget",
    "deadline",
    "statuses",
    "published",
)


def _some(values, seen: list, faithful: bool) -> st.SearchStrategy[tuple]:
    """1-3 values of a filter: with one the model tender has, when faithful or half the time."""
    pool = st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(tuple)
    known = [value for value in seen if value is not None]
    if not known:
        return pool
    with_known = st.tuples(st.sampled_from(known), pool).map(
        lambda pair: tuple(dict.fromkeys((pair[0], *pair[1])))
    )
    return with_known if faithful else pool | with_known


def _bounds(draw, value, below: list, above: list, faithful: bool) -> tuple:
    """(low, high) of a range filter: around the model's value (often on it) when faithful,
    else anywhere, on it now and then."""
    if faithful and value is not None:
        low = draw(st.none() | st.sampled_from([value, value, *below]))
        high = draw(st.none() | st.sampled_from([value, value, *above]))
        return (low, high) if low is not None or high is not None else (value, None)
    choices = [*below, *above, *([value] * 3 if value is not None else [])]
    return draw(st.none() | st.sampled_from(choices)), draw(st.sampled_from(choices))


@st.composite
def criteria(draw, generated: list[Notice], now: datetime) -> tuple[Criteria, tuple[str, ...]]:
    """Criteria as given, with the buyers they filter on named (ids exist after the import).

    Half of them are faithful to one tender (its words, filter values holding its own, range
    bounds on or around its values: they select it unless its status or deadline does not
    fit); the others draw words and values anywhere, some excluded, to miss as well."""
    model = draw(st.sampled_from(generated))
    faithful = draw(st.booleans())
    titles = [model.title] if faithful or draw(st.integers(0, 3)) else [n.title for n in generated]
    fields: dict[str, object] = {"text": draw(query_text(model, titles, faithful))}
    region, province = _place_of(model)
    buyers: tuple[str, ...] = ()
    count = draw(st.sampled_from((0, 1, 1, 1, 2, 2, 3, 4)))
    for name in draw(
        st.lists(st.sampled_from(FILTERS), min_size=count, max_size=count, unique=True)
    ):
        if name == "categories":
            fields[name] = draw(_some(list(Category), [model.category], faithful))
        elif name == "sectors":
            fields[name] = draw(_some(list(SECTOR_LABELS), assign_sectors(model.title), faithful))
        elif name == "regions":
            # A national tender is in every region and province.
            seen = REGIONS if region == NATIONAL else [region]
            fields[name] = draw(_some(REGIONS, seen, faithful))
        elif name == "provinces":
            seen = PROVINCES if region == NATIONAL else [province]
            fields[name] = draw(_some(PROVINCES, seen, faithful))
        elif name == "procedures":
            fields[name] = draw(_some(PROCEDURES, [model.procedure], faithful))
        elif name == "buyers":
            buyers = draw(_some((*BUYERS, "COMMUNE INCONNUE"), [model.buyer], faithful))
        elif name == "reserved_sme":
            fields[name] = True
        elif name == "budget":
            value = model.estimate
            below = [amount for amount in AMOUNTS if value is None or amount <= value]
            above = [amount for amount in AMOUNTS if value is None or amount >= value]
            low, high = _bounds(draw, value, below, above, faithful)
            fields.update(budget_min=low, budget_max=high)
        elif name == "deadline":
            # In whole days from `now`: the model's deadline when it falls on a day exactly.
            ahead = None
            if model.deadline_at is not None and model.deadline_at >= now:
                ahead = (model.deadline_at - now).days
            days = [0, 3, 7, 14, 30]
            below = [day for day in days if ahead is None or day <= ahead]
            above = [day for day in days if ahead is None or day > ahead]
            low, high = _bounds(draw, ahead, below, above, faithful)
            fields.update(deadline_min_days=low, deadline_max_days=high)
        elif name == "statuses":
            fields[name] = draw(_some(list(Status), [model.status], faithful))
        else:
            days = list(DAYS)
            day = None
            if model.published_at is not None:
                day = model.published_at.astimezone(MOROCCO).date()
            below = [*(item for item in days if day is None or item <= day)]
            above = [*(item for item in days if day is None or item >= day)]
            if day is not None:
                below.append(day - timedelta(days=1))
                above.append(day + timedelta(days=1))
            low, high = _bounds(draw, day, below, above, faithful)
            fields.update(published_from=low, published_to=high)
    return Criteria(**fields), buyers


@st.composite
def cases(draw) -> tuple[list[Notice], list, datetime, int]:
    """Tenders, 5-15 criteria about them, the moment of matching, and the size from which the
    index keeps a set as an integer (so that both kinds of sets are patched)."""
    generated = draw(notices())
    now = draw(st.sampled_from((NOW, LATER)))
    drawn = draw(st.lists(criteria(generated, now), min_size=5, max_size=15))
    return generated, drawn, now, draw(st.sampled_from((1, 3, matching.KEPT_FROM)))


def _clear(session) -> None:
    """An empty catalogue, and no in-memory snapshot left from the previous example."""
    session.execute(delete(TenderChange))
    session.execute(delete(Tender))
    session.execute(delete(Buyer))
    session.flush()
    SNAPSHOTS.clear()


def _with_buyers(session, found: Criteria, names: tuple[str, ...]) -> Criteria:
    if not names:
        return found
    ids = dict(session.execute(select(Buyer.name_key, Buyer.id)).all())
    return replace(found, buyers=tuple(ids.get(buyer_key(name), MISSING_BUYER) for name in names))


def _index(session) -> MatchIndex:
    return MatchIndex(
        regions=[code for code in REGION_LABELS if code != NATIONAL],
        provinces=list(load_gazetteer().provinces),
        frequencies=engine.token_frequencies(session=session),
    )


def _agree(session, index: MatchIndex, searches: dict, tenders: list, now: datetime) -> None:
    """The index, the naive loop and the search service select the same tenders."""
    found = index.match(tenders, now)
    assert found == naive_match(searches, tenders, now)
    for search_id, search in searches.items():
        matched = {tender_id for tender_id, ids in found.items() if search_id in ids}
        expected = matching_ids(session=session, criteria=search, now=now)
        assert matched == expected, (search, sorted(matched), sorted(expected))


def _check(session, generated: list[Notice], drawn: list, now: datetime, kept_from: int) -> None:
    with patch.object(matching, "KEPT_FROM", kept_from):
        _check_index(session, generated, drawn, now)


def _check_index(session, generated: list[Notice], drawn: list, now: datetime) -> None:
    _clear(session)
    report = import_reading(
        session=session, reading=Reading(len(generated), iter(generated)), now=NOW
    )
    assert report.rejected == []
    searches: dict[int, Criteria] = {}
    for given_criteria, names in drawn:
        raw = _with_buyers(session, given_criteria, names)
        searches[len(searches) + 1] = raw
        searches[len(searches) + 1] = alert_criteria(raw)
    tenders = [engine.facts(row) for row in session.execute(select(*engine.FACT_COLUMNS))]
    index = _index(session)
    for search_id, search in searches.items():
        # A search changed since it was indexed, and one deleted, leave nothing behind.
        index.put(search_id, Criteria(text="matériel", regions=(NATIONAL,)))
        index.put(search_id, search)
    index.put(0, Criteria())
    index.remove(0)
    _agree(session, index, searches, tenders, now)
    # Patched after matching (as the job does between runs): a third removed, a third given
    # another search's criteria, one added in a freed slot.
    ids = sorted(searches)
    for position, search_id in enumerate(ids):
        if position % 3 == 0:
            index.remove(search_id)
            del searches[search_id]
        elif position % 3 == 1:
            searches[search_id] = searches.get(ids[(position + 1) % len(ids)], Criteria())
            index.put(search_id, searches[search_id])
    searches[len(ids) + 1] = Criteria(text="bureau")
    index.put(len(ids) + 1, searches[len(ids) + 1])
    _agree(session, index, searches, tenders, now)


def test_the_engine_matches_what_the_search_service_finds(session):
    dialect = session.get_bind().dialect.name

    @settings(
        max_examples=EXAMPLES[dialect],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=cases())
    def property_holds(case):
        _check(session, *case)

    property_holds()
