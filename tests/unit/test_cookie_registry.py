"""The registry of cookies and browser storage keys behind the cookie policy page."""

from __future__ import annotations

import importlib
import pkgutil

import reflex as rx
from reflex.compiler.utils import compile_client_storage

import oktra
from oktra.privacy.cookies import (
    CONSENT_COOKIE,
    CONSENT_MAX_AGE_SECONDS,
    LANGUAGE_COOKIE,
    STORAGE_KEYS,
    CookieCategory,
    keys_by_category,
)


def test_the_language_cookie_is_essential_and_registered():
    [key] = [key for key in STORAGE_KEYS if key.name == LANGUAGE_COOKIE]
    assert key.category == CookieCategory.ESSENTIAL
    assert key.storage == "cookie"


def test_reflex_own_connection_token_is_registered():
    assert "token" in {key.name for key in STORAGE_KEYS if key.written_by == "Reflex"}


def test_every_category_appears_even_when_empty():
    grouped = keys_by_category()
    assert list(grouped) == list(CookieCategory)
    assert sum(len(keys) for keys in grouped.values()) == len(STORAGE_KEYS)


def test_names_are_unique_per_storage():
    pairs = [(key.storage, key.name) for key in STORAGE_KEYS]
    assert len(pairs) == len(set(pairs))


def test_the_consent_cookie_is_essential_and_kept_six_to_twelve_months():
    [key] = [key for key in STORAGE_KEYS if key.name == CONSENT_COOKIE]
    assert key.category == CookieCategory.ESSENTIAL
    assert key.storage == "cookie"
    assert 180 * 86400 <= CONSENT_MAX_AGE_SECONDS <= 365 * 86400


def test_every_browser_storage_var_of_every_state_is_registered():
    for module in pkgutil.walk_packages(oktra.__path__, "oktra."):
        if module.name.endswith("state"):
            importlib.import_module(module.name)
    declared = compile_client_storage(rx.State)
    storages = {"cookies": "cookie", "local_storage": "localStorage"}
    storages["session_storage"] = "sessionStorage"
    registered = {(key.storage, key.name) for key in STORAGE_KEYS}
    found = {
        (storages[kind], options["name"])
        for kind, entries in declared.items()
        for options in entries.values()
    }
    assert ("cookie", CONSENT_COOKIE) in found
    assert found <= registered


def test_reflex_own_storage_keys_are_registered():
    reflex_keys = {key.name for key in STORAGE_KEYS if key.written_by == "Reflex"}
    assert {"token", "theme", "react-router-scroll-positions"} <= reflex_keys
