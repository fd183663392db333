"""The billing page of the back office: confirming a bank transfer starts one period and one
invoice, exactly once, audited; card orders, other roles and customers are refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from oktra.accounts.models import User
from oktra.admin import billing
from oktra.admin.billing_state import StaffBillingState
from oktra.admin.models import AuditEvent
from oktra.admin.roles import Action, PermissionDeniedError, Role, may_act
from oktra.admin.state import DENIED
from oktra.billing import payments
from oktra.billing.models import CARD, PAID, PENDING, TRANSFER, BillingOrder, Invoice
from oktra.billing.models import SubscriptionPeriod as Period
from oktra.core.clock import to_morocco, utc_now
from oktra.db import session_scope
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token
from tests.unit.admin.conftest import add_staff, add_user, staff_state, staff_token

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RECEIVED = date(2026, 3, 2)
EXCLUDED = [role for role in Role if not may_act(role, Action.CONFIRM_BANK_TRANSFERS)]


def new_order(session, *, provider=TRANSFER, email="salma@atlas.ma", now=NOW) -> BillingOrder:
    """A pending Business order of a customer, by bank transfer unless told."""
    user = session.exec(select(User).where(User.email == email)).first() or add_user(session, email)
    return payments.create_order(
        session=session,
        user=user,
        plan_code="business",
        billing_period="yearly",
        now=now,
        provider=provider,
    )


def confirm(session, staff, order, reference="VIR 2026/0042", received_on=RECEIVED):
    return billing.confirm_transfer(
        session=session,
        staff=staff,
        oid=order.oid,
        reference=reference,
        received_on=received_on,
        now=NOW + timedelta(hours=1),
    )


def count(session, model) -> int:
    return len(session.exec(select(model)).all())


def test_support_confirms_a_pending_transfer_once(session):
    agent = add_staff(session, "support")
    order = new_order(session)
    confirm(session, agent, order)
    assert order.status == PAID and order.transaction_id == "VIR 2026/0042"
    assert order.confirmed_by == agent.id and order.paid_at is not None
    assert count(session, Period) == 1 and count(session, Invoice) == 1
    (event,) = session.exec(select(AuditEvent)).all()
    assert event.action == billing.CONFIRM_AUDIT_ACTION and event.category == "payment"
    assert event.staff_id == agent.id and event.user_id == order.user_id
    assert order.oid in event.reason and str(order.amount) in event.reason
    assert event.subject_hash and "salma@atlas.ma" not in event.subject_hash + event.reason


def test_a_second_confirmation_is_refused_and_adds_no_period(session):
    admin = add_staff(session, "admin")
    order = new_order(session)
    confirm(session, admin, order)
    with pytest.raises(billing.BillingAdminError, match="already paid"):
        confirm(session, add_staff(session, "support"), order, reference="OTHER")
    assert order.transaction_id == "VIR 2026/0042" and order.confirmed_by == admin.id
    assert count(session, Period) == 1 and count(session, Invoice) == 1
    assert count(session, AuditEvent) == 1


def test_a_period_applied_meanwhile_is_not_applied_twice(session):
    agent = add_staff(session, "support")
    order = new_order(session)
    payments.apply_payment(session=session, order=order, now=NOW)
    order.status = PENDING  # as seen by a confirmation racing the first one
    with pytest.raises(billing.BillingAdminError, match="already paid"):
        confirm(session, agent, order)
    assert count(session, Period) == 1 and count(session, AuditEvent) == 0


def test_a_card_order_cannot_be_confirmed_as_a_transfer(session):
    agent = add_staff(session, "support")
    order = new_order(session, provider=CARD)
    with pytest.raises(billing.BillingAdminError, match="card"):
        confirm(session, agent, order)
    assert order.status == PENDING and count(session, Period) == 0
    assert count(session, AuditEvent) == 0


@pytest.mark.parametrize(
    ("reference", "received_on", "message"),
    [
        ("", RECEIVED, "reference"),
        ("   ", RECEIVED, "reference"),
        ("x" * 65, RECEIVED, "reference"),
        ("VIR-1", None, "date"),
        ("VIR-1", date(2026, 3, 3), "future"),
        ("VIR-1", date(2026, 3, 1), "before the order"),
    ],
)
def test_a_confirmation_needs_a_reference_and_a_plausible_date(
    session, reference, received_on, message
):
    agent = add_staff(session, "support")
    order = new_order(session)
    with pytest.raises(billing.BillingAdminError, match=message):
        confirm(session, agent, order, reference=reference, received_on=received_on)
    assert order.status == PENDING and count(session, Period) == 0


def test_support_lists_only_the_transfers_to_confirm_and_the_read_is_audited(session):
    agent = add_staff(session, "support")
    new_order(session, provider=CARD, now=NOW + timedelta(minutes=2))
    paid = new_order(session, email="karim@atlas.ma", now=NOW + timedelta(minutes=1))
    confirm(session, agent, paid)
    waiting = new_order(session, now=NOW)
    later = new_order(session, email="omar@atlas.ma", now=NOW + timedelta(minutes=3))
    rows = billing.list_orders(session=session, staff=agent, status=PAID, provider=CARD, now=NOW)
    assert [row.oid for row in rows] == [later.oid, waiting.oid]
    assert all(row.confirmable for row in rows)
    assert rows[1].email == "salma@atlas.ma" and rows[1].company == "Atlas BTP"
    listed = session.exec(
        select(AuditEvent).where(AuditEvent.action == billing.LIST_AUDIT_ACTION)
    ).all()
    assert {event.category for event in listed} == {"account", "payment"}
    assert all(event.reason and event.user_id is None for event in listed)


def test_an_admin_sees_the_transfers_to_confirm_without_the_customers_account_data(session):
    admin = add_staff(session, "admin")
    waiting = new_order(session, now=NOW)
    [row] = billing.list_orders(session=session, staff=admin, status=None, provider=None, now=NOW)
    assert (row.oid, row.email, row.company) == (waiting.oid, "", "")
    listed = session.exec(
        select(AuditEvent.category).where(AuditEvent.action == billing.LIST_AUDIT_ACTION)
    ).all()
    assert listed == ["payment"]


@pytest.mark.parametrize("role", EXCLUDED)
def test_roles_the_matrix_excludes_are_refused_by_the_service(session, role):
    member = add_staff(session, role.value)
    order = new_order(session)
    with pytest.raises(PermissionDeniedError):
        billing.list_orders(session=session, staff=member, status=None, provider=None, now=NOW)
    with pytest.raises(PermissionDeniedError):
        confirm(session, member, order)
    assert order.status == PENDING and count(session, Period) == 0
    assert count(session, AuditEvent) == 0


def _pending_transfer() -> str:
    with session_scope() as session:
        return new_order(session, now=utc_now()).oid


def _today() -> str:
    return to_morocco(utc_now()).date().isoformat()


def test_support_confirms_a_transfer_from_the_page(engine):
    oid = _pending_transfer()
    _staff_id, token = staff_token("support")
    state = staff_state(StaffBillingState, cookie=f"oktra_staff={token}", path="/staff/billing")
    run_handler(StaffBillingState.open_page, state)
    assert not state.denied and [row["oid"] for row in state.rows] == [oid]
    run_handler(StaffBillingState.choose, state, oid)
    assert state.selected["oid"] == oid
    run_handler(StaffBillingState.confirm, state, {"reference": "", "received_on": _today()})
    assert "reference" in state.error and state.selected["oid"] == oid
    form = {"reference": "VIR-77", "received_on": _today()}
    run_handler(StaffBillingState.confirm, state, form)
    assert state.error == "" and oid in state.message and state.selected == {}
    assert state.rows == []  # confirmed, it leaves the transfers to confirm
    run_handler(StaffBillingState.choose, state, oid)
    assert state.error and state.selected == {}
    with session_scope() as session:
        assert count(session, Period) == 1
        assert payments.order_by_oid(session=session, oid=oid).transaction_id == "VIR-77"


def test_the_page_of_a_role_without_payment_data_lists_only_the_transfers_to_confirm(engine):
    oid = _pending_transfer()
    _staff_id, token = staff_token("admin")
    state = staff_state(StaffBillingState, cookie=f"oktra_staff={token}", path="/staff/billing")
    run_handler(StaffBillingState.open_page, state)
    assert not state.sees_all
    run_handler(StaffBillingState.filter_provider, state, CARD)
    assert [row["oid"] for row in state.rows] == [oid]
    assert state.rows[0]["email"] == "—"


@pytest.mark.parametrize("role", EXCLUDED)
def test_the_page_refuses_roles_the_matrix_excludes(engine, role):
    oid = _pending_transfer()
    _staff_id, token = staff_token(role.value)
    state = staff_state(StaffBillingState, cookie=f"oktra_staff={token}", path="/staff/billing")
    assert run_handler(StaffBillingState.open_page, state) is None
    assert state.denied and state.rows == []
    state.selected = {"oid": oid}
    run_handler(StaffBillingState.confirm, state, {"reference": "VIR-1", "received_on": _today()})
    assert state.error == DENIED
    with session_scope() as session:
        assert count(session, AuditEvent) == 0 and count(session, Period) == 0


def test_a_customer_session_gets_nothing(engine, monkeypatch):
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    oid = _pending_transfer()
    token = signed_in_token(create_account("karim@atlas.ma"))
    for cookie in (f"oktra_session={token}", f"oktra_staff={token}"):
        state = staff_state(StaffBillingState, cookie=cookie, path="/staff/billing")
        assert run_handler(StaffBillingState.open_page, state) is not None
        assert state.rows == []
        run_handler(StaffBillingState.choose, state, oid)
        assert state.error == DENIED and state.selected == {}
        state.selected = {"oid": oid}
        form = {"reference": "VIR-1", "received_on": _today()}
        run_handler(StaffBillingState.confirm, state, form)
        assert state.error == DENIED
    with session_scope() as session:
        assert count(session, AuditEvent) == 0 and count(session, Period) == 0
        assert payments.order_by_oid(session=session, oid=oid).status == PENDING
