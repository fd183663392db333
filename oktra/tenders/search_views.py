"""The search page as plain data: facet values with labels, counts and the address that
toggles them, active filters with the address that removes them, result cards, pages.

Every filter change is a link to another address, so the address always carries the whole
query: it can be shared, bookmarked, opened in a new tab, and the back button restores it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from sqlmodel import Session

from oktra.i18n import N_, format_date, format_money, t
from oktra.tenders.criteria import SORT_LABELS, Criteria, Sort, to_params
from oktra.tenders.facets import BUDGET_BUCKETS, FacetValue, published_since
from oktra.tenders.gazetteer import REGION_LABELS, load_gazetteer
from oktra.tenders.models import CATEGORY_LABELS, NATIONAL, STATUS_LABELS, Buyer, Status, Tender
from oktra.tenders.search import COMMON_WORDS_ONLY, SearchResult, search
from oktra.tenders.search_db import buyer_names
from oktra.tenders.sectors import LABELS as SECTOR_LABELS
from oktra.tenders.views import tender_summary

FACET_TITLES = {
    "category": N_("Category"),
    "sector": N_("Sector"),
    "region": N_("Region"),
    "province": N_("Province"),
    "procedure": N_("Procedure"),
    "buyer": N_("Buyer"),
    "status": N_("Status"),
    "reserved": N_("Reserved for small businesses"),
    "budget": N_("Estimate"),
    "deadline": N_("Deadline"),
    "published": N_("Published"),
}
# The Criteria field each list facet toggles.
LIST_FIELDS = {
    "category": "categories",
    "sector": "sectors",
    "region": "regions",
    "province": "provinces",
    "procedure": "procedures",
    "buyer": "buyers",
    "status": "statuses",
}
BUDGET_LABELS = {
    "0-100000": N_("Under 100,000 MAD"),
    "100000-1000000": N_("100,000 to 1 million MAD"),
    "1000000-5000000": N_("1 to 5 million MAD"),
    "5000000-": N_("5 million MAD and more"),
}
DEADLINE_LABEL = N_("Closes within {days} days")
PUBLISHED_LABELS = {
    "1": N_("Since yesterday"),
    "7": N_("In the last 7 days"),
    "30": N_("In the last 30 days"),
    "90": N_("In the last 90 days"),
}
NATIONAL_LABEL = N_("National (all regions)")


def address(lang: str, criteria: Criteria, page: int = 1) -> str:
    """The search page's address for criteria and a page."""
    query = urlencode(to_params(criteria, page))
    return f"/{lang}/tenders" + (f"?{query}" if query else "")


def _label(lang: str, facet: str, value: str, buyers: dict[int, str]) -> str:
    if facet == "category":
        return t(lang, CATEGORY_LABELS.get(value, value))
    if facet == "sector":
        return t(lang, SECTOR_LABELS.get(value, value))
    if facet == "region":
        label = NATIONAL_LABEL if value == NATIONAL else REGION_LABELS.get(value, value)
        return t(lang, label)
    if facet == "province":
        province = load_gazetteer().provinces.get(value)
        return province[2] if province else value
    if facet == "status":
        return t(lang, STATUS_LABELS.get(value, value))
    if facet == "buyer":
        return buyers.get(int(value), value)
    if facet == "reserved":
        return t(lang, "Reserved for small businesses (TPE/PME)")
    if facet == "budget":
        return t(lang, BUDGET_LABELS[value])
    if facet == "deadline":
        return t(lang, DEADLINE_LABEL).format(days=value)
    if facet == "published":
        return t(lang, PUBLISHED_LABELS[value])
    return value


def toggled(criteria: Criteria, facet: str, value: str, now: datetime) -> Criteria:
    """Criteria with one facet value switched on or off (ranges replace each other)."""
    if facet in LIST_FIELDS:
        name = LIST_FIELDS[facet]
        current = getattr(criteria, name)
        item = int(value) if facet == "buyer" else value
        chosen = tuple(v for v in current if v != item) if item in current else (*current, item)
        return replace(criteria, **{name: chosen})
    if facet == "reserved":
        return replace(criteria, reserved_sme=not criteria.reserved_sme)
    if facet == "budget":
        low, high = next((lo, hi) for code, lo, hi in BUDGET_BUCKETS if code == value)
        pair = (
            Decimal(low) if low is not None else None,
            Decimal(high) - Decimal("0.01") if high is not None else None,
        )
        same = (criteria.budget_min, criteria.budget_max) == pair
        return replace(
            criteria, budget_min=None if same else pair[0], budget_max=None if same else pair[1]
        )
    if facet == "deadline":
        days = None if criteria.deadline_max_days == int(value) else int(value)
        return replace(criteria, deadline_min_days=None, deadline_max_days=days)
    since = published_since(now, int(value))
    same = criteria.published_from == since and criteria.published_to is None
    return replace(criteria, published_from=None if same else since, published_to=None)


def facet_rows(
    lang: str,
    result: SearchResult,
    criteria: Criteria,
    now: datetime,
    buyers: dict[int, str],
) -> list[dict[str, str]]:
    """Every facet as a title row then its values: label, count, selected, the address
    toggling it (one flat list: the page renders it with a single loop)."""
    rows = []
    for facet, values in result.facets.items():
        items = [
            _item(lang, facet, value, criteria, now, buyers)
            for value in values
            if value.count or value.selected
        ]
        if items:
            title = {"kind": "title", "key": facet, "label": t(lang, FACET_TITLES[facet])}
            rows.extend([{**title, "count": "", "selected": "", "href": ""}, *items])
    return rows


def _item(lang, facet: str, value: FacetValue, criteria, now, buyers) -> dict[str, str]:
    return {
        "kind": "value",
        "key": f"{facet}-{value.value}",
        "label": _label(lang, facet, value.value, buyers),
        "count": str(value.count),
        "selected": "yes" if value.selected else "",
        "href": address(lang, toggled(criteria, facet, value.value, now)),
    }


def active_filters(
    lang: str, criteria: Criteria, buyers: dict[int, str], now: datetime
) -> list[dict[str, str]]:
    """One chip per active filter value, with the address that removes it."""
    chips: list[tuple[str, str, Criteria]] = []
    for facet, name in LIST_FIELDS.items():
        for value in getattr(criteria, name):
            chips.append(
                (
                    facet,
                    _label(lang, facet, str(value), buyers),
                    toggled(criteria, facet, str(value), now),
                )
            )
    if criteria.reserved_sme:
        chips.append(
            ("reserved", _label(lang, "reserved", "yes", buyers), criteria.without("reserved_sme"))
        )
    if criteria.budget_min is not None or criteria.budget_max is not None:
        low = format_money(criteria.budget_min, lang) if criteria.budget_min is not None else "…"
        high = format_money(criteria.budget_max, lang) if criteria.budget_max is not None else "…"
        cleared = replace(criteria, budget_min=None, budget_max=None)
        label = t(lang, "Estimate")
        chips.append(("budget", f"{label}: {low} – {high}", cleared))
    if criteria.published_from or criteria.published_to:
        start = (
            format_date(criteria.published_from, lang, "medium") if criteria.published_from else "…"
        )
        end = format_date(criteria.published_to, lang, "medium") if criteria.published_to else "…"
        cleared = replace(criteria, published_from=None, published_to=None)
        label = t(lang, "Published")
        chips.append(("published", f"{label}: {start} – {end}", cleared))
    if criteria.deadline_min_days is not None or criteria.deadline_max_days is not None:
        low = str(criteria.deadline_min_days or 0)
        high = str(criteria.deadline_max_days) if criteria.deadline_max_days is not None else "…"
        cleared = replace(criteria, deadline_min_days=None, deadline_max_days=None)
        chips.append(
            (
                "deadline",
                t(lang, "Deadline in {low} to {high} days").format(low=low, high=high),
                cleared,
            )
        )
    return [
        {"key": f"{facet}-{index}", "label": label, "href": address(lang, rest)}
        for index, (facet, label, rest) in enumerate(chips)
    ]


def countdown(tender: Tender, lang: str, now: datetime) -> str:
    """How long until a tender closes, in words."""
    if tender.deadline_at is None or tender.status not in (Status.OPEN, Status.POSTPONED):
        return ""
    seconds = (tender.deadline_at - now).total_seconds()
    if seconds <= 0:
        return t(lang, "Closed")
    days = int(seconds // 86400)
    if days == 0:
        return t(lang, "Closes today")
    if days == 1:
        return t(lang, "1 day left")
    return t(lang, "{days} days left").format(days=days)


def result_cards(
    lang: str, rows: list[tuple[Tender, Buyer]], now: datetime
) -> list[dict[str, str]]:
    """Result cards: the list summary plus the deadline countdown."""
    return [_card(lang, tender, buyer, now) for tender, buyer in rows]


def _card(lang: str, tender: Tender, buyer: Buyer, now: datetime) -> dict[str, str]:
    card = {**tender_summary(tender, buyer, lang), "countdown": countdown(tender, lang, now)}
    if card["countdown"] == t(lang, "Closed"):
        card["status"] = t(lang, STATUS_LABELS[Status.CLOSED])
    return card


def sort_links(lang: str, criteria: Criteria, current: Sort) -> list[dict[str, str]]:
    """The orders a user can pick, each with its address."""
    return [
        {
            "key": sort.value,
            "label": t(lang, SORT_LABELS[sort]),
            "selected": "yes" if sort == current else "",
            "href": address(lang, replace(criteria, sort=sort)),
        }
        for sort in Sort
        if sort != Sort.RELEVANCE or criteria.text.strip()
    ]


def _summary(lang: str, result: SearchResult) -> str:
    if result.total == 1:
        return t(lang, "1 tender")
    return t(lang, "{count} tenders").format(count=f"{result.total:,}".replace(",", "\u202f"))


def search_page(
    *, session: Session, lang: str, criteria: Criteria, page: int, now: datetime
) -> dict:
    """Everything the search page shows for criteria and a page number."""
    result = search(session=session, criteria=criteria, page=page, now=now)
    buyer_ids = {int(value.value) for value in result.facets.get("buyer", ())}
    buyers = buyer_names(session=session, ids=sorted(buyer_ids | set(criteria.buyers)))
    previous = address(lang, criteria, result.page - 1) if result.page > 1 else ""
    following = address(lang, criteria, result.page + 1) if result.page < result.pages else ""
    return {
        "cards": result_cards(lang, result.tenders, now),
        "facets": facet_rows(lang, result, criteria, now, buyers),
        "chips": active_filters(lang, criteria, buyers, now),
        "sorts": sort_links(lang, criteria, result.sort),
        "total": result.total,
        "summary": _summary(lang, result),
        "ignored": ", ".join(result.query.ignored),
        "common_words_only": result.reason == COMMON_WORDS_ONLY,
        "page_label": t(lang, "Page {page} of {pages}").format(page=result.page, pages=result.pages)
        if result.pages > 1
        else "",
        "previous_href": previous,
        "next_href": following,
        "clear_href": address(lang, Criteria()),
    }
