"""The demo catalogue on screen: open tenders, every demo-generated field marked as such, the
source and similar past awards."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_open_tenders_list_marks_demo_notices_and_opens_one(page: Page):
    page.goto("/fr/tenders?status=open")
    cards = page.locator(".tender-card").filter(has=page.locator(".demo"))
    expect(cards.first).to_be_visible()
    expect(cards.first.locator(".demo")).to_have_text("Données de démo")
    title = cards.first.locator("h2").inner_text()
    cards.first.locator(".tender-link").click()
    expect(page).to_have_url(re.compile(r"/fr/tenders/\d+"))
    expect(page.locator("h1")).to_have_text(title)
    fields = page.locator(".tender-field")
    deadline = fields.filter(has_text="Date limite de remise des plis")
    expect(deadline.locator(".demo")).to_be_visible()
    buyer = fields.filter(has_text="Acheteur public")
    expect(buyer).to_be_visible()
    expect(buyer.locator(".demo")).to_have_count(0)
    assert page.watch.console_errors == []


def test_an_unknown_tender_says_so(page: Page):
    page.goto("/en/tenders/999999")
    expect(page.locator("#tender-missing")).to_be_visible()


def test_a_tender_page_shows_its_source_and_similar_past_awards(page: Page):
    page.goto("/en/tenders?q=fournitures+informatiques&status=open")
    demo = page.locator(".tender-card").filter(has=page.locator(".demo"))
    demo.first.locator(".tender-link").click()
    expect(page.locator("#tender-source")).to_contain_text("procurement portal")
    expect(page.locator("#tender-documents")).to_be_visible()
    awards = page.locator("#similar-awards tbody tr")
    expect(awards.first).to_be_visible()
    expect(awards.first).to_contain_text("MAD")
    assert page.watch.console_errors == []
