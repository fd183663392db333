"""Facet counts: for every filter, how many results each of its values would give.

A facet is counted over the results of every other filter (so its other values stay visible
and selectable), which is what OR within a filter and AND across filters mean to a user.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from oktra.core.clock import MOROCCO
from oktra.tenders import bitmaps
from oktra.tenders.catalogue import Snapshot
from oktra.tenders.criteria import Criteria
from oktra.tenders.gazetteer import REGION_LABELS
from oktra.tenders.models import NATIONAL, Category, Status
from oktra.tenders.sectors import LABELS as SECTOR_LABELS

TOP_PROVINCES = 15
TOP_BUYERS = 10
BUYER_FACET_LIMIT = 20_000

# (value, low, high) in MAD; a bucket is a budget filter the page can apply.
BUDGET_BUCKETS = (
    ("0-100000", None, 100_000),
    ("100000-1000000", 100_000, 1_000_000),
    ("1000000-5000000", 1_000_000, 5_000_000),
    ("5000000-", 5_000_000, None),
)
DEADLINE_BUCKETS = (3, 7, 14, 30)
PUBLISHED_BUCKETS = (1, 7, 30, 90)


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its code, how many results it gives, whether it is selected."""

    value: str
    count: int
    selected: bool = False


def _listed(base: int, sets: dict[str, int], values, selected, extra: int = 0) -> list[FacetValue]:
    return [
        FacetValue(str(value), (base & (sets.get(value, 0) | extra)).bit_count(), value in selected)
        for value in values
    ]


def _top(values: list[FacetValue], limit: int) -> list[FacetValue]:
    ranked = sorted(values, key=lambda item: (-item.count, item.value))
    return [item for item in ranked if item.count or item.selected][:limit] + [
        item for item in ranked[limit:] if item.selected
    ]


def _budget(snap: Snapshot, base: int, criteria: Criteria) -> list[FacetValue]:
    low_set = float(criteria.budget_min) if criteria.budget_min is not None else None
    high_set = float(criteria.budget_max) if criteria.budget_max is not None else None
    found = []
    for value, low, high in BUDGET_BUCKETS:
        upper = high - 0.01 if high is not None else None
        members = snap.estimate.between(low, upper)
        found.append(
            FacetValue(value, (base & members).bit_count(), (low, upper) == (low_set, high_set))
        )
    return found


def _deadline(snap: Snapshot, base: int, criteria: Criteria, now: datetime) -> list[FacetValue]:
    found = []
    for days in DEADLINE_BUCKETS:
        members = snap.deadline.between(now.timestamp(), (now + timedelta(days=days)).timestamp())
        selected = criteria.deadline_max_days == days and not criteria.deadline_min_days
        found.append(FacetValue(str(days), (base & members).bit_count(), selected))
    return found


def day_start(day: date) -> float:
    """The first instant of a day on Casablanca time, as a timestamp."""
    return datetime.combine(day, time.min, MOROCCO).timestamp()


def published_since(now: datetime, days: int) -> date:
    """The first day of "published in the last N days", on Casablanca time."""
    return now.astimezone(MOROCCO).date() - timedelta(days=days)


def _published(snap: Snapshot, base: int, criteria: Criteria, now: datetime) -> list[FacetValue]:
    found = []
    for days in PUBLISHED_BUCKETS:
        since = published_since(now, days)
        members = snap.published.between(day_start(since), None)
        selected = criteria.published_from == since and criteria.published_to is None
        found.append(FacetValue(str(days), (base & members).bit_count(), selected))
    return found


def _buyers(snap: Snapshot, base: int, criteria: Criteria) -> list[FacetValue]:
    chosen = [
        FacetValue(str(buyer), (base & snap.buyer_set([buyer])).bit_count(), True)
        for buyer in criteria.buyers
    ]
    if base.bit_count() > BUYER_FACET_LIMIT:
        return chosen
    counts = Counter(snap.buyer_of[tender_id] for tender_id in bitmaps.to_ids(base))
    for buyer in criteria.buyers:
        counts.pop(buyer, None)
    return chosen + [
        FacetValue(str(buyer), count)
        for buyer, count in counts.most_common(max(0, TOP_BUYERS - len(chosen)))
    ]


def facet_counts(
    snap: Snapshot,
    criteria: Criteria,
    now: datetime,
    base_without: Callable[[str], int],
) -> dict[str, list[FacetValue]]:
    """Every facet's values and counts; `base_without(name)` is the results of every filter
    but that one."""
    national = snap.sets["region"].get(NATIONAL, 0)
    regions = [code for code in REGION_LABELS if code != NATIONAL] + [NATIONAL]
    statuses = snap.statuses(now)
    province_base = base_without("province")
    # Listed: provinces with a result of their own; counted: with the national ones, as
    # selecting the province would give.
    provinces = _listed(
        province_base,
        snap.sets["province"],
        [code for code, found in sorted(snap.sets["province"].items()) if province_base & found],
        criteria.provinces,
        national,
    )
    provinces += [
        FacetValue(code, (province_base & national).bit_count(), True)
        for code in criteria.provinces
        if code not in {item.value for item in provinces}
    ]
    procedures = _listed(
        base_without("procedure"),
        snap.sets["procedure"],
        sorted(snap.sets["procedure"]),
        criteria.procedures,
    )
    return {
        "category": _listed(
            base_without("category"), snap.sets["category"], list(Category), criteria.categories
        ),
        "sector": _listed(
            base_without("sector"), snap.sets["sector"], list(SECTOR_LABELS), criteria.sectors
        ),
        "region": _listed(
            base_without("region"), snap.sets["region"], regions, criteria.regions, national
        ),
        "province": _top(provinces, TOP_PROVINCES),
        "procedure": [item for item in procedures if item.count or item.selected],
        "status": _listed(base_without("status"), statuses, list(Status), criteria.statuses),
        "reserved": [
            FacetValue(
                "yes",
                (base_without("reserved") & snap.sets["reserved"].get("yes", 0)).bit_count(),
                criteria.reserved_sme,
            )
        ],
        "budget": _budget(snap, base_without("budget"), criteria),
        "deadline": _deadline(snap, base_without("deadline"), criteria, now),
        "published": _published(snap, base_without("published"), criteria, now),
        "buyer": _buyers(snap, base_without("buyer"), criteria),
    }
