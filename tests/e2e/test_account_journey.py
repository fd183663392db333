"""The whole account journey in Chromium, as a customer lives it, for both sign-in providers."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, Page, expect

PASSWORD = "marchés publics 2026 Casablanca"
NEW_PASSWORD = "appels d'offres de Tanger en juillet"


def _link_from_mailbox(page: Page, subject: str, to_address: str) -> str:
    """The link in the newest message with this subject to this address."""
    page.goto("/dev/mailbox")
    row = page.locator("tr", has_text=to_address).filter(has_text=subject).first
    row.locator(".mail-subject").click()
    expect(page.locator("#read h2")).to_have_text(subject)
    text = page.locator("#mail-text").inner_text()
    return re.search(r"https?://\S+(?:token|oobCode)=\S+", text).group(0)


def _open_link_from_mailbox(page: Page, subject: str, to_address: str) -> None:
    """Follow the emailed link as the reader would; Firebase's own link goes through the
    emulator first, which answers with a redirect to OKTRA's page."""
    link = _link_from_mailbox(page, subject, to_address)
    if "oobCode=" in link:
        link = httpx.get(link, follow_redirects=False, timeout=10).headers["location"]
    parts = urlsplit(link)
    page.goto(f"{parts.path}?{parts.query}")


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/fr/signin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/fr/account"))
    # The page is live (hydrated, its state applied) before anything is typed into it.
    expect(page.locator("#nav-account")).to_be_visible()


def _sign_up(page: Page, email: str) -> None:
    page.goto("/fr/signup")
    page.get_by_label("Nom complet").fill("Youssef <b>El Amrani</b>")
    page.get_by_label("Adresse e-mail").fill(email.upper())
    page.get_by_label("Entreprise (facultatif)").fill("Atlas Travaux SARL")
    page.get_by_label("Téléphone (facultatif)").fill("06 12 34 56 78")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("#accept_terms").click()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#signup-done")).to_contain_text(email.upper())


def test_sign_up_verify_edit_reset_and_revoke(
    page: Page, browser: Browser, app_harness, auth_provider: str
):
    email = f"youssef.{auth_provider}.{uuid.uuid4().hex[:8]}@atlas-travaux.ma"

    _sign_up(page, email)
    expect(page.locator("#nav-signin")).to_be_visible()
    _open_link_from_mailbox(page, "Confirmez votre adresse e-mail", email)
    expect(page.locator("#verify-result")).to_contain_text("confirmée")

    _sign_in(page, email, PASSWORD)
    expect(page.locator("#nav-account")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "oktra_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("oktra_session") == -1
    expect(page.get_by_label("Nom complet")).to_have_value("Youssef <b>El Amrani</b>")
    expect(page.locator("#verify-banner")).to_have_count(0)

    page.locator("#signout-form").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/fr/?$"))
    expect(page.locator("#nav-signin")).to_be_visible()

    _sign_in(page, email, PASSWORD)
    expect(page.get_by_label("Adresse e-mail")).to_have_value(email)
    new_email = f"contact.{uuid.uuid4().hex[:8]}@atlas-travaux.ma"
    page.get_by_label("Nom complet").fill("Youssef El Amrani")
    page.get_by_label("Adresse e-mail").fill(new_email)
    page.get_by_label("Entreprise (facultatif)").fill("Atlas Travaux & Fils")
    page.get_by_label("Téléphone (facultatif)").fill("+212 5 22 12 34 56")
    page.locator("#language").select_option("en")
    page.locator("#sector_construction").click()
    page.locator("#region_casablanca-settat").click()
    expect(page.get_by_label("Nom complet")).to_have_value("Youssef El Amrani")
    page.get_by_role("button", name="Enregistrer mes modifications").click()
    expect(page.locator("#account-notice")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Adresse e-mail")).to_have_value(new_email)
    expect(page.get_by_label("Téléphone (facultatif)")).to_have_value("+212522123456")
    expect(page.get_by_label("Entreprise (facultatif)")).to_have_value("Atlas Travaux & Fils")
    expect(page.locator("#language")).to_have_value("en")
    expect(page.locator("#sector_construction")).to_have_attribute("data-state", "checked")
    expect(page.locator("#region_casablanca-settat")).to_have_attribute("data-state", "checked")
    expect(page.locator("#verify-banner")).to_be_visible()

    page.goto("/dev/mailbox")
    expect(page.locator("tr", has_text=email).filter(has_text="a changé")).to_have_count(1)

    page.goto("/fr/account")
    page.locator("#signout-form").get_by_role("button").click()
    expect(page.locator("#nav-signin")).to_be_visible()
    page.goto("/fr/forgot")
    page.get_by_label("Adresse e-mail").fill(new_email)
    page.get_by_role("button", name="Envoyer le lien").click()
    expect(page.locator("#forgot-message")).to_be_visible()
    if auth_provider == "firebase":
        link = _link_from_mailbox(page, "Reset your OKTRA password", new_email)
        assert "mode=resetPassword" in link
        # Firebase's hosted page takes the new password; the emulator takes it as a parameter.
        chosen = httpx.get(
            httpx.URL(link).copy_merge_params({"newPassword": NEW_PASSWORD}), timeout=10
        )
        assert chosen.status_code in (200, 303)
    else:
        _open_link_from_mailbox(page, "Reset your OKTRA password", new_email)
        expect(page).to_have_url(re.compile(r"/en/reset"))
        page.get_by_label("New password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Save the new password").click()
        expect(page.locator("#reset-done")).to_be_visible()

    _sign_in(page, new_email, NEW_PASSWORD)
    other = browser.new_context(base_url=app_harness.frontend_url)
    other_page = other.new_page()
    _sign_in(other_page, new_email, NEW_PASSWORD)
    page.reload()
    expect(page.locator("#devices .rt-Card")).to_have_count(2)
    page.locator(".revoke-device").click()
    expect(page.locator("#devices .rt-Card")).to_have_count(1)
    other_page.goto("/fr/account")
    expect(other_page).to_have_url(re.compile(r"/fr/signin"))
    other.close()
    assert page.watch.console_errors == []


def test_wrong_password_and_unknown_email_get_the_same_message(page: Page):
    page.goto("/fr/signin")
    page.get_by_label("Adresse e-mail").fill("demo@oktra.ma")
    page.get_by_label("Mot de passe").fill("not the password at all")
    page.get_by_role("button", name="Se connecter").click()
    wrong = page.locator("#password-error")
    expect(wrong).to_be_visible()
    message = wrong.inner_text()
    page.get_by_label("Adresse e-mail").fill("nobody-here@oktra.ma")
    page.get_by_role("button", name="Se connecter").click()
    expect(wrong).to_have_text(message)


def test_signup_shows_each_problem_beside_its_field(page: Page):
    page.goto("/en/signup")
    page.get_by_label("Full name").fill("Y")
    page.get_by_label("Email address").fill("someone@intranet")
    page.get_by_label("Phone (optional)").fill("12")
    page.get_by_label("Password").fill("password1")
    page.get_by_role("button", name="Create my account").click()
    for field in ("full_name", "email", "phone", "password", "accept_terms"):
        expect(page.locator(f"#{field}-error")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Y")
