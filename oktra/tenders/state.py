"""Tender pages' state: the open tenders, and one tender with its history."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.state import AuthState
from oktra.db import session_scope
from oktra.tenders import views
from oktra.tenders.service import tender_history


class TenderListState(AuthState):
    """The open tenders, nearest deadline first."""

    tenders: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    loaded: bool = False

    @rx.event
    def load(self):
        """Read the open tenders in the page's language."""
        self._refresh()
        lang = self.page_lang
        with session_scope() as session:
            rows = views.latest_open(session=session)
            self.tenders = [views.tender_summary(tender, buyer, lang) for tender, buyer in rows]
        self.loaded = True


class TenderDetailState(AuthState):
    """One tender: every field, the demo-generated ones marked, and its history."""

    title: str = ""
    fields: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    history: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    found: bool = True

    @rx.event
    def load(self):
        """Read the tender named in the address."""
        self._refresh()
        lang = self.page_lang
        raw = str(self.router.page.params.get("tender_id", ""))
        with session_scope() as session:
            found = (
                views.tender_with_buyer(session=session, tender_id=int(raw))
                if (raw.isdigit())
                else None
            )
            if found is None:
                self.found, self.title, self.fields, self.history = False, "", [], []
                return
            tender, buyer = found
            self.found, self.title = True, tender.title
            self.fields = views.tender_fields(tender, buyer, lang)
            self.history = views.history_rows(
                tender_history(session=session, tender_id=tender.id), lang
            )
