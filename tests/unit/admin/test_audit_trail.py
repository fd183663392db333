"""The audit trail: filtered by staff member, user (even erased, by the keyed hash), action and
Casablanca days; exported as CSV; every read and export leaves its own event."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from oktra.admin import audit, audit_trail, service
from oktra.admin.audit_trail import AuditFilter, AuditFilterError
from oktra.admin.models import AuditEvent
from oktra.admin.roles import PermissionDeniedError
from oktra.privacy.registry import Category
from tests.unit.admin.conftest import add_staff, add_user

# 23:30 UTC on 1 June is 00:30 on 2 June in Casablanca (UTC+1 outside Ramadan).
LATE = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
READ_AT = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


def _trail(session):
    salma, karim = add_user(session), add_user(session, "karim@atlas.ma")
    support = add_staff(session, "support")
    dpo = add_staff(session, "dpo")
    service.read_user(session=session, staff=support, user_id=salma.id, reason="ticket 1", now=NOON)
    service.read_user(session=session, staff=dpo, user_id=karim.id, reason="request 7", now=LATE)
    return salma, karim, support, dpo


def _reasons(rows) -> set[str]:
    return {row.reason for row in rows}


def test_filters_by_staff_user_action_and_casablanca_day(session):
    salma, karim, support, _dpo = _trail(session)
    admin = add_staff(session, "admin")

    def read(**filters):
        return audit_trail.read_audit_trail(
            session=session, staff=admin, filters=AuditFilter(**filters), now=READ_AT
        )

    assert _reasons(read(staff="support@oktra.ma")) == {"ticket 1"}
    assert _reasons(read(staff=str(support.id))) == {"ticket 1"}
    assert _reasons(read(user="karim@atlas.ma")) == {"request 7"}
    assert _reasons(read(user=f"#{salma.id}")) == {"ticket 1"}
    assert _reasons(read(action="read_user")) == {"ticket 1", "request 7"}
    assert _reasons(read(since=date(2026, 6, 2), until=date(2026, 6, 2))) == {"request 7"}
    assert _reasons(read(until=date(2026, 6, 1))) == {"ticket 1"}
    assert len(read(user="karim@atlas.ma")) == len(Category)  # the DPO reads every category
    assert karim.id not in {row.user_id for row in read(staff="support@oktra.ma")}


def test_an_erased_user_is_still_found_by_email_through_the_keyed_hash(session):
    salma, _karim, _support, _dpo = _trail(session)
    salma.email = f"erased-{salma.id}@invalid"
    session.flush()
    admin = add_staff(session, "admin")
    rows = audit_trail.read_audit_trail(
        session=session, staff=admin, filters=AuditFilter(user="salma@atlas.ma"), now=LATE
    )
    assert _reasons(rows) == {"ticket 1"}


def test_bad_filters_are_refused_with_a_clear_message(session):
    _trail(session)
    admin = add_staff(session, "admin")
    for filters, message in (
        (AuditFilter(staff="nobody@oktra.ma"), "No staff member"),
        (AuditFilter(user="salma"), "exact email or id"),
        (AuditFilter(since=date(2026, 6, 2), until=date(2026, 6, 1)), "comes after"),
    ):
        with pytest.raises(AuditFilterError, match=message):
            audit_trail.read_audit_trail(session=session, staff=admin, filters=filters, now=LATE)


def test_each_read_and_export_of_the_trail_is_itself_audited(session):
    _trail(session)
    admin = add_staff(session, "admin")
    filters = AuditFilter(action="read_user", since=date(2026, 6, 1))
    audit_trail.read_audit_trail(session=session, staff=admin, filters=filters, now=LATE)
    audit_trail.export_audit_trail(session=session, staff=admin, filters=filters, now=LATE)
    own = session.exec(select(AuditEvent).where(AuditEvent.staff_id == admin.id)).all()
    assert [(e.action, e.reason) for e in own] == [
        ("read_audit_trail", "audit trail: action=read_user, since=2026-06-01"),
        ("export_audit_trail", "audit trail: action=read_user, since=2026-06-01"),
    ]


def test_the_csv_holds_every_match_in_casablanca_time_and_defuses_formulas(session):
    salma, _karim, support, _dpo = _trail(session)
    audit.record(
        session=session,
        staff=support,
        action="read_user",
        reason='=HYPERLINK("http://evil")',
        now=NOON,
        user_id=salma.id,
    )
    admin = add_staff(session, "admin")
    text = audit_trail.export_audit_trail(
        session=session, staff=admin, filters=AuditFilter(staff="support@oktra.ma"), now=LATE
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == audit_trail.CSV_COLUMNS
    assert len(rows) == 4  # three categories read, plus the crafted event
    assert {row["time_casablanca"] for row in rows} == {"2026-06-01 13:00:00"}
    assert {row["staff_email"] for row in rows} == {"support@oktra.ma"}
    assert '\'=HYPERLINK("http://evil")' in {row["reason"] for row in rows}
    assert "salma@atlas.ma" not in text


@pytest.mark.parametrize("role", ["support", "technical", "development"])
def test_roles_outside_the_matrix_neither_read_nor_export_the_trail(session, role):
    _trail(session)
    staff = add_staff(session, role, f"{role}2@oktra.ma")
    before = len(session.exec(select(AuditEvent)).all())
    for call in (audit_trail.read_audit_trail, audit_trail.export_audit_trail):
        with pytest.raises(PermissionDeniedError):
            call(session=session, staff=staff, filters=AuditFilter(), now=LATE)
    assert len(session.exec(select(AuditEvent)).all()) == before
