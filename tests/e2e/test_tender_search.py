"""Searching in the browser: words and two filters, open a result, come back to the same search;
the same in Arabic, at 360 px and with the keyboard alone."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

WIDE = "#facets-wide"


def _settled(page: Page) -> None:
    """Wait until the page shows the results of the address it is at."""
    query = urlsplit(page.url).query
    expect(page.locator("#results")).to_have_attribute("data-query", query)


def _search(page: Page, words: str) -> None:
    box = page.locator("#search-q")
    box.fill(words)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=fourniture\+informatique"))
    _settled(page)


def _pick(page: Page, facets: str, prefix: str) -> None:
    """Follow the first unselected value of a facet; wait for the address and the page to
    carry it (the facet lists are re-rendered in place)."""
    _settled(page)
    value = page.locator(f'{facets} a[data-facet^="{prefix}-"][aria-current="false"]').first
    code = value.get_attribute("data-facet").removeprefix(f"{prefix}-")
    value.click()
    expect(page).to_have_url(re.compile(rf"[?&]{prefix}={re.escape(code)}(&|$)"))
    _settled(page)


def _search_two_filters_open_and_come_back(page: Page, lang: str) -> None:
    page.goto(f"/{lang}/tenders")
    _search(page, "fourniture informatique")
    _pick(page, WIDE, "category")
    _pick(page, WIDE, "region")
    expect(page.locator(".active-filter")).to_have_count(2)
    address, count = page.url, page.locator("#result-count").inner_text()
    first = page.locator(".tender-card .tender-link").first
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(rf"/{lang}/tenders/\d+$"))
    expect(page.locator("h1")).to_have_text(title)
    page.go_back()
    expect(page).to_have_url(address)
    _settled(page)
    expect(page.locator("#search-q")).to_have_value("fourniture informatique")
    expect(page.locator(".active-filter")).to_have_count(2)
    expect(page.locator("#result-count")).to_have_text(count)
    expect(page.locator(f'{WIDE} a[aria-current="true"]')).to_have_count(2)


def test_search_with_two_filters_survives_opening_a_result_and_going_back(page: Page):
    _search_two_filters_open_and_come_back(page, "fr")
    expect(page.locator("h1")).to_have_text("Rechercher des appels d'offres")
    assert page.watch.console_errors == []


def test_the_same_search_in_the_arabic_layout(page: Page):
    _search_two_filters_open_and_come_back(page, "ar")
    expect(page.locator("#page")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("البحث عن الصفقات")
    assert page.watch.console_errors == []


def test_a_shared_address_reopens_the_whole_query(page: Page):
    page.goto("/en/tenders?q=fourniture+informatique&category=supplies&sort=newest")
    expect(page.locator("#search-q")).to_have_value("fourniture informatique")
    expect(page.locator(".active-filter")).to_have_count(1)
    expect(page.locator('.sort-link[aria-current="true"]')).to_have_text("Newest first")
    page.locator("#clear-filters").click()
    expect(page).to_have_url(re.compile(r"/en/tenders$"))
    expect(page.locator(".active-filter")).to_have_count(0)


def test_only_common_words_ask_for_a_better_word_and_nothing_matches_says_so(page: Page):
    page.goto("/en/tenders?q=de+la")
    expect(page.locator("#common-words")).to_contain_text("only common words")
    expect(page.locator(".tender-card")).to_have_count(0)
    page.goto("/en/tenders?q=zzzyxw")
    expect(page.locator("#no-results")).to_be_visible()
    page.goto("/en/tenders?min=abc")
    expect(page.get_by_text("The minimum budget is not an amount")).to_be_visible()
    expect(page.locator(".tender-card").first).to_be_visible()


def test_search_fits_a_360_px_screen_with_filters_folded(page: Page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/fr/tenders?q=fourniture+informatique")
    expect(page.locator(".tender-card").first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.locator("#facets-mobile")).to_be_hidden()
    page.locator("details summary", has_text="Filtres").click()
    _pick(page, "#facets-mobile", "category")
    expect(page.locator(".active-filter")).to_have_count(1)


def test_search_works_with_the_keyboard_alone(page: Page):
    page.goto("/en/tenders")
    page.locator("#search-q").focus()
    page.keyboard.type("fourniture informatique")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=fourniture\+informatique"))
    expect(page.locator("#result-count")).to_be_visible()
    facet = page.locator(f'{WIDE} a[data-facet^="category-"]').first
    facet.focus()
    expect(facet).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"category="))
    expect(page.locator(".active-filter")).to_have_count(1)
