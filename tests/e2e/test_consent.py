"""The cookie banner in Chromium: a refusal stores and writes nothing optional, a consent starts
the audience measurement, a withdrawal from the footer stops it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func
from sqlmodel import select

from oktra.accounts.models import User
from oktra.db import session_scope
from oktra.demo import DEMO_EMAIL, DEMO_PASSWORD
from oktra.i18n import t
from oktra.privacy.consent import ANALYTICS
from oktra.privacy.cookies import CONSENT_COOKIE, STORAGE_KEYS
from oktra.privacy.models import AnalyticsEvent, ConsentRecord
from tests.e2e.conftest import PageWatch

PAGES = ("/fr/tenders", "/fr/contact", "/fr/privacy", "/fr/cookies", "/fr/terms")
STORAGE_NAMES = {
    kind: {key.name for key in STORAGE_KEYS if key.storage == kind}
    for kind in ("cookie", "localStorage", "sessionStorage")
}


@pytest.fixture
def visitor(browser: Browser, app_harness) -> Iterator[Page]:
    """A first visit: a browser context without any cookie, not even the consent cookie."""
    context = browser.new_context(base_url=app_harness.frontend_url)
    context.set_default_timeout(20_000)
    new_page = context.new_page()
    new_page.watch = PageWatch(new_page)  # type: ignore[attr-defined]
    yield new_page
    context.close()


def _events() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(AnalyticsEvent)).one()


def _wait_until(check: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return check()


def _browse(page: Page, paths: tuple[str, ...] = PAGES) -> None:
    for path in paths:
        page.goto(path)
        expect(page.locator("#page")).to_be_visible()
        page.wait_for_load_state("networkidle")


def _unregistered_keys(page: Page) -> dict[str, set[str]]:
    found = {
        "cookie": {cookie["name"] for cookie in page.context.cookies()},
        "localStorage": set(page.evaluate("Object.keys(window.localStorage)")),
        "sessionStorage": set(page.evaluate("Object.keys(window.sessionStorage)")),
    }
    return {kind: names - STORAGE_NAMES[kind] for kind, names in found.items()}


def _sign_in_and_out(page: Page) -> None:
    page.goto("/fr/signin")
    page.get_by_label("Adresse e-mail").fill(DEMO_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/fr/account"))
    expect(page.locator("#consent-banner")).to_have_count(0)
    page.locator("#signout-form").get_by_role("button").click()
    expect(page.locator("#nav-signin")).to_be_visible()


def _open_settings(page: Page) -> None:
    page.locator("#cookie-settings").click()
    expect(page.locator("#consent-banner")).to_be_visible()
    expect(page.locator("#consent-switches")).to_be_visible()


def test_the_three_answers_are_equally_prominent_at_360_px(visitor: Page):
    visitor.set_viewport_size({"width": 360, "height": 740})
    visitor.goto("/ar")
    banner = visitor.get_by_role("region", name=t("ar", "Cookie choice"))
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("dir", "rtl")
    boxes = [
        visitor.locator(f"#{name}").bounding_box()
        for name in ("consent-accept", "consent-reject", "consent-choose")
    ]
    assert all(box is not None for box in boxes)
    assert len({round(box["height"]) for box in boxes}) == 1
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 360 for box in boxes)
    visitor.locator("#consent-accept").focus()
    expect(visitor.locator("#consent-accept")).to_be_focused()
    assert visitor.watch.console_errors == []


def test_refusal_writes_and_stores_nothing_then_consent_counts_and_withdrawal_stops(
    visitor: Page,
):
    before = _events()
    visitor.goto("/fr")
    expect(visitor.locator("#consent-banner")).to_be_visible()
    assert CONSENT_COOKIE not in {cookie["name"] for cookie in visitor.context.cookies()}
    visitor.locator("#consent-reject").click()
    expect(visitor.locator("#consent-banner")).to_have_count(0)

    _browse(visitor)
    _sign_in_and_out(visitor)
    _browse(visitor, PAGES[:2])
    time.sleep(1)
    assert _events() == before
    assert _unregistered_keys(visitor) == {
        "cookie": set(),
        "localStorage": set(),
        "sessionStorage": set(),
    }
    with session_scope() as session:
        demo_id = session.exec(select(User.id).where(User.email == DEMO_EMAIL)).one()
        refusals = session.exec(
            select(ConsentRecord).where(
                ConsentRecord.user_id == demo_id, ConsentRecord.purpose == ANALYTICS
            )
        ).all()
    assert refusals and not refusals[-1].granted

    _open_settings(visitor)
    visitor.locator("#consent-switch-analytics").click()
    expect(visitor.locator("#consent-switch-analytics")).to_have_attribute("aria-checked", "true")
    visitor.locator("#consent-save").click()
    expect(visitor.locator("#consent-banner")).to_have_count(0)
    visitor.goto("/fr/tenders?q=btp")
    visitor.wait_for_load_state("networkidle")
    visitor.get_by_role("link", name="Contact").first.click()
    expect(visitor).to_have_url(re.compile(r"/fr/contact"))
    assert _wait_until(lambda: _events() >= before + 3)
    with session_scope() as session:
        paths = set(session.exec(select(AnalyticsEvent.path)).all())
    assert "/fr/tenders" in paths
    assert not any("?" in path for path in paths)

    _open_settings(visitor)
    visitor.locator("#consent-reject").click()
    expect(visitor.locator("#consent-banner")).to_have_count(0)
    time.sleep(1)
    stopped_at = _events()
    _browse(visitor, PAGES[2:])
    time.sleep(1)
    assert _events() == stopped_at
    assert _unregistered_keys(visitor)["cookie"] == set()
    assert visitor.watch.console_errors == []
    assert visitor.watch.outside_requests == []
