"""Public pages in Chromium: the home page, the policy in three languages, the language choice."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from oktra.privacy.registry import REGISTRY

LANGUAGES = {
    "fr": ("ltr", "Politique de confidentialité", "Responsable du traitement"),
    "en": ("ltr", "Privacy policy", "Data Controller"),
    "ar": ("rtl", "سياسة الخصوصية", None),
}


def test_home_renders_without_console_errors(page: Page):
    page.goto("/fr")
    expect(page.locator("#hero-title")).to_have_text(
        "Ne manquez plus aucun appel d'offres public au Maroc."
    )
    expect(page.locator("#plan-pro")).to_contain_text("199,00")
    expect(page.locator("footer")).to_contain_text("EXOS DATA SARL")
    page.wait_for_load_state("networkidle")
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_policy_renders_in_each_language_with_its_direction(page: Page, lang: str):
    direction, title, controller = LANGUAGES[lang]
    page.goto(f"/{lang}/privacy")
    frame = page.locator("#page")
    expect(frame).to_have_attribute("dir", direction)
    expect(frame).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#controller h2")).to_be_visible()
    if controller:
        expect(page.locator("#controller h2")).to_contain_text(controller)
    expect(page.locator("#retention li")).to_have_count(len(REGISTRY))
    expect(page.locator("#document-version")).to_contain_text("2026")
    notice = page.locator("#prevailing-notice")
    if lang == "en":
        expect(notice).to_have_count(0)
    else:
        expect(notice.get_by_role("link")).to_have_attribute("href", "/en/privacy")
    assert page.watch.console_errors == []


def test_language_choice_survives_a_reload(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/fr$"))
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/en$"))
    expect(page.locator("#hero-title")).to_have_text("Never miss a Moroccan public tender again.")
    page.reload()
    expect(page.locator("#hero-title")).to_have_text("Never miss a Moroccan public tender again.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en$"))
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["oktra_lang"] == "en"


def test_switching_language_keeps_the_page(page: Page):
    page.goto("/fr/cookies")
    page.get_by_role("button", name="العربية").click()
    expect(page).to_have_url(re.compile(r"/ar/cookies$"))
    expect(page.locator("#page")).to_have_attribute("dir", "rtl")
    expect(page.locator("#cookies-essential")).to_contain_text("oktra_lang")


def test_health_route_reports_the_schema_is_current(app_harness):
    backend = app_harness.backend.servers[0].sockets[0].getsockname()
    response = httpx.get(f"http://{backend[0]}:{backend[1]}/health", timeout=10)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
