"""The staff statistics page's state: audience figures, only groups of ten visitors or more."""

from __future__ import annotations

import reflex as rx

from oktra.admin import service
from oktra.admin.roles import Action, PermissionDeniedError
from oktra.admin.state import StaffState
from oktra.core.clock import utc_now
from oktra.db import session_scope


def _minutes(seconds: int) -> float:
    return round(seconds / 60, 1)


class StaffStatisticsState(StaffState):
    """Per day and per page; a day under the threshold is named, never counted."""

    daily: list[dict[str, str | int | float]] = []  # noqa: RUF012 - Reflex state var
    pages: list[dict[str, str | int]] = []  # noqa: RUF012 - Reflex state var
    small_days: list[str] = []  # noqa: RUF012 - Reflex state var
    small_pages: int = 0
    period: str = ""
    threshold: int = 0

    @rx.event
    def open_page(self):
        """Signed-out staff go to the sign-in page; other roles the matrix refuses see nothing."""
        self.daily, self.pages, self.small_days, self.small_pages = [], [], [], 0
        with session_scope() as session:
            staff = self._allowed(session, Action.READ_STATISTICS)
            if staff is None:
                return None if self.staff_role else self._to_signin()
            try:
                report = service.read_audience(session=session, staff=staff, now=utc_now())
            except PermissionDeniedError:
                self.denied = True
                return None
        self.threshold = report.k
        self.period = f"{report.since.isoformat()} – {report.until.isoformat()}"
        self.daily = [
            {
                "day": figures.day.isoformat(),
                "page_views": figures.page_views,
                "visitors": figures.visitors,
                "sessions": figures.sessions,
                "median_minutes": _minutes(figures.median_session_seconds),
            }
            for figures in report.days
        ]
        self.pages = [
            {
                "path": figures.path,
                "page_views": figures.page_views,
                "daily_visitors": figures.daily_visitors,
            }
            for figures in report.pages
        ]
        self.small_days = [day.isoformat() for day in report.small_days]
        self.small_pages = report.small_pages
        return None
