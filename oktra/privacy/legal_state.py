"""The legal pages' state: the version in force from the database, and every past version."""

from __future__ import annotations

from datetime import date

import reflex as rx

from oktra.accounts.state import AuthState
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import N_, format_date, t
from oktra.privacy import versions
from oktra.privacy.models import PolicyVersion

LAST_UPDATED = N_("Last updated: {date} · Version {version}")


class LegalState(AuthState):
    """Which version a legal page shows; the stored text when it is not the one built in."""

    stored_shown: bool = False
    heading: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    versions: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    selected: str = ""
    current: str = ""
    missing: bool = False

    @property
    def _document(self) -> str:
        parts = [part for part in self.router.url.path.split("/") if part]
        return "terms" if len(parts) > 1 and parts[1] == "terms" else "privacy"

    def _show(self, version: PolicyVersion) -> None:
        lang = self.page_lang
        rendered = version.rendered.get(lang) or version.rendered.get("en", {})
        updated = date.fromisoformat(str(rendered.get("last_updated", "")) or "2000-01-01")
        self.heading = t(lang, LAST_UPDATED).format(
            date=format_date(updated, lang), version=version.version
        )
        self.rows = versions.document_rows(rendered)

    @rx.event
    def open_page(self):
        """/{lang}/privacy and /{lang}/terms: the stored text when the version in force is not
        the one this deployment ships (deployed, not yet published)."""
        self._refresh()
        document = self._document
        with session_scope() as session:
            current = versions.current_version(session=session, document=document, now=utc_now())
            self.current = current.version
            self.stored_shown = current.version != versions.shipped_version(document)
            if self.stored_shown:
                self._show(current)
            else:
                self.rows, self.heading = [], ""

    @rx.event
    def open_versions(self):
        """/{lang}/privacy/versions[?v=...]: the list of versions and the one asked for."""
        self._refresh()
        lang, document = self.page_lang, self._document
        wanted = str(self.router.url.query_parameters.get("v", ""))[:40]
        self.rows, self.heading, self.missing = [], "", False
        with session_scope() as session:
            current = versions.current_version(session=session, document=document, now=utc_now())
            self.current = current.version
            rows = versions.list_versions(session=session, document=document)
            self.versions = [
                {
                    "version": row.version,
                    "published": format_date(row.published_at.date(), lang),
                    "url": f"/{lang}/{document}/versions?v={row.version}",
                    "current": "yes" if row.id == current.id else "",
                }
                for row in rows
            ]
            self.selected = wanted or current.version
            chosen = versions.find_version(session=session, document=document, version=wanted)
            if wanted and chosen is None:
                self.missing = True
                return
            self._show(chosen or current)
