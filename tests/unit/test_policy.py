"""Published texts: versioned, complete in three languages, filled from the legal identity."""

from __future__ import annotations

import re
from datetime import date

import pytest

from oktra.i18n import LANGUAGES
from oktra.privacy.cookies import STORAGE_KEYS
from oktra.privacy.policy import (
    DOCUMENTS,
    Block,
    load_source,
    parse_blocks,
    render_document,
    retention_blocks,
)
from oktra.privacy.registry import REGISTRY
from oktra.settings import load_settings

SEED_SECTIONS = [
    "controller",
    "data_collected",
    "purposes",
    "legal_basis",
    "recipients",
    "transfers",
    "retention",
    "security",
    "rights",
    "cookies",
    "changes",
    "contact",
]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_the_privacy_policy_carries_the_version_that_renders_the_enforced_retention_rules():
    meta = load_source("privacy")["meta"]
    assert (meta["version"], meta["last_updated"]) == ("2026-11-29", date(2026, 11, 29))
    assert meta["reference_language"] == "en"
    assert meta["draft"] is False


def test_the_privacy_policy_has_the_twelve_seed_sections_in_order():
    sections = load_source("privacy")["sections"]
    assert [section["id"] for section in sections] == SEED_SECTIONS
    assert [section["number"] for section in sections] == list(range(1, 13))


def test_the_terms_of_use_are_a_labelled_versioned_draft():
    document = render_document("terms", "fr", load_settings())
    assert document.draft
    assert document.version.endswith("draft")


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_section_exists_in_every_language_with_the_same_placeholders(name):
    source = load_source(name)
    for part in [
        source["intro"],
        *[s["title"] for s in source["sections"]],
        *[s["body"] for s in source["sections"]],
    ]:
        assert set(part) >= set(LANGUAGES)
        reference = set(PLACEHOLDER.findall(part["en"]))
        for lang in LANGUAGES:
            assert part[lang].strip()
            assert set(PLACEHOLDER.findall(part[lang])) == reference


def test_legal_identity_settings_fill_the_controller_section(monkeypatch):
    monkeypatch.setenv("OKTRA_SHARE_CAPITAL", "100 000")
    monkeypatch.setenv("OKTRA_RC_NUMBER", "512345")
    monkeypatch.setenv("OKTRA_ICE_NUMBER", "002345678000012")
    document = render_document("privacy", "en", load_settings())
    controller = _text(document.sections[0].blocks)
    assert "100 000" in controller
    assert "512345" in controller
    assert "002345678000012" in controller
    assert "{" not in controller


@pytest.mark.parametrize(("lang", "marker"), [("en", "[to be completed]"), ("fr", "[à compléter]")])
def test_unset_identity_shows_a_visible_to_be_completed_marker(lang, marker):
    document = render_document("privacy", lang, load_settings())
    assert marker in _text(document.sections[0].blocks)


def test_retention_section_lists_every_registered_category():
    document = render_document("privacy", "en", load_settings())
    retention = next(s for s in document.sections if s.id == "retention")
    generated = retention.blocks[-1]
    assert generated == retention_blocks("en")[0]
    assert len(generated.items) == len(REGISTRY)
    assert (
        "Account data (Providing and managing the OKTRA service): As long as the account "
        "exists, then erased 30 days after it is closed" in generated.items
    )


def test_markup_becomes_paragraphs_headings_and_lists():
    blocks = parse_blocks("Intro line\ncontinues.\n\n### Account Data\n- one\n- two\nAfter.")
    assert blocks == (
        Block("p", text="Intro line continues."),
        Block("h3", text="Account Data"),
        Block("ul", items=("one", "two")),
        Block("p", text="After."),
    )


def _text(blocks) -> str:
    return " ".join([block.text for block in blocks] + [i for b in blocks for i in b.items])


def _section(document, section_id: str) -> str:
    return _text(next(s for s in document.sections if s.id == section_id).blocks)


def test_sections_5_6_and_8_say_what_a_local_deployment_uses(monkeypatch):
    monkeypatch.setenv("OKTRA_AUTH_PROVIDER", "local")
    document = render_document("privacy", "en", load_settings())
    assert "Firebase" not in _section(document, "recipients")
    assert "Firebase" not in _section(document, "transfers")
    assert "bcrypt) for every account" in _section(document, "security")


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_sections_5_6_and_8_name_firebase_when_the_deployment_uses_it(monkeypatch, lang):
    monkeypatch.setenv("OKTRA_AUTH_PROVIDER", "firebase")
    document = render_document("privacy", lang, load_settings())
    assert "Firebase" in _section(document, "recipients")
    assert "Firebase" in _section(document, "transfers")
    assert "Firebase" in _section(document, "security")
    assert "bcrypt" in _section(document, "security")


def test_section_6_names_the_regions_this_deployment_is_configured_for(monkeypatch):
    monkeypatch.setenv("OKTRA_EMAIL_BACKEND", "ses")
    monkeypatch.setenv("OKTRA_SES_REGION", "eu-west-3")
    monkeypatch.setenv("OKTRA_HOSTING_REGION", "eu-central-1")
    document = render_document("privacy", "en", load_settings())
    transfers = _section(document, "transfers")
    assert "region eu-central-1 (Frankfurt, Germany): hosting" in transfers
    assert "region eu-west-3 (Paris, France): email sending via Amazon SES" in transfers
    assert "eu-north-1" not in transfers


def test_section_6_names_no_email_service_where_none_is_configured(monkeypatch):
    monkeypatch.setenv("OKTRA_EMAIL_BACKEND", "outbox")
    transfers = _section(render_document("privacy", "fr", load_settings()), "transfers")
    assert "Amazon SES" not in transfers
    assert "eu-north-1" in transfers


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_section_10_lists_every_registered_cookie_and_storage_key(lang):
    cookies = _section(render_document("privacy", lang, load_settings()), "cookies")
    for key in STORAGE_KEYS:
        assert key.name in cookies
