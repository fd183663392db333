"""Anomaly detection and the incidents it raises (Reflex-free): the continuous access
monitoring of policy section 8.

`detect` runs every rule of `oktra.admin.anomaly_rules` (a job, every 5 minutes). A finding
opens an incident and emails every active administrator once; later events of the same rule
and subject add to the open incident without a new email. An acknowledged incident absorbs
nothing: only events after its acknowledgement may open the next one. The administrators list
and acknowledge incidents through `list_anomalies` and `acknowledge` (audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, select

from oktra.admin import audit
from oktra.admin.anomaly_models import ACKNOWLEDGED, OPEN, Anomaly
from oktra.admin.anomaly_rules import RULES, Observations, Rule
from oktra.admin.models import StaffMember
from oktra.admin.roles import Action, Role
from oktra.admin.service import require
from oktra.core.clock import as_utc
from oktra.core.errors import NotFoundError
from oktra.notifications.service import enqueue_email
from oktra.settings import Settings, get_settings

STATUSES = (OPEN, ACKNOWLEDGED)
NOTE_MAX = 1000
LIST_MAX = 200
ACKNOWLEDGE_AUDIT_ACTION = "acknowledge_anomaly"
ALERT_KIND = "anomaly_alert"


class AnomalyError(ValueError):
    """An acknowledgement the incident's state does not allow, or a note to correct."""


@dataclass(frozen=True)
class AnomalyRow:
    """One incident as the back office lists it: hashes and counts, no personal data."""

    anomaly_id: int
    rule: str
    description: str
    subject: str
    first_at: datetime
    last_at: datetime
    events: int
    status: str
    note: str


def _acknowledged_at(session: Session, rule: str) -> dict[str, datetime]:
    """The latest acknowledgement of each subject of the rule."""
    rows = session.exec(
        select(Anomaly.subject, func.max(Anomaly.acknowledged_at))
        .where(Anomaly.rule == rule, Anomaly.status == ACKNOWLEDGED)
        .group_by(Anomaly.subject)
    ).all()
    return {subject: as_utc(moment) for subject, moment in rows if moment is not None}


def _open_incidents(session: Session, rule: str) -> dict[str, Anomaly]:
    rows = session.exec(select(Anomaly).where(Anomaly.rule == rule, Anomaly.status == OPEN)).all()
    return {row.subject: row for row in rows}


def _detail(rule: Rule, settings: Settings, count: int) -> dict[str, object]:
    return {
        "count": count,
        "threshold": rule.threshold(settings),
        "window": rule.window_text(settings),
    }


def _update(incident: Anomaly, seen: list[tuple[datetime, object]], detail: dict) -> bool:
    """Add the events seen since the incident opened; False when nothing changed."""
    first = as_utc(incident.first_at)
    kept = [(moment, key) for moment, key in seen if moment >= first]
    count = len({key for _moment, key in kept})
    last = max((moment for moment, _key in kept), default=as_utc(incident.last_at))
    if count <= incident.events and last <= as_utc(incident.last_at):
        return False
    incident.events = max(count, incident.events)
    incident.last_at = max(last, as_utc(incident.last_at))
    incident.detail = {**detail, "count": incident.events}
    return True


def _alert_admins(session: Session, incident: Anomaly, rule: Rule, settings: Settings) -> None:
    """Email every active administrator once: the rule, the count, the window, the link."""
    admins = session.exec(
        select(StaffMember).where(StaffMember.role == Role.ADMIN.value, StaffMember.active)
    ).all()
    context = {
        "title": rule.description,
        "description": rule.description,
        "incident": incident.id,
        "count": incident.events,
        "window": rule.window_text(settings),
        "link": f"{settings.base_url.rstrip('/')}/staff/anomalies",
    }
    for admin in admins:
        enqueue_email(
            session=session,
            kind=ALERT_KIND,
            to_address=admin.email,
            lang="en",
            context=context,
            idempotency_key=f"anomaly:{incident.id}:staff:{admin.id}",
        )


def _open(
    session: Session,
    rule: Rule,
    subject: str,
    kept: list[tuple[datetime, object]],
    detail: dict,
    now: datetime,
    settings: Settings,
) -> Anomaly:
    """A new incident, its administrators emailed once."""
    count = len({key for _moment, key in kept})
    incident = Anomaly(
        rule=rule.name,
        subject=subject,
        status=OPEN,
        first_at=min(moment for moment, _key in kept),
        last_at=max(moment for moment, _key in kept),
        events=count,
        detail=detail,
    )
    session.add(incident)
    session.flush()
    _alert_admins(session, incident, rule, settings)
    incident.notified_at = now
    session.flush()
    return incident


def _run_rule(session: Session, rule: Rule, now: datetime, settings: Settings) -> dict[str, int]:
    """One rule at `now`: open incidents take every event since they opened; another subject
    opens one when its events in the window (after its last acknowledgement) reach the
    threshold."""
    window_start = now - rule.window(settings)
    open_incidents = _open_incidents(session, rule.name)
    earliest = min([as_utc(i.first_at) for i in open_incidents.values()] + [window_start])
    observations: Observations = rule.collect(session, earliest, now)
    acknowledged = _acknowledged_at(session, rule.name)
    counts = {"opened": 0, "updated": 0}
    for subject, seen in observations.items():
        incident = open_incidents.get(subject)
        if incident is not None:
            detail = _detail(rule, settings, incident.events)
            counts["updated"] += _update(incident, seen, detail)
            continue
        acknowledged_at = acknowledged.get(subject)
        kept = [
            (moment, key)
            for moment, key in seen
            if moment >= window_start and (acknowledged_at is None or moment > acknowledged_at)
        ]
        count = len({key for _moment, key in kept})
        if count >= rule.threshold(settings):
            _open(session, rule, subject, kept, _detail(rule, settings, count), now, settings)
            counts["opened"] += 1
    return counts


def detect(*, session: Session, now: datetime) -> dict[str, int]:
    """Run every rule at `now`: {"opened": n, "updated": m}; running it twice changes nothing."""
    settings = get_settings()
    totals = {"opened": 0, "updated": 0}
    for rule in RULES.values():
        for key, value in _run_rule(session, rule, now, settings).items():
            totals[key] += value
    session.flush()
    return totals


def _shortened(subject: str) -> str:
    if not subject:
        return "site-wide"
    return subject if subject.startswith("staff:") else f"{subject[:12]}…"


def list_anomalies(
    *, session: Session, staff: StaffMember, status: str | None, limit: int = 100
) -> list[AnomalyRow]:
    """Incidents of one status (None or unknown: all), open first, then the latest."""
    require(staff, Action.MANAGE_ANOMALIES)
    open_first = case((Anomaly.status == OPEN, 0), else_=1)
    query = (
        select(Anomaly)
        .order_by(open_first, Anomaly.last_at.desc(), Anomaly.id.desc())
        .limit(max(1, min(limit, LIST_MAX)))
    )
    if status in STATUSES:
        query = query.where(Anomaly.status == status)
    return [
        AnomalyRow(
            anomaly_id=row.id,
            rule=row.rule,
            description=RULES[row.rule].description if row.rule in RULES else row.rule,
            subject=_shortened(row.subject),
            first_at=as_utc(row.first_at),
            last_at=as_utc(row.last_at),
            events=row.events,
            status=row.status,
            note=row.note,
        )
        for row in session.exec(query).all()
    ]


def clean_note(note: object) -> str:
    """The note, stripped; refused when empty or longer than 1000 characters."""
    text = note.strip() if isinstance(note, str) else ""
    if not text or len(text) > NOTE_MAX:
        raise AnomalyError("Give a note of 1 to 1000 characters: what was checked, what was done.")
    return text


def acknowledge(
    *, session: Session, staff: StaffMember, anomaly_id: int, note: str, now: datetime
) -> Anomaly:
    """Close an open incident with a note; audited. A second acknowledgement is refused."""
    require(staff, Action.MANAGE_ANOMALIES)
    note = clean_note(note)
    incident = session.get(Anomaly, anomaly_id)
    if incident is None:
        raise NotFoundError(f"no anomaly {anomaly_id}")
    if incident.status != OPEN:
        raise AnomalyError("This anomaly is already acknowledged.")
    incident.status = ACKNOWLEDGED
    incident.acknowledged_by = staff.id
    incident.acknowledged_at = now
    incident.note = note
    audit.record(
        session=session,
        staff=staff,
        action=ACKNOWLEDGE_AUDIT_ACTION,
        reason=f"anomaly #{incident.id} ({incident.rule}) acknowledged with a note",
        now=now,
    )
    session.flush()
    return incident
