"""The role matrix, exhaustively: every role against every staff service function."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlmodel import select

from oktra.accounts.models import User
from oktra.admin import (
    anomalies,
    audit_trail,
    billing,
    communications,
    dpo,
    operations,
    service,
    users,
)
from oktra.admin.anomaly_models import Anomaly
from oktra.admin.models import AuditEvent
from oktra.admin.roles import (
    ACTIONS,
    Action,
    PermissionDeniedError,
    Role,
    may_act,
    may_read,
    with_matrix,
)
from oktra.billing import payments
from oktra.billing.models import TRANSFER
from oktra.core.clock import to_morocco, utc_now
from oktra.privacy import requests
from oktra.privacy.models import PolicyVersion
from oktra.privacy.registry import Category
from tests.unit.admin.conftest import add_staff, add_user

DOC = Path(__file__).resolve().parents[3] / "docs" / "staff-roles.md"
REASON = "ticket #4711: the customer asks why alerts stopped"
MESSAGE = {lang: "Maintenance on Sunday" for lang in ("en", "fr", "ar")}


def _publish(session, staff, now):
    session.add(PolicyVersion(document="privacy", version="2000-01-01", published_at=now))
    session.flush()
    return communications.publish_policy(
        session=session, staff=staff, document="privacy", substantial=False, summary={}, now=now
    )


def _dpo_request(session, now):
    values = {"right": "access", "message": "", "name": "Nadia", "email": "nadia@example.ma"}
    request = requests.create_request(session=session, values=values, lang="fr", received_at=now)
    requests.mark_verified(session=session, request=request, now=now, note="test")
    return request


def _confirm_transfer(session, staff, user_id, now):
    order = payments.create_order(
        session=session,
        user=session.get(User, user_id),
        plan_code="business",
        billing_period="yearly",
        now=now,
        provider=TRANSFER,
    )
    billing.list_orders(session=session, staff=staff, status=None, provider=None, now=now)
    return billing.confirm_transfer(
        session=session,
        staff=staff,
        oid=order.oid,
        reference="VIR-2026-0001",
        received_on=to_morocco(now).date(),
        now=now,
    )


def _acknowledge_anomaly(session, staff, now):
    incident = Anomaly(rule="bulk_exports", subject="", events=20)
    session.add(incident)
    session.flush()
    anomalies.list_anomalies(session=session, staff=staff, status=None)
    return anomalies.acknowledge(
        session=session, staff=staff, anomaly_id=incident.id, note=REASON, now=now
    )


def _call(action: Action, session, staff, user_id: int, other_staff_id: int):
    now = utc_now()
    calls = {
        Action.FIND_USERS: lambda: service.find_users(
            session=session, staff=staff, query="salma@atlas.ma"
        ),
        Action.READ_USER: lambda: service.read_user(
            session=session, staff=staff, user_id=user_id, reason=REASON, now=now
        ),
        Action.READ_CONSENT_HISTORY: lambda: service.read_consent_history(
            session=session, staff=staff, user_id=user_id, reason=REASON, now=now
        ),
        Action.READ_SECURITY_EVENTS: lambda: service.read_security_events(
            session=session, staff=staff, reason=REASON, now=now, user_id=user_id
        ),
        Action.READ_STATISTICS: lambda: service.read_statistics(
            session=session, staff=staff, now=now
        ),
        Action.LIST_STAFF: lambda: service.list_staff(session=session, staff=staff),
        Action.DISABLE_STAFF: lambda: service.disable_staff(
            session=session, staff=staff, staff_id=other_staff_id, reason=REASON, now=now
        ),
        Action.PUBLISH_POLICY: lambda: _publish(session, staff, now),
        Action.SEND_SERVICE_UPDATE: lambda: communications.send_announcement(
            session=session,
            staff=staff,
            kind="service_update",
            subject=MESSAGE,
            body=MESSAGE,
            now=now,
        ),
        Action.SEND_PRODUCT_NEWS: lambda: communications.send_announcement(
            session=session,
            staff=staff,
            kind="product_news",
            subject=MESSAGE,
            body=MESSAGE,
            now=now,
        ),
        Action.MANAGE_DPO_REQUESTS: lambda: dpo.open_request(
            session=session, staff=staff, request_id=_dpo_request(session, now).id, now=now
        ),
        Action.CONFIRM_BANK_TRANSFERS: lambda: _confirm_transfer(session, staff, user_id, now),
        Action.MANAGE_ANOMALIES: lambda: _acknowledge_anomaly(session, staff, now),
        Action.DISABLE_USER: lambda: users.disable_user(
            session=session, staff=staff, user_id=user_id, reason=REASON, now=now
        ),
        Action.READ_AUDIT_TRAIL: lambda: audit_trail.read_audit_trail(
            session=session, staff=staff, filters=audit_trail.AuditFilter(), now=now
        ),
        Action.READ_OPERATIONS: lambda: operations.read_operations(
            session=session, staff=staff, now=now
        ),
    }
    assert set(calls) == set(Action), "every action needs its call here"
    return calls[action]()


AUDITED = {
    Action.READ_USER,
    Action.READ_CONSENT_HISTORY,
    Action.READ_SECURITY_EVENTS,
    Action.DISABLE_STAFF,
    Action.PUBLISH_POLICY,
    Action.SEND_SERVICE_UPDATE,
    Action.SEND_PRODUCT_NEWS,
    Action.MANAGE_DPO_REQUESTS,
    Action.CONFIRM_BANK_TRANSFERS,
    Action.MANAGE_ANOMALIES,
    Action.DISABLE_USER,
    Action.READ_AUDIT_TRAIL,
}
# Actions whose audit reason the service writes (naming the order or incident), not the staff
# member.
REASON_WRITTEN_BY_SERVICE = {
    Action.CONFIRM_BANK_TRANSFERS,
    Action.MANAGE_ANOMALIES,
    Action.READ_AUDIT_TRAIL,
}


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)))
def test_each_role_is_allowed_or_refused_each_action_as_the_matrix_says(session, role, action):
    user = add_user(session)
    staff = add_staff(session, role.value)
    other = add_staff(session, "support", "colleague@oktra.ma")
    if may_act(role, action):
        _call(action, session, staff, user.id, other.id)
        events = session.exec(select(AuditEvent).where(AuditEvent.staff_id == staff.id)).all()
        assert bool(events) == (action in AUDITED)
        assert all(event.staff_role == role.value and event.reason for event in events)
        if action not in REASON_WRITTEN_BY_SERVICE:
            assert all(event.reason == REASON for event in events if event.user_id is not None)
    else:
        with pytest.raises(PermissionDeniedError):
            _call(action, session, staff, user.id, other.id)
        assert session.exec(select(AuditEvent)).all() == []


@pytest.mark.parametrize("role", [role for role in Role if may_act(role, Action.READ_USER)])
def test_read_user_shows_exactly_the_categories_the_role_reads_and_audits_each(session, role):
    user = add_user(session)
    staff = add_staff(session, role.value)
    record = service.read_user(
        session=session, staff=staff, user_id=user.id, reason=REASON, now=utc_now()
    )
    expected = {category for category in Category if may_read(role, category)}
    assert set(record.categories) == expected
    events = session.exec(select(AuditEvent).where(AuditEvent.user_id == user.id)).all()
    assert {event.category for event in events} == {category.value for category in expected}
    assert all(event.subject_hash and event.subject_hash != user.email for event in events)


def test_a_support_agent_cannot_see_payment_consent_or_security_data(session):
    user = add_user(session)
    staff = add_staff(session, "support")
    record = service.read_user(
        session=session, staff=staff, user_id=user.id, reason=REASON, now=utc_now()
    )
    assert Category.PAYMENT not in record.categories
    assert Category.CONSENT not in record.categories
    assert Category.SECURITY not in record.categories
    assert record.categories[Category.ACCOUNT]["user_account"][0]["email"] == "salma@atlas.ma"


def test_least_privilege_sanity():
    assert not may_read(Role.SUPPORT, Category.PAYMENT)
    assert not may_read(Role.TECHNICAL, Category.ACCOUNT)
    assert not any(may_read(Role.DEVELOPMENT, category) for category in Category)
    assert all(may_read(Role.DPO, category) for category in Category)
    assert may_read(Role.ADMIN, Category.SECURITY)
    assert ACTIONS[Role.DEVELOPMENT] == {Action.READ_STATISTICS, Action.READ_OPERATIONS}
    assert not may_act(Role.SUPPORT, Action.DISABLE_STAFF)


def test_a_role_that_reads_no_category_cannot_read_users():
    for role in Role:
        reads_something = any(may_read(role, category) for category in Category)
        assert may_act(role, Action.READ_USER) == reads_something


def test_a_disabled_staff_member_is_refused_everything(session):
    admin = add_staff(session, "admin")
    admin.active = False
    with pytest.raises(PermissionDeniedError):
        service.read_statistics(session=session, staff=admin, now=utc_now())


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, None])
def test_reading_a_user_without_a_fitting_reason_is_refused(session, reason):
    user = add_user(session)
    staff = add_staff(session, "dpo")
    with pytest.raises(ValueError, match="reason"):
        service.read_user(
            session=session, staff=staff, user_id=user.id, reason=reason, now=utc_now()
        )
    assert session.exec(select(AuditEvent)).all() == []


def test_finding_users_needs_an_exact_email_or_id(session):
    user = add_user(session)
    staff = add_staff(session, "support")
    assert service.find_users(session=session, staff=staff, query=" SALMA@atlas.ma ") == [user.id]
    assert service.find_users(session=session, staff=staff, query=f"#{user.id}") == [user.id]
    assert service.find_users(session=session, staff=staff, query="salma") == []


def test_the_committed_doc_holds_the_generated_matrix():
    text = DOC.read_text(encoding="utf-8")
    assert with_matrix(text) == text
