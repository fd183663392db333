"""Tender pages' state: the search page, and one tender with its history."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from oktra.accounts.state import AuthState
from oktra.core.clock import utc_now
from oktra.db import reading_scope
from oktra.i18n import t
from oktra.tenders import search_views, views
from oktra.tenders.criteria import PAGE_PARAM, from_params
from oktra.tenders.service import tender_history
from oktra.tenders.similar import similar_awards

LOGGER = logging.getLogger(__name__)
# Search form field (a state var) -> URL parameter (criteria.PARAMS).
FORM_PARAMS = {
    "text": "q",
    "budget_min": "min",
    "budget_max": "max",
    "published_from": "from",
    "published_to": "to",
}
FORM_FIELDS = frozenset(FORM_PARAMS)


class TenderSearchState(AuthState):
    """The search page: everything it shows comes from its address (docs/search.md)."""

    text: str = ""
    budget_min: str = ""
    budget_max: str = ""
    published_from: str = ""
    published_to: str = ""
    cards: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    facets: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    chips: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    sorts: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    problems: list[str] = []  # noqa: RUF012 - Reflex state var
    total: int = -1
    summary: str = ""
    ignored: str = ""
    common_words_only: bool = False
    page_label: str = ""
    previous_href: str = ""
    next_href: str = ""
    clear_href: str = ""
    failed: bool = False
    loaded_query: str = ""

    @rx.var
    def alert_href(self) -> str:
        """The alert form, filled with this search's criteria (sign-in comes first if needed)."""
        return f"/{self.page_lang}/alerts/edit" + (
            f"?{self.loaded_query}" if self.loaded_query else ""
        )

    @rx.event
    def edit(self, name: str, value: str):
        """Keep what the user types in the search form's fields."""
        if name in FORM_FIELDS:
            setattr(self, name, str(value)[:10_000])

    @rx.event
    def load(self):
        """Run the search the address describes."""
        self._refresh_for_display()
        lang = self.page_lang
        self.loaded_query = self.router.url.query
        reading = from_params(parse_qs(self.loaded_query))
        criteria, now = reading.criteria, utc_now()
        self.text = criteria.text
        self.budget_min = str(criteria.budget_min) if criteria.budget_min is not None else ""
        self.budget_max = str(criteria.budget_max) if criteria.budget_max is not None else ""
        self.published_from = criteria.published_from.isoformat() if criteria.published_from else ""
        self.published_to = criteria.published_to.isoformat() if criteria.published_to else ""
        self.problems = [t(lang, problem) for problem in reading.problems]
        try:
            with reading_scope() as session:
                page = search_views.search_page(
                    session=session, lang=lang, criteria=criteria, page=reading.page, now=now
                )
        except SQLAlchemyError:
            LOGGER.exception("search failed")
            self.failed, self.total, self.cards, self.facets = True, 0, [], []
            return
        self.failed = False
        for name, value in page.items():
            setattr(self, name, value)

    @rx.event
    def submit(self, form_data: dict):
        """Apply the search form (words, amounts, dates) to the current address."""
        params = parse_qs(self.loaded_query)
        for field, key in FORM_PARAMS.items():
            params[key] = [str(getattr(self, field)).strip()]
        params.pop(PAGE_PARAM, None)
        reading = from_params(params)
        return rx.redirect(search_views.address(self.page_lang, reading.criteria))


class TenderDetailState(AuthState):
    """One tender: every field, the demo-generated ones marked, and its history."""

    title: str = ""
    fields: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    history: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    awards: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    source: str = ""
    documents_url: str = ""
    found: bool = True

    @rx.event
    def load(self):
        """Read the tender named in the address."""
        self._refresh_for_display()
        lang = self.page_lang
        raw = str(self.router.page.params.get("tender_id", ""))
        with reading_scope() as session:
            found = (
                views.tender_with_buyer(session=session, tender_id=int(raw))
                if (raw.isdigit())
                else None
            )
            if found is None:
                self.found, self.title, self.fields, self.history = False, "", [], []
                self.awards, self.source, self.documents_url = [], "", ""
                return
            tender, buyer = found
            self.found, self.title = True, tender.title
            self.fields = views.tender_fields(tender, buyer, lang)
            self.history = views.history_rows(
                tender_history(session=session, tender_id=tender.id), lang
            )
            self.source = views.source_label(tender, lang)
            self.documents_url = tender.documents_url or ""
            self.awards = views.award_rows(similar_awards(session=session, tender=tender), lang)
