"""The security headers of oktra/ops/headers.py against the built app in Chromium: no page breaks
a directive, the websocket still delivers, the checkout form still reaches the gateway.

AppHarnessProd serves the compiled frontend with its own static server, not with the production
server (where oktra/ops/headers_middleware.py adds the headers to every page). So each document
of the frontend's origin is answered here with the exact headers `security_headers` builds for
it, its inline scripts' hashes included, as the middleware would. Chromium treats a document
answered that way as coming from no local address, and its Local Network Access check would then
refuse the websocket to the backend on 127.0.0.1; this module's browser turns that check off (in
production the page and its websocket share one origin)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from reflex.config import get_config

from oktra.demo import DEMO_EMAIL, DEMO_PASSWORD
from oktra.ops.headers import inline_script_hashes, origin, security_headers
from oktra.settings import Settings
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, new_page
from tests.e2e.test_account_journey import _sign_in
from tests.e2e.test_billing_journey import APPROVED_CARD, _new_account, _pay_pro

RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.oktraViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ${event.documentURI}`
  );
});
"""
INJECT_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.body.appendChild(script);
}"""
STRIPPED = {"content-encoding", "content-length", "transfer-encoding"}


def _settings(frontend_url: str) -> Settings:
    """The site as the harness runs it: pages on the frontend's port, API and websocket on the
    backend's, checkout through the CMI simulator the backend serves."""
    return Settings(base_url=frontend_url, api_url=get_config().api_url)


def _with_policy(route: Route, settings: Settings) -> None:
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch()
    html = response.text()
    headers = {k: v for k, v in response.headers.items() if k.lower() not in STRIPPED}
    headers.update(security_headers(settings, inline_script_hashes(html)))
    route.fulfill(status=response.status, headers=headers, body=html)


@pytest.fixture(scope="module")
def local_browser(browser: Browser) -> Iterator[Browser]:
    """Headless Debian Chromium without the Local Network Access check (see above), started by
    the suite's Playwright."""
    args = [*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"]
    launched = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield launched
    launched.close()


@pytest.fixture
def guarded(local_browser: Browser, app_harness) -> Iterator[tuple[Page, list[str]]]:
    """A fresh page with the policy on every frontend document, and the violations it
    reports."""
    page = new_page(local_browser, app_harness)
    violations: list[str] = []
    settings = _settings(app_harness.frontend_url)
    page.context.expose_function("oktraViolation", lambda report: violations.append(report))
    page.context.add_init_script(RECORD_VIOLATIONS)
    frontend = origin(app_harness.frontend_url)
    page.route(lambda url: origin(url) == frontend, lambda route: _with_policy(route, settings))
    yield page, violations
    page.context.close()


def test_public_pages_search_and_a_tender_work_under_the_policy(guarded, app_harness):
    page, violations = guarded
    response = page.goto("/fr")
    assert response is not None
    headers = response.headers
    assert headers["content-security-policy"].startswith("default-src 'self'; script-src")
    assert headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in headers
    expect(page.locator("h1")).to_be_visible()

    page.goto("/fr/tenders?q=fourniture+informatique")
    expect(page.locator("#result-count")).to_be_visible()
    first = page.locator(".tender-card .tender-link").first
    expect(first).to_be_visible()
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/fr/tenders/\d+$"))
    expect(page.locator("h1")).to_have_text(title)

    page.goto(page.url)
    expect(page.locator("h1")).to_have_text(title)
    assert violations == []
    assert page.watch.console_errors == []


def test_sign_in_and_the_alerts_page_work_under_the_policy(guarded):
    page, violations = guarded
    _sign_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.goto("/fr/alerts")
    expect(page.locator("#no-alerts, .alert-card").first).to_be_visible()
    assert violations == []
    assert page.watch.console_errors == []


def test_the_checkout_form_posts_to_the_gateway_under_the_policy(guarded):
    page, violations = guarded
    _new_account(page, "csp")
    _pay_pro(page, APPROVED_CARD)
    expect(page.locator("#order-paid")).to_be_visible(timeout=20_000)
    assert violations == []
    assert page.watch.console_errors == []


def test_an_injected_inline_script_is_blocked_and_reported(guarded):
    page, violations = guarded
    page.goto("/fr")
    expect(page.locator("h1")).to_be_visible()
    page.evaluate(INJECT_INLINE_SCRIPT)
    for _ in range(50):
        if violations:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.injected") is None
    assert len(violations) == 1
    assert violations[0].startswith("script-src-elem blocked inline")
