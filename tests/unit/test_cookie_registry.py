"""The registry of cookies and browser storage keys behind the cookie policy page."""

from __future__ import annotations

from oktra.privacy.cookies import (
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
