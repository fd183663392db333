"""The anomaly detection rules (Reflex-free): what each one watches, over which window, above
which threshold.

A rule collects observations over a window: for each subject (a keyed hash, "staff:<id>" or ""
for a site-wide rule), the moments and keys of what it counts. The engine in
`oktra.admin.anomalies` counts the distinct keys and opens or updates incidents; nothing here
reads or returns an email, a name or an address.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from oktra.admin.models import AuditEvent, SecurityEvent, StaffSession
from oktra.billing.models import GatewayCallback
from oktra.core.clock import as_utc
from oktra.privacy.rights_models import DataExport, ErasureTombstone
from oktra.settings import Settings

# Attempts the rate limiter refused count too: a limited burst is still a burst.
SIGNIN_FAILURES = ("signin_failed", "signin_refused", "staff_signin_failed")
HOUR = timedelta(hours=1)

# subject -> [(moment, key counted)]
Observations = dict[str, list[tuple[datetime, Hashable]]]
Collector = Callable[[Session, datetime, datetime], Observations]


@dataclass(frozen=True)
class Rule:
    """One detection rule: its name, its English description, its window and threshold."""

    name: str
    description: str
    collect: Collector
    threshold: Callable[[Settings], int]
    window: Callable[[Settings], timedelta]

    def window_text(self, settings: Settings) -> str:
        """The window in words, for the email and the page."""
        minutes = int(self.window(settings).total_seconds() // 60)
        return "1 hour" if minutes == 60 else f"{minutes} minutes"


def _signin_window(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.anomaly_signin_window_minutes)


def _hour(_settings: Settings) -> timedelta:
    return HOUR


def _group(rows: list[tuple[str, datetime, Hashable]]) -> Observations:
    grouped: Observations = defaultdict(list)
    for subject, moment, key in rows:
        grouped[subject].append((as_utc(moment), key))
    return dict(grouped)


def _failures(session: Session, since: datetime, now: datetime) -> list[SecurityEvent]:
    return list(
        session.exec(
            select(SecurityEvent).where(
                SecurityEvent.kind.in_(SIGNIN_FAILURES),
                SecurityEvent.created_at >= since,
                SecurityEvent.created_at <= now,
            )
        ).all()
    )


def signin_failures_account(session: Session, since: datetime, now: datetime) -> Observations:
    """Failed customer and staff sign-ins, by account (the keyed hash of the email)."""
    rows = _failures(session, since, now)
    return _group([(e.subject_hash, e.created_at, e.id) for e in rows if e.subject_hash])


def signin_failures_ip(session: Session, since: datetime, now: datetime) -> Observations:
    """Failed sign-ins, by network address (its keyed hash)."""
    rows = _failures(session, since, now)
    return _group([(e.ip_hash, e.created_at, e.id) for e in rows if e.ip_hash])


def accounts_per_ip(session: Session, since: datetime, now: datetime) -> Observations:
    """The distinct accounts tried from one network address."""
    rows = _failures(session, since, now)
    return _group(
        [(e.ip_hash, e.created_at, e.subject_hash) for e in rows if e.ip_hash and e.subject_hash]
    )


def staff_bulk_reads(session: Session, since: datetime, now: datetime) -> Observations:
    """The distinct users whose data each staff member read."""
    rows = session.exec(
        select(AuditEvent).where(AuditEvent.created_at >= since, AuditEvent.created_at <= now)
    ).all()
    return _group(
        [
            (f"staff:{e.staff_id}", e.created_at, e.user_id or e.subject_hash)
            for e in rows
            if e.user_id is not None or e.subject_hash
        ]
    )


def _site_wide(column, since: datetime, now: datetime, session: Session, *where) -> Observations:
    table = column.class_
    rows = session.exec(select(table.id, column).where(column >= since, column <= now, *where))
    return _group([("", moment, row_id) for row_id, moment in rows.all()])


def bulk_exports(session: Session, since: datetime, now: datetime) -> Observations:
    """Data exports asked for, site-wide."""
    return _site_wide(DataExport.created_at, since, now, session)


def bulk_erasures(session: Session, since: datetime, now: datetime) -> Observations:
    """Accounts erased, site-wide."""
    return _site_wide(ErasureTombstone.erased_at, since, now, session)


def bad_callback_hashes(session: Session, since: datetime, now: datetime) -> Observations:
    """Payment gateway callbacks whose signature did not match, site-wide."""
    return _site_wide(
        GatewayCallback.received_at, since, now, session, GatewayCallback.outcome == "bad_hash"
    )


def _staff_sessions_from_new(column: str, session: Session, since: datetime, now: datetime):
    """Staff sessions whose network or device (`column`) the member never used before; a
    member's first session is not an anomaly."""
    field = getattr(StaffSession, column)
    opened = session.exec(
        select(StaffSession).where(
            StaffSession.created_at >= since, StaffSession.created_at <= now, field != ""
        )
    ).all()
    found = []
    for row in opened:
        earlier = set(
            session.exec(
                select(field).where(
                    StaffSession.staff_id == row.staff_id,
                    StaffSession.id != row.id,
                    StaffSession.created_at <= row.created_at,
                )
            ).all()
        )
        if earlier and getattr(row, column) not in earlier:
            found.append((f"staff:{row.staff_id}", row.created_at, row.id))
    return _group(found)


def staff_new_network(session: Session, since: datetime, now: datetime) -> Observations:
    """Staff sessions opened from a network the member never used before (not the first)."""
    return _staff_sessions_from_new("ip_hash", session, since, now)


def staff_new_device(session: Session, since: datetime, now: datetime) -> Observations:
    """Staff sessions opened from a browser the member never used before (not the first)."""
    return _staff_sessions_from_new("device_hash", session, since, now)


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "signin_failures_account",
            "Many failed sign-ins on one account",
            signin_failures_account,
            lambda s: s.anomaly_signin_failures_per_account,
            _signin_window,
        ),
        Rule(
            "signin_failures_ip",
            "Many failed sign-ins from one network address",
            signin_failures_ip,
            lambda s: s.anomaly_signin_failures_per_ip,
            _signin_window,
        ),
        Rule(
            "accounts_per_ip",
            "Sign-ins tried on many accounts from one network address",
            accounts_per_ip,
            lambda s: s.anomaly_accounts_per_ip,
            _signin_window,
        ),
        Rule(
            "staff_bulk_reads",
            "A staff member read the data of many users",
            staff_bulk_reads,
            lambda s: s.anomaly_staff_reads_per_hour,
            _hour,
        ),
        Rule(
            "bulk_exports",
            "Many data exports asked for",
            bulk_exports,
            lambda s: s.anomaly_exports_per_hour,
            _hour,
        ),
        Rule(
            "bulk_erasures",
            "Many accounts erased",
            bulk_erasures,
            lambda s: s.anomaly_erasures_per_hour,
            _hour,
        ),
        Rule(
            "bad_callback_hashes",
            "Payment gateway callbacks with a wrong signature",
            bad_callback_hashes,
            lambda s: s.anomaly_bad_callbacks_per_hour,
            _hour,
        ),
        Rule(
            "staff_new_network",
            "A staff member signed in from a new network",
            staff_new_network,
            lambda _s: 1,
            _signin_window,
        ),
        Rule(
            "staff_new_device",
            "A staff member signed in from a new device",
            staff_new_device,
            lambda _s: 1,
            _signin_window,
        ),
    )
}
