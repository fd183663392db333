"""One running app per test run (reflex.testing.AppHarnessProd), driven by Playwright on the
Debian Chromium (/usr/bin/chromium; Playwright's own browser download is never used)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from reflex.testing import AppHarnessProd

from oktra import migrations
from oktra.db import session_scope
from oktra.demo import load_demo
from oktra.integrations.firebase import EMULATOR_ENV
from oktra.privacy.cookies import CONSENT_COOKIE
from oktra.settings import get_settings
from tests.unit.integrations.conftest import firebase_emulator  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="session")
def app_harness(tmp_path_factory) -> Iterator[AppHarnessProd]:
    """The whole app, built for production and served on free local ports."""
    data = tmp_path_factory.mktemp("e2e-data")
    database_url = f"sqlite:///{data / 'oktra.db'}"
    os.environ.update(
        {"OKTRA_ENV": "test", "OKTRA_DATABASE_URL": database_url, "OKTRA_LOG_LEVEL": "WARNING"}
    )
    get_settings.cache_clear()
    migrations.upgrade(database_url)
    with session_scope() as session:
        load_demo(session=session)
    harness = AppHarnessProd.create(root=ROOT, app_name="oktra")
    harness.start()
    try:
        yield harness
    finally:
        harness.stop()


@pytest.fixture(params=["local", "firebase"])
def auth_provider(request: pytest.FixtureRequest, app_harness) -> Iterator[str]:
    """The running app switched to a sign-in provider (settings are read per request)."""
    if request.param == "firebase":
        host = request.getfixturevalue("firebase_emulator")
        os.environ.update({"OKTRA_AUTH_PROVIDER": "firebase", EMULATOR_ENV: host})
    get_settings.cache_clear()
    try:
        yield request.param
    finally:
        os.environ.pop(EMULATOR_ENV, None)
        os.environ["OKTRA_AUTH_PROVIDER"] = "local"
        get_settings.cache_clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class PageWatch:
    """What a page printed to the console and which hosts it reached."""

    def __init__(self, page: Page) -> None:
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._on_request)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_request(self, request) -> None:
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
            self.outside_requests.append(request.url)


# A visitor who already answered the cookie banner (everything optional refused), so that the
# fixed banner covers nothing the other tests click; tests/e2e/test_consent.py starts without it.
ANSWERED_CONSENT = "1.e2e-answered-visitor-0001.00"


def new_page(browser: Browser, harness: AppHarnessProd) -> Page:
    """A page in a fresh browser context (only the consent cookie), watching console errors
    and requests; close it with `page.context.close()`."""
    context = browser.new_context(base_url=harness.frontend_url)
    context.add_cookies(
        [{"name": CONSENT_COOKIE, "value": ANSWERED_CONSENT, "url": harness.frontend_url}]
    )
    context.set_default_timeout(20_000)
    fresh = context.new_page()
    fresh.watch = PageWatch(fresh)  # type: ignore[attr-defined]
    return fresh


@pytest.fixture
def page(browser: Browser, app_harness: AppHarnessProd) -> Iterator[Page]:
    """A fresh page for the test (see new_page)."""
    fresh = new_page(browser, app_harness)
    yield fresh
    fresh.context.close()
