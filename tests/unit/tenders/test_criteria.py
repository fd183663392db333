"""Criteria in a URL: every field round-trips, a bad value is dropped and named, never raised."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlencode

import pytest

from oktra.tenders.criteria import PAGE_PARAM, PARAMS, Criteria, Sort, from_params, to_params

EVERYTHING = Criteria(
    text='"matériel de bureau" ciment, gravier -informatique',
    categories=("works", "supplies"),
    sectors=("roads", "it"),
    regions=("souss-massa", "national"),
    provinces=("tiznit", "nador"),
    procedures=("Appel d'offres ouvert", "Bon de commande"),
    buyers=(12, 7),
    reserved_sme=True,
    budget_min=Decimal("100000"),
    budget_max=Decimal("999999.99"),
    published_from=date(2026, 2, 1),
    published_to=date(2026, 2, 28),
    deadline_min_days=2,
    deadline_max_days=30,
    statuses=("open", "postponed"),
    sort=Sort.DEADLINE,
)


def _through_url(criteria: Criteria, page: int = 1):
    """What the search page reads back from the address it wrote."""
    return from_params(parse_qs(urlencode(to_params(criteria, page)), keep_blank_values=True))


def test_every_field_round_trips_through_a_url():
    reading = _through_url(EVERYTHING, page=3)
    assert reading.criteria == EVERYTHING
    assert reading.page == 3
    assert reading.problems == []


def test_the_round_trip_example_sets_every_field():
    assert all(getattr(EVERYTHING, item.name) != item.default for item in fields(Criteria))
    assert {key for key, _ in to_params(EVERYTHING, 2)} == {*PARAMS.values(), PAGE_PARAM}


@pytest.mark.parametrize("name", [item.name for item in fields(Criteria)])
def test_each_field_alone_round_trips_and_writes_only_its_parameter(name):
    alone = Criteria(**{name: getattr(EVERYTHING, name)})
    params = to_params(alone)
    assert {key for key, _ in params} == {PARAMS[name]}
    assert _through_url(alone).criteria == alone


def test_default_criteria_write_no_parameter():
    assert to_params(Criteria()) == []
    assert to_params(Criteria(), page=1) == []
    assert from_params({}).criteria == Criteria()


def test_the_text_is_kept_as_typed_commas_included():
    for text in ("routes, pistes", "x,-y", ",".join(f"mot{n}" for n in range(80))):
        assert _through_url(Criteria(text=text)).criteria.text == text


def test_zero_is_a_value_written_and_read_back():
    zero = Criteria(budget_min=Decimal(0), deadline_min_days=0, deadline_max_days=0)
    assert dict(to_params(zero)) == {"min": "0", "dlmin": "0", "dl": "0"}
    assert _through_url(zero).criteria == zero
    assert zero.filtered


def test_comma_separated_and_repeated_parameters_are_read_alike():
    repeated = from_params({"category": ["works", "supplies"], "region": ["oriental"]})
    separated = from_params({"category": "works,supplies", "region": ["oriental"]})
    mixed = from_params({"category": ["works, supplies", "works"], "region": "oriental,"})
    assert repeated.criteria == separated.criteria == mixed.criteria
    assert repeated.criteria.categories == ("works", "supplies")
    assert repeated.criteria.regions == ("oriental",)


def test_buyers_are_read_as_ids_in_the_order_given_without_duplicates():
    assert from_params({"buyer": ["7,12", "7"]}).criteria.buyers == (7, 12)


@pytest.mark.parametrize(
    ("param", "value", "field"),
    [
        ("category", "ouvrages", "categories"),
        ("sector", "astronautics", "sectors"),
        ("region", "atlantis", "regions"),
        ("province", "paris", "provinces"),
        ("status", "maybe", "statuses"),
        ("buyer", "someone", "buyers"),
        ("buyer", "²", "buyers"),
        ("buyer", "9" * 5000, "buyers"),
    ],
)
def test_an_unknown_code_is_ignored_and_named_while_the_known_ones_stay(param, value, field):
    known = {"categories": "works", "sectors": "it", "regions": "oriental"}.get(field)
    known = known or {"provinces": "nador", "statuses": "open", "buyers": "3"}[field]
    reading = from_params({param: [value, known]})
    assert getattr(reading.criteria, field) == ((int(known),) if field == "buyers" else (known,))
    assert reading.problems == ["Some filters were not recognized and were ignored."]


@pytest.mark.parametrize(
    ("param", "value", "problem"),
    [
        ("min", "beaucoup", "The minimum budget is not an amount; it was ignored."),
        ("min", "-5", "The minimum budget is not an amount; it was ignored."),
        ("max", "NaN", "The maximum budget is not an amount; it was ignored."),
        ("max", "Infinity", "The maximum budget is not an amount; it was ignored."),
        ("max", "1e20", "The maximum budget is not an amount; it was ignored."),
        ("from", "2026-02-30", "The publication start date is not a date; it was ignored."),
        ("to", "hier", "The publication end date is not a date; it was ignored."),
        ("dl", "soon", "The deadline window is not a number of days; it was ignored."),
        ("dl", "-3", "The deadline window is not a number of days; it was ignored."),
        ("dl", "99999", "The deadline window is not a number of days; it was ignored."),
        ("dl", "²", "The deadline window is not a number of days; it was ignored."),
        ("dlmin", "9" * 5000, "The deadline window is not a number of days; it was ignored."),
    ],
)
def test_a_bad_value_is_dropped_with_a_problem_not_an_exception(param, value, problem):
    reading = from_params({param: value, "category": "works"})
    assert reading.problems == [problem]
    assert reading.criteria == Criteria(categories=("works",))


def test_amounts_accept_blanks_and_decimals():
    reading = from_params({"min": "100 000", "max": "2\u202f500\u202f000.50"})
    assert (reading.criteria.budget_min, reading.criteria.budget_max) == (
        Decimal("100000"),
        Decimal("2500000.50"),
    )
    assert reading.problems == []


def test_each_problem_is_named_once():
    reading = from_params({"category": "nope,never", "region": "atlantis", "buyer": "x"})
    assert reading.problems == ["Some filters were not recognized and were ignored."]


@pytest.mark.parametrize(
    ("value", "page"),
    [
        ("2", 2),
        ("10000", 10_000),
        ("10001", 1),
        ("0", 1),
        ("-2", 1),
        ("deux", 1),
        ("²", 1),
        ("9" * 5000, 1),
        ("", 1),
        (["4", "7"], 4),
    ],
)
def test_the_page_number_is_read_or_falls_back_to_the_first(value, page):
    assert from_params({PAGE_PARAM: value}).page == page


def test_the_first_page_is_not_written():
    assert PAGE_PARAM not in dict(to_params(Criteria(text="route"), page=1))
    assert dict(to_params(Criteria(text="route"), page=5))[PAGE_PARAM] == "5"


def test_an_unknown_sort_falls_back_to_the_default():
    assert from_params({"sort": "cheapest"}).criteria.sort is None
    assert from_params({"sort": "newest"}).criteria.sort == Sort.NEWEST


@pytest.mark.parametrize(("value", "reserved"), [("1", True), ("yes", True), ("0", False)])
def test_the_sme_flag_reads_yes_and_no(value, reserved):
    assert from_params({"sme": value}).criteria.reserved_sme is reserved


def test_overlong_values_are_cut_not_refused():
    reading = from_params({"q": "mot " * 5000, "procedure": "p" * 500})
    assert len(reading.criteria.text) == 10_000
    assert reading.criteria.procedures == ("p" * 60,)
    assert reading.problems == []


def test_without_resets_one_field_and_filtered_ignores_text_and_sort():
    assert EVERYTHING.without("regions").regions == ()
    assert EVERYTHING.without("budget_min").budget_min is None
    assert EVERYTHING.without("regions").provinces == EVERYTHING.provinces
    assert not Criteria(text="route", sort=Sort.NEWEST).filtered
    assert Criteria(reserved_sme=True).filtered
    assert Criteria(deadline_max_days=0).filtered
