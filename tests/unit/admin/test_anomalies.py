"""Access monitoring: each rule raises one incident per burst, the administrators are emailed
once per incident, acknowledging is audited, and only administrators see or close incidents."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from oktra.accounts import service as accounts
from oktra.accounts.limits import LimitExceededError
from oktra.accounts.sessions import ClientInfo
from oktra.accounts.validation import ValidationFailedError
from oktra.admin import anomalies, audit
from oktra.admin.anomaly_models import ACKNOWLEDGED, OPEN, Anomaly
from oktra.admin.models import AuditEvent, StaffSession
from oktra.admin.roles import Action, PermissionDeniedError, Role, may_act
from oktra.admin.security import record_security_event
from oktra.billing.models import GatewayCallback
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.jobs import find_job
from oktra.notifications.models import EmailMessage
from oktra.privacy.rights_models import DataExport, ErasureTombstone
from tests.unit.admin.conftest import add_staff, add_user

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IP = "196.200.1.9"
NOTE = "Credential stuffing from one address; blocked at the firewall."
EXCLUDED = [role for role in Role if not may_act(role, Action.MANAGE_ANOMALIES)]


def fail(session, email: str, *, at: datetime, ip: str = IP, kind: str = "signin_failed"):
    """One failed sign-in, recorded the way the sign-in services do."""
    record_security_event(
        session=session, kind=kind, now=at, subject=email, ip_hash=ClientInfo(ip=ip).ip_hash()
    )


def burst(session, email: str, count: int, *, end: datetime = NOW, ip: str = IP) -> None:
    for step in range(count):
        fail(session, email, at=end - timedelta(seconds=30 * (count - step)), ip=ip)


def incidents(session, rule: str | None = None) -> list[Anomaly]:
    query = select(Anomaly).order_by(Anomaly.id)
    if rule:
        query = query.where(Anomaly.rule == rule)
    return list(session.exec(query).all())


def alerts(session) -> list[EmailMessage]:
    return list(
        session.exec(select(EmailMessage).where(EmailMessage.kind == "anomaly_alert")).all()
    )


def test_the_job_runs_every_five_minutes():
    spec = find_job("detect_anomalies")
    assert spec is not None and spec.func is anomalies.detect


def test_a_burst_on_one_account_is_one_incident_emailed_once_to_active_admins(session):
    admin = add_staff(session, "admin")
    add_staff(session, "admin", "former@oktra.ma").active = False
    add_staff(session, "dpo")
    burst(session, "salma@atlas.ma", 12)
    assert anomalies.detect(session=session, now=NOW) == {"opened": 1, "updated": 0}
    (incident,) = incidents(session)
    assert (incident.rule, incident.status, incident.events) == (
        "signin_failures_account",
        OPEN,
        12,
    )
    assert incident.notified_at is not None and len(incident.subject) == 64
    (email,) = alerts(session)
    assert email.to_address == admin.email and email.language == "en"
    assert anomalies.detect(session=session, now=NOW) == {"opened": 0, "updated": 0}

    later = NOW + timedelta(minutes=7)
    burst(session, "salma@atlas.ma", 5, end=later)
    assert anomalies.detect(session=session, now=later) == {"opened": 0, "updated": 1}
    assert [(i.id, i.events) for i in incidents(session)] == [(incident.id, 17)]
    assert len(alerts(session)) == 1


def test_an_acknowledged_incident_is_audited_and_a_new_burst_opens_another(session):
    admin = add_staff(session, "admin")
    burst(session, "salma@atlas.ma", 12)
    anomalies.detect(session=session, now=NOW)
    (first,) = incidents(session)
    anomalies.acknowledge(session=session, staff=admin, anomaly_id=first.id, note=NOTE, now=NOW)
    (event,) = session.exec(select(AuditEvent)).all()
    assert event.action == "acknowledge_anomaly" and event.staff_id == admin.id
    assert (first.status, first.note, first.acknowledged_by) == (ACKNOWLEDGED, NOTE, admin.id)
    with pytest.raises(anomalies.AnomalyError, match="already acknowledged"):
        anomalies.acknowledge(session=session, staff=admin, anomaly_id=first.id, note=NOTE, now=NOW)
    later = NOW + timedelta(minutes=3)
    burst(session, "salma@atlas.ma", 2, end=later)
    assert anomalies.detect(session=session, now=later) == {"opened": 0, "updated": 0}
    burst(session, "salma@atlas.ma", 10, end=later + timedelta(minutes=6))
    assert anomalies.detect(session=session, now=later + timedelta(minutes=6))["opened"] == 1
    first_again, second = incidents(session)
    assert first_again.events == 12 and second.status == OPEN and second.events == 12
    assert len(alerts(session)) == 2


@pytest.mark.parametrize("note", ["", "   ", "x" * 1001, None])
def test_an_acknowledgement_needs_a_note(session, note):
    admin = add_staff(session, "admin")
    burst(session, "salma@atlas.ma", 10)
    anomalies.detect(session=session, now=NOW)
    (incident,) = incidents(session)
    with pytest.raises(anomalies.AnomalyError, match="note"):
        anomalies.acknowledge(
            session=session, staff=admin, anomaly_id=incident.id, note=note, now=NOW
        )
    assert incident.status == OPEN and session.exec(select(AuditEvent)).all() == []


def test_many_failures_from_one_address_on_many_accounts(session):
    for number in range(6):
        burst(session, f"buyer{number}@atlas.ma", 5)
    assert anomalies.detect(session=session, now=NOW)["opened"] == 2
    rules = {incident.rule: incident for incident in incidents(session)}
    assert set(rules) == {"signin_failures_ip", "accounts_per_ip"}
    assert rules["signin_failures_ip"].events == 30 and rules["accounts_per_ip"].events == 6
    assert rules["accounts_per_ip"].subject == ClientInfo(ip=IP).ip_hash()


def test_below_every_threshold_nothing_is_raised(session):
    add_staff(session, "admin")
    burst(session, "salma@atlas.ma", 9)
    for number in range(3):
        fail(session, f"buyer{number}@atlas.ma", at=NOW - timedelta(minutes=1))
    burst(session, "old@atlas.ma", 20, end=NOW - timedelta(minutes=20))
    assert anomalies.detect(session=session, now=NOW) == {"opened": 0, "updated": 0}
    assert incidents(session) == [] and alerts(session) == []


def _read_users(session, staff, count: int) -> None:
    for number in range(count):
        user = add_user(session, f"client{number}@atlas.ma")
        audit.record(
            session=session,
            staff=staff,
            action="read_user",
            reason="ticket",
            now=NOW - timedelta(minutes=50 - number),
            user_id=user.id,
        )


def test_a_staff_member_reading_many_users_in_an_hour(session):
    reader = add_staff(session, "technical")
    _read_users(session, reader, 25)
    assert anomalies.detect(session=session, now=NOW)["opened"] == 1
    (incident,) = incidents(session)
    assert (incident.rule, incident.subject, incident.events) == (
        "staff_bulk_reads",
        f"staff:{reader.id}",
        25,
    )


def test_nineteen_users_read_is_below_the_threshold(session):
    _read_users(session, add_staff(session, "support"), 19)
    assert anomalies.detect(session=session, now=NOW)["opened"] == 0


def test_bulk_exports_erasures_and_bad_callback_hashes(session):
    user = add_user(session)
    at = NOW - timedelta(minutes=10)
    for number in range(20):
        session.add(DataExport(user_id=user.id, created_at=at))
        session.add(
            ErasureTombstone(
                subject_hash=f"s{number}",
                email_hash=f"e{number}",
                reference=f"R{number}",
                erased_at=at,
            )
        )
    for _ in range(5):
        session.add(GatewayCallback(outcome="bad_hash", answer="", received_at=at))
    session.add(GatewayCallback(outcome="ok", answer="", received_at=at))
    session.flush()
    assert anomalies.detect(session=session, now=NOW)["opened"] == 3
    found = {incident.rule: (incident.subject, incident.events) for incident in incidents(session)}
    assert found == {
        "bulk_exports": ("", 20),
        "bulk_erasures": ("", 20),
        "bad_callback_hashes": ("", 5),
    }


def _staff_session(session, staff, ip: str, at: datetime, device: str = "") -> None:
    session.add(
        StaffSession(
            staff_id=staff.id,
            created_at=at,
            last_seen_at=at,
            expires_at=at + timedelta(hours=8),
            ip_hash=ClientInfo(ip=ip).ip_hash(),
            device_hash=device,
        )
    )
    session.flush()


def test_a_staff_sign_in_from_a_new_network(session):
    moved, stayed, newcomer = (
        add_staff(session, "admin"),
        add_staff(session, "support"),
        add_staff(session, "dpo"),
    )
    _staff_session(session, moved, "41.250.3.3", NOW - timedelta(days=3))
    _staff_session(session, moved, "105.66.1.1", NOW - timedelta(minutes=2))
    _staff_session(session, stayed, "41.250.3.3", NOW - timedelta(days=3))
    _staff_session(session, stayed, "41.250.3.3", NOW - timedelta(minutes=2))
    _staff_session(session, newcomer, "41.250.9.9", NOW - timedelta(minutes=2))
    assert anomalies.detect(session=session, now=NOW)["opened"] == 1
    (incident,) = incidents(session)
    assert (incident.rule, incident.subject) == ("staff_new_network", f"staff:{moved.id}")


def test_a_staff_sign_in_from_a_new_device_on_a_known_network(session):
    switched, same = add_staff(session, "admin"), add_staff(session, "support")
    _staff_session(session, switched, "41.250.3.3", NOW - timedelta(days=3), device="laptop")
    _staff_session(session, switched, "41.250.3.3", NOW - timedelta(minutes=2), device="phone")
    _staff_session(session, same, "41.250.3.3", NOW - timedelta(days=3), device="laptop")
    _staff_session(session, same, "41.250.3.3", NOW - timedelta(minutes=2), device="laptop")
    assert anomalies.detect(session=session, now=NOW)["opened"] == 1
    (incident,) = incidents(session)
    assert (incident.rule, incident.subject) == ("staff_new_device", f"staff:{switched.id}")


def test_the_alert_names_no_person_address_or_hash(session):
    add_staff(session, "admin")
    add_user(session)
    burst(session, "salma@atlas.ma", 12)
    anomalies.detect(session=session, now=NOW)
    (email,) = alerts(session)
    (incident,) = incidents(session)
    body = email.subject + email.text_body + email.html_body
    assert "Many failed sign-ins on one account" in body and "/staff/anomalies" in body
    for secret in ("salma@atlas.ma", "Salma", IP, "admin@oktra.ma", "Admin Agent"):
        assert secret not in body
    assert incident.subject not in body and incident.subject[:12] not in body


def test_the_list_shows_open_incidents_first_with_shortened_hashes(session):
    admin = add_staff(session, "admin")
    burst(session, "salma@atlas.ma", 10)
    burst(session, "karim@atlas.ma", 10, end=NOW + timedelta(minutes=1))
    anomalies.detect(session=session, now=NOW + timedelta(minutes=1))
    older, newer = incidents(session)
    anomalies.acknowledge(session=session, staff=admin, anomaly_id=newer.id, note=NOTE, now=NOW)
    rows = anomalies.list_anomalies(session=session, staff=admin, status=None)
    assert [row.anomaly_id for row in rows] == [older.id, newer.id]
    assert rows[0].subject == f"{older.subject[:12]}…"
    assert rows[0].description == "Many failed sign-ins on one account"
    only = anomalies.list_anomalies(session=session, staff=admin, status=ACKNOWLEDGED)
    assert [row.anomaly_id for row in only] == [newer.id]


@pytest.mark.parametrize("role", EXCLUDED)
def test_other_roles_may_neither_list_nor_acknowledge(session, role):
    burst(session, "salma@atlas.ma", 10)
    anomalies.detect(session=session, now=NOW)
    (incident,) = incidents(session)
    staff = add_staff(session, role.value)
    with pytest.raises(PermissionDeniedError):
        anomalies.list_anomalies(session=session, staff=staff, status=None)
    with pytest.raises(PermissionDeniedError):
        anomalies.acknowledge(
            session=session, staff=staff, anomaly_id=incident.id, note=NOTE, now=NOW
        )
    assert incident.status == OPEN and session.exec(select(AuditEvent)).all() == []


def test_a_burst_the_rate_limiter_stops_is_still_one_incident(engine, monkeypatch):
    """Through the real sign-in service: after five failures the limiter refuses the rest
    without checking the password; those refusals are counted, so the burst is seen."""
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    with session_scope() as session:
        add_user(session)
    client = ClientInfo(ip=IP, user_agent="burst-script/1.0")

    async def attempts() -> None:
        for _ in range(12):
            try:
                await accounts.sign_in(email="salma@atlas.ma", password="guess", client=client)
            except (ValidationFailedError, LimitExceededError):
                continue

    asyncio.run(attempts())
    with session_scope() as session:
        assert anomalies.detect(session=session, now=utc_now()) == {"opened": 1, "updated": 0}
        (incident,) = incidents(session)
        assert (incident.rule, incident.events) == ("signin_failures_account", 12)
