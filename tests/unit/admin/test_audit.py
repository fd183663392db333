"""The audit trail is append-only and names the subject by a keyed hash plus the user id."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oktra.admin import audit
from oktra.admin.models import AppendOnlyError, AuditEvent
from oktra.admin.security import subject_hash
from oktra.core.clock import utc_now
from oktra.privacy.registry import REGISTRY, Category
from oktra.privacy.retention import purge_table
from tests.unit.admin.conftest import add_staff, add_user


def _event(session):
    staff = add_staff(session, "dpo")
    user = add_user(session)
    return audit.record(
        session=session,
        staff=staff,
        action="read_user",
        reason="data-rights request 12",
        now=utc_now(),
        category=Category.ACCOUNT,
        user_id=user.id,
        subject=user.email,
    )


def test_record_keeps_who_what_whom_when_and_why(session):
    event = _event(session)
    assert event.staff_role == "dpo"
    assert event.subject_hash == subject_hash("salma@atlas.ma")
    assert event.category == "account"
    assert event.reason == "data-rights request 12"
    assert event.created_at.tzinfo is not None


def test_an_audit_event_cannot_be_updated(session):
    event = _event(session)
    event.reason = "something else"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()


def test_an_audit_event_cannot_be_deleted(session):
    event = _event(session)
    session.commit()
    session.delete(event)
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    assert session.exec(select(AuditEvent)).all() != []


def test_the_audit_trail_is_in_the_personal_data_registry():
    assert REGISTRY["audit_event"].category == Category.SECURITY


def test_events_past_five_years_are_purged_and_recent_ones_kept(session):
    from datetime import timedelta

    event = _event(session)
    rule = REGISTRY["audit_event"]
    later = event.created_at + timedelta(days=5 * 365 - 1)
    assert purge_table(session=session, declaration=rule, now=later)["audit_event"] == 0
    much_later = event.created_at + timedelta(days=5 * 365 + 1)
    assert purge_table(session=session, declaration=rule, now=much_later)["audit_event"] == 1
    session.expire_all()
    assert session.exec(select(AuditEvent)).all() == []
