"""Audience figures for staff (Reflex-free): aggregates over groups of at least K_ANONYMITY
distinct visitors; a smaller group is suppressed, never shown as a number.

Visitor hashes change with each day's salt, so a group is one day (or one page on one day):
nobody can be counted as several visitors by visiting on several days. A page's totals add up
only its days that reached the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from sqlmodel import Session, select

from oktra.core.clock import as_utc, to_morocco
from oktra.privacy.models import AnalyticsEvent

K_ANONYMITY = 10
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class DayFigures:
    """One day that reached the threshold."""

    day: date
    page_views: int
    visitors: int
    sessions: int
    median_session_seconds: int


@dataclass(frozen=True)
class PageFigures:
    """One page, summed over its days that reached the threshold (visitors are per day)."""

    path: str
    page_views: int
    daily_visitors: int


@dataclass(frozen=True)
class AudienceReport:
    """What the staff statistics page shows, and which days fell under the threshold."""

    since: date
    until: date
    k: int
    days: list[DayFigures] = field(default_factory=list)
    pages: list[PageFigures] = field(default_factory=list)
    small_days: list[date] = field(default_factory=list)
    small_pages: int = 0


@dataclass
class _Group:
    views: int = 0
    visitors: set[str] = field(default_factory=set)


def _session_seconds(rows: list[tuple[str, datetime]]) -> list[int]:
    """Each session's duration: its last event minus its first."""
    bounds: dict[str, tuple[datetime, datetime]] = {}
    for session_hash, when in rows:
        first, last = bounds.get(session_hash, (when, when))
        bounds[session_hash] = (min(first, when), max(last, when))
    return [int((last - first).total_seconds()) for first, last in bounds.values()]


def audience_report(
    *, session: Session, now: datetime, days: int = DEFAULT_DAYS, k: int = K_ANONYMITY
) -> AudienceReport:
    """Page views, visitors and median session duration per day, and views per page."""
    until = to_morocco(now).date()
    since = until - timedelta(days=days - 1)
    start = now - timedelta(days=days + 1)
    rows = session.exec(
        select(
            AnalyticsEvent.created_at,
            AnalyticsEvent.visitor_hash,
            AnalyticsEvent.session_hash,
            AnalyticsEvent.path,
        ).where(AnalyticsEvent.created_at >= start)
    ).all()
    per_day: dict[date, _Group] = defaultdict(_Group)
    per_page_day: dict[tuple[str, date], _Group] = defaultdict(_Group)
    sessions: dict[date, list[tuple[str, datetime]]] = defaultdict(list)
    for created_at, visitor, session_hash, path in rows:
        when = as_utc(created_at)
        day = to_morocco(when).date()
        if day < since:
            continue
        for group in (per_day[day], per_page_day[(path, day)]):
            group.views += 1
            group.visitors.add(visitor)
        sessions[day].append((session_hash, when))
    shown, small_days = [], []
    for day in sorted(per_day):
        group = per_day[day]
        if len(group.visitors) < k:
            small_days.append(day)
            continue
        durations = _session_seconds(sessions[day])
        shown.append(
            DayFigures(
                day=day,
                page_views=group.views,
                visitors=len(group.visitors),
                sessions=len(durations),
                median_session_seconds=int(median(durations)),
            )
        )
    totals: dict[str, tuple[int, int]] = {}
    for (path, _day), group in per_page_day.items():
        if len(group.visitors) >= k:
            views, visitors = totals.get(path, (0, 0))
            totals[path] = (views + group.views, visitors + len(group.visitors))
    pages = sorted(
        (PageFigures(path, views, visitors) for path, (views, visitors) in totals.items()),
        key=lambda page: (-page.page_views, page.path),
    )
    return AudienceReport(
        since=since,
        until=until,
        k=k,
        days=shown,
        pages=pages,
        small_days=small_days,
        small_pages=len({path for path, _day in per_page_day} - set(totals)),
    )
