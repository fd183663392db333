"""The registry of every cookie and browser-storage key that OKTRA or Reflex writes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oktra.i18n import N_

LANGUAGE_COOKIE = "oktra_lang"
SESSION_COOKIE = "oktra_session"
STAFF_COOKIE = "oktra_staff"
CONSENT_COOKIE = "oktra_consent"
ONE_YEAR_SECONDS = 365 * 24 * 3600
CONSENT_MAX_AGE_SECONDS = 182 * 24 * 3600


class CookieCategory(StrEnum):
    """The three categories of policy section 10."""

    ESSENTIAL = "essential"
    ANALYTICS = "analytics"
    FUNCTIONAL = "functional"


@dataclass(frozen=True)
class StorageKey:
    """One cookie or storage key: where it lives, why, for how long, and who writes it."""

    name: str
    storage: str
    category: CookieCategory
    purpose: str
    lifetime: str
    written_by: str


CATEGORY_TITLES = {
    CookieCategory.ESSENTIAL: N_("Essential cookies"),
    CookieCategory.ANALYTICS: N_("Analytics cookies"),
    CookieCategory.FUNCTIONAL: N_("Functional cookies"),
}

CATEGORY_DESCRIPTIONS = {
    CookieCategory.ESSENTIAL: N_(
        "Necessary for the site to function (session, language, security)."
    ),
    CookieCategory.ANALYTICS: N_("Anonymized audience measurement, only with your consent."),
    CookieCategory.FUNCTIONAL: N_("User interface preferences, only with your consent."),
}

STORAGE_KEYS: tuple[StorageKey, ...] = (
    StorageKey(
        name=SESSION_COOKIE,
        storage="cookie",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Keeps you signed in (HttpOnly, unreadable by scripts)."),
        lifetime=N_("30 days at most; ends when you sign out"),
        written_by="OKTRA",
    ),
    StorageKey(
        name=STAFF_COOKIE,
        storage="cookie",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Keeps OKTRA staff signed in to the back office (HttpOnly, SameSite=Strict)."),
        lifetime=N_("10 hours at most; 30 minutes without use"),
        written_by="OKTRA",
    ),
    StorageKey(
        name=LANGUAGE_COOKIE,
        storage="cookie",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Remembers the language you chose."),
        lifetime=N_("1 year"),
        written_by="OKTRA",
    ),
    StorageKey(
        name=CONSENT_COOKIE,
        storage="cookie",
        category=CookieCategory.ESSENTIAL,
        purpose=N_(
            "Remembers your cookie choice and a random identifier of this browser, written only "
            "once you choose; with your analytics consent, that identifier (hashed with a salt "
            "deleted every day) also counts visits."
        ),
        lifetime=N_("6 months"),
        written_by="OKTRA",
    ),
    StorageKey(
        name="token",
        storage="sessionStorage",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Connects this browser tab to the server."),
        lifetime=N_("Until the tab is closed"),
        written_by="Reflex",
    ),
    StorageKey(
        name="reflex_last_reloaded_on_error",
        storage="sessionStorage",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Prevents reload loops after an error."),
        lifetime=N_("Until the tab is closed"),
        written_by="Reflex",
    ),
    StorageKey(
        name="react-router-scroll-positions",
        storage="sessionStorage",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Restores the scroll position when you go back to a page."),
        lifetime=N_("Until the tab is closed"),
        written_by="Reflex",
    ),
    StorageKey(
        name="react-router-manifest-version",
        storage="sessionStorage",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Reloads the page once when the site has been updated."),
        lifetime=N_("Until the tab is closed"),
        written_by="Reflex",
    ),
    StorageKey(
        name="remix-router-transitions",
        storage="sessionStorage",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("Keeps page transitions smooth within the tab."),
        lifetime=N_("Until the tab is closed"),
        written_by="Reflex",
    ),
    StorageKey(
        name="theme",
        storage="localStorage",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("The colour scheme the pages are drawn with (light, dark or system)."),
        lifetime=N_("Until you clear your browser data"),
        written_by="Reflex",
    ),
    StorageKey(
        name="last_compiled_theme",
        storage="localStorage",
        category=CookieCategory.ESSENTIAL,
        purpose=N_("The default colour scheme of the site (development builds only)."),
        lifetime=N_("Until you clear your browser data"),
        written_by="Reflex",
    ),
)


def keys_by_category() -> dict[CookieCategory, list[StorageKey]]:
    """Registered keys grouped by category, every category present."""
    return {
        category: [key for key in STORAGE_KEYS if key.category == category]
        for category in CookieCategory
    }
