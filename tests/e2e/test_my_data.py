"""The "My data" page in Chromium: read what OKTRA holds by category, object to product news,
get a copy of the data when the export job has built it, and delete the account with the
password (local and Firebase), ending on the deletion receipt, signed out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT
from tests.e2e.test_account_journey import PASSWORD, _sign_in, _sign_up


def _new_account(page: Page, label: str) -> str:
    email = f"mydata.{label}.{uuid.uuid4().hex[:8]}@atlas-travaux.ma"
    _sign_up(page, email)
    _sign_in(page, email, PASSWORD)
    return email


def _run_job(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "oktra", "jobs", "run", name],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_read_my_data_object_to_news_and_download_a_copy(page: Page, app_harness):
    email = _new_account(page, "access")
    page.locator("#account-my-data").click()
    expect(page).to_have_url(re.compile(r"/fr/my-data"))
    expect(page.get_by_role("heading", name="Mes données", level=1)).to_be_visible()

    categories = page.locator(".data-category")
    expect(categories.first).to_be_visible()
    account = categories.filter(has_text="Données de compte")
    account.locator("summary").click()
    expect(account.locator(".data-row").first).to_contain_text(email)

    news = page.locator("#switch-product-news")
    expect(news).to_have_attribute("aria-checked", "false")
    news.click()
    expect(news).to_have_attribute("aria-checked", "true")
    expect(page.locator("#objection [role=status]")).to_contain_text("enregistré")
    news.press("Space")
    expect(news).to_have_attribute("aria-checked", "false")
    page.reload()
    expect(page.locator("#switch-product-news")).to_have_attribute("aria-checked", "false")

    page.locator("#export-request").click()
    expect(page.locator("#export-progress")).to_be_visible()
    expect(page.locator("#export-request")).to_be_disabled()
    _run_job("build_exports")
    download_link = page.locator("#export-download")
    expect(download_link).to_be_visible(timeout=30_000)
    expect(page.locator("#export-expires")).to_be_visible()
    with page.expect_download() as started:
        download_link.click()
    assert started.value.suggested_filename.endswith(".zip")
    assert page.watch.console_errors == []


def test_a_visitor_is_asked_to_sign_in_first(page: Page, app_harness):
    page.goto("/fr/my-data")
    expect(page).to_have_url(re.compile(r"/fr/signin\?next=/fr/my-data"))


def test_delete_the_account_with_the_password_and_see_the_receipt(
    page: Page, app_harness, auth_provider: str
):
    email = _new_account(page, auth_provider)
    page.goto("/fr/my-data#deletion")
    expect(page.locator("#erased-items li").first).to_be_visible()
    expect(page.locator("#kept-items li").first).to_be_visible()

    form = page.locator("#delete-form")
    form.get_by_label("Votre mot de passe").fill("pas le bon mot de passe")
    form.locator("#confirm_email").fill(email)
    form.locator("#delete-account").click()
    expect(page.locator("#password-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/fr/my-data"))

    form.get_by_label("Votre mot de passe").fill(PASSWORD)
    form.locator("#confirm_email").fill(email)
    form.locator("#delete-account").click()
    expect(page).to_have_url(re.compile(r"/fr/my-data/erased/?\?receipt="), timeout=30_000)
    expect(page.locator("#receipt-reference")).to_contain_text("ER-")
    expect(page.locator("#nav-signin")).to_be_visible()
    assert not any(c["name"] == "oktra_session" for c in page.context.cookies())

    page.goto("/fr/signin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#password-error")).to_be_visible()
