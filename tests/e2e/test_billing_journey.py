"""Paying for a plan in Chromium, against the CMI simulator the app serves: the card is typed
on the gateway's page, the callback reaches the app server to server, the browser comes back
to the order page, which shows the order as the callback left it."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.test_account_journey import PASSWORD, _sign_in, _sign_up

APPROVED_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"


def _new_account(page: Page, label: str) -> None:
    email = f"billing.{label}.{uuid.uuid4().hex[:8]}@atlas-travaux.ma"
    _sign_up(page, email)
    _sign_in(page, email, PASSWORD)


def _pay_pro(page: Page, card: str, mode: str = "normal") -> None:
    page.goto("/fr/billing")
    expect(page.locator("#current-plan")).to_be_visible()
    page.locator("#choose-pro").click()
    expect(page.locator("#card-number")).to_be_visible(timeout=20_000)
    page.locator("#card-number").fill(card)
    page.locator("#card-expiry").fill("12/39")
    page.locator("#card-cvc").fill("123")
    page.locator("#callback-mode").select_option(mode)
    page.locator("#pay").click()
    expect(page).to_have_url(re.compile(r"/fr/billing/order/?\?oid="), timeout=30_000)


def test_pay_pro_by_card_see_it_active_and_download_the_invoice(page: Page, app_harness):
    _new_account(page, "approve")
    page.goto("/fr/billing")
    expect(page.locator("#current-plan")).to_contain_text("Gratuit")
    expect(page.locator("#no-payments")).to_be_visible()

    _pay_pro(page, APPROVED_CARD)
    expect(page.locator("#order-paid")).to_be_visible(timeout=20_000)
    expect(page.locator("#order-plan")).to_contain_text("Pro")
    with page.expect_download() as started:
        page.locator("#invoice-download").click()
    assert started.value.suggested_filename.startswith("OKT-")
    assert started.value.suggested_filename.endswith(".pdf")

    page.goto("/fr/billing")
    expect(page.locator("#current-plan")).to_contain_text("Pro")
    expect(page.locator("#payments")).to_contain_text("Payé")
    assert page.watch.console_errors == []


def test_a_declined_card_leaves_free_and_a_late_callback_turns_pending_into_paid(
    page: Page, app_harness
):
    _new_account(page, "decline")
    _pay_pro(page, DECLINED_CARD)
    expect(page.locator("#order-failed")).to_be_visible(timeout=20_000)
    page.goto("/fr/billing")
    expect(page.locator("#current-plan")).to_contain_text("Gratuit")

    _pay_pro(page, APPROVED_CARD, mode="late")
    expect(page.locator("#order-pending")).to_be_visible()
    expect(page.locator("#order-paid")).to_be_visible(timeout=30_000)
    expect(page.locator("#order-plan")).to_contain_text("Pro")
