"""Alerts in the browser: save a search as an alert, import new matching tenders with the
ingestion command, see them on the alerts page with an unread count, open the Atom feed; get an
instant alert by email and pause it in one click."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from oktra.core.clock import MOROCCO, utc_now
from oktra.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import ROOT


def _sign_in(page: Page) -> None:
    page.goto("/fr/signin")
    page.get_by_label("Adresse e-mail").fill(DEMO_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/fr/account"))


def _new_notices(path, count: int) -> list[str]:
    """Open notices the saved search matches, as the portal would publish them."""
    deadline = (utc_now() + timedelta(days=20)).astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")
    published = utc_now().astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")
    titles = [f"Fourniture de matériel informatique pour le lot E2E-{n}" for n in range(count)]
    with path.open("w", encoding="utf-8") as handle:
        for number, title in enumerate(titles):
            record = {
                "reference": f"E2E-ALERT-{number}/2026",
                "objet": title,
                "acheteur": "COMMUNE DE TEMARA",
                "date_publication": published,
                "categorie": "FOURNITURES",
                "date_limite": deadline,
                "statut": "OUVERT",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return titles


def test_a_saved_search_collects_new_tenders_unread_and_in_its_feed(page: Page, tmp_path):
    _sign_in(page)
    page.goto("/fr/tenders?q=fourniture+informatique&category=supplies")
    expect(page.locator("#result-count")).to_be_visible()
    page.locator("#save-as-alert").click()
    expect(page).to_have_url(re.compile(r"/fr/alerts/edit/?\?q=fourniture"))
    expect(page.locator("#alert-text")).to_have_value("fourniture informatique")
    expect(page.locator("#category_supplies")).to_be_checked()
    page.locator("#alert-name").fill("Informatique E2E")
    page.locator("#frequency-instant").click()
    page.locator("#save-alert").click()
    expect(page).to_have_url(re.compile(r"/fr/alerts/?\?alert=\d+"))
    card = page.locator(".alert-card", has_text="Informatique E2E")
    expect(card).to_be_visible()
    expect(card.locator(".unread")).to_have_count(0)

    titles = _new_notices(tmp_path / "new.jsonl", 2)
    command = [
        sys.executable,
        "-m",
        "oktra",
        "tenders",
        "import",
        "--quiet",
        str(tmp_path / "new.jsonl"),
    ]
    done = subprocess.run(
        command, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "alerts:" in done.stdout

    page.reload()
    expect(card.locator(".unread")).to_contain_text("2")
    expect(page.locator(".match-card")).to_have_count(2)
    for title in titles:
        expect(page.locator(".match-card", has_text=title)).to_be_visible()
    page.locator("#mark-all-read").click()
    expect(card.locator(".unread")).to_have_count(0)

    card.locator(".new-feed").click()
    feed = page.locator("#feed-url")
    expect(feed).to_be_visible()
    answer = page.request.get(feed.get_attribute("href"))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    assert titles[0] in answer.text()
    assert page.watch.console_errors == []


def test_saving_an_alert_asks_a_visitor_to_sign_in_then_comes_back_to_the_form(page: Page):
    page.goto("/fr/alerts/edit?q=nettoyage&region=oriental")
    expect(page).to_have_url(re.compile(r"/fr/signin\?next=/fr/alerts/edit"))
    page.get_by_label("Adresse e-mail").fill(DEMO_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/fr/alerts/edit/?\?q=nettoyage&region=oriental"))
    expect(page.locator("#alert-text")).to_have_value("nettoyage")
    expect(page.locator("#region_oriental")).to_be_checked()


def _oktra(*arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "oktra", *arguments],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_instant_alert_arrives_by_email_and_one_click_pauses_it(
    page: Page, tmp_path, app_harness
):
    _sign_in(page)
    page.goto("/fr/alerts/edit?q=pompes+hydrauliques")
    expect(page.locator("#alert-text")).to_have_value("pompes hydrauliques")
    page.locator("#alert-name").fill("Pompes E2E")
    page.locator("#frequency-instant").click()
    page.locator("#save-alert").click()
    card = page.locator(".alert-card", has_text="Pompes E2E")
    expect(card).to_be_visible()
    expect(card.locator(".paused")).to_have_count(0)

    path = tmp_path / "pumps.jsonl"
    deadline = (utc_now() + timedelta(days=20)).astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")
    published = utc_now().astimezone(MOROCCO).strftime("%d/%m/%Y %H:%M")
    title = "Acquisition de pompes hydrauliques pour la station E2E"
    record = {
        "reference": "E2E-PUMPS-1/2026",
        "objet": title,
        "acheteur": "OFFICE NATIONAL E2E",
        "date_publication": published,
        "categorie": "FOURNITURES",
        "date_limite": deadline,
        "statut": "OUVERT",
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    _oktra("tenders", "import", "--quiet", str(path))
    _oktra("jobs", "run", "queue_instant_alerts")
    assert re.search(r"'sent': [1-9]", _oktra("jobs", "run", "send_emails"))

    page.goto("/dev/mailbox")
    page.locator(".mail-subject", has_text="Nouveaux appels d'offres").first.click()
    expect(page.locator("#mail-text")).to_contain_text(title)
    headers = page.locator("#mail-headers").inner_text()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in headers
    one_click = urlsplit(re.search(r"List-Unsubscribe: <([^>]+)>", headers).group(1)).path
    text = page.locator("#mail-text").inner_text()
    section = text.split("== Pompes E2E ==", 1)[1]
    visible = re.search(r"http\S+(/fr/unsubscribe\?token=\S+)", section).group(1)

    page.goto(visible)
    expect(page.locator("#unsubscribe-question")).to_contain_text("Pompes E2E")
    page.locator("#unsubscribe").click()
    expect(page.locator("#unsubscribe-outcome")).to_contain_text("en pause")
    page.locator("#undo").click()
    expect(page.locator("#unsubscribe-outcome")).to_contain_text("reprennent")

    host, port = app_harness.backend.servers[0].sockets[0].getsockname()[:2]
    answer = page.request.post(
        f"http://{host}:{port}{one_click}", form={"List-Unsubscribe": "One-Click"}
    )
    assert (answer.status, answer.text()) == (200, "Unsubscribed.")
    page.goto("/fr/alerts")
    card = page.locator(".alert-card", has_text="Pompes E2E")
    expect(card.locator(".paused")).to_be_visible()
    expect(card.locator(".paused-note")).to_contain_text("lien dans un e-mail")
    assert page.watch.console_errors == []
