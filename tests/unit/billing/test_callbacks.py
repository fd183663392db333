"""CMI callbacks against real orders: an approval starts one period and one invoice, whatever
is repeated, forged or raced; every callback is logged without card data."""

from __future__ import annotations

import concurrent.futures
import logging
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select
from starlette.testclient import TestClient

from oktra.accounts.models import User
from oktra.api import build_api
from oktra.billing import payments
from oktra.billing.callbacks import ACKNOWLEDGED, CAPTURE, FAILURE, handle_callback
from oktra.billing.models import (
    DECLINED,
    PAID,
    BillingOrder,
    GatewayCallback,
    Invoice,
    SubscriptionPeriod,
)
from oktra.db import session_scope
from oktra.integrations.cmi import ver3_hash
from oktra.settings import get_settings

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
STORE_KEY = "store-key-of-the-tests-0123456789"
CARD = {"pan": "4111111111111111", "cvv": "918", "expiry": "11/31"}


@pytest.fixture
def order(session):
    user = User(email="salma@atlas.ma", full_name="Salma Alaoui", company_name="Atlas Travaux")
    session.add(user)
    session.flush()
    made = payments.create_order(
        session=session, user=user, plan_code="pro", billing_period="monthly", now=NOW
    )
    session.commit()
    return made


def _callback(order: BillingOrder, *, key: str = STORE_KEY, **changes: str) -> dict[str, str]:
    fields = {
        "clientid": "600000000",
        "oid": order.oid,
        "amount": "238.80",
        "currency": "504",
        "rnd": "f3a9",
        "okUrl": "https://oktra.ma/billing/cmi/ok",
        "ProcReturnCode": "00",
        "Response": "Approved",
        "TransId": "26334Kq9",
        "mdStatus": "1",
        "MaskedPan": "411111***1111",
    }
    fields.update(changes)
    fields["HASH"] = ver3_hash(fields, key)
    return fields


def _handle(session, form: dict[str, str]) -> str:
    outcome = handle_callback(session=session, form=form, store_key=STORE_KEY, now=NOW)
    session.commit()
    return outcome.answer


def _periods(session) -> list[SubscriptionPeriod]:
    session.expire_all()
    return list(session.exec(select(SubscriptionPeriod)).all())


def test_an_approval_starts_one_period_and_issues_an_invoice(session, order):
    assert order.amount == Decimal("238.80")
    assert _handle(session, _callback(order)) == CAPTURE
    [period] = _periods(session)
    assert (period.plan_code, period.starts_at, period.ends_at.month) == ("pro", NOW, 12)
    paid = session.get(BillingOrder, order.id)
    assert (paid.status, paid.transaction_id) == (PAID, "26334Kq9")
    invoice = session.exec(select(Invoice)).one()
    assert invoice.number == "OKT-2026-000001"
    assert (invoice.customer_company, invoice.amount) == ("Atlas Travaux", Decimal("238.80"))


def test_a_repeated_approval_gets_the_same_answer_and_changes_nothing(session, order):
    form = _callback(order)
    assert _handle(session, form) == CAPTURE
    assert _handle(session, form) == CAPTURE
    assert len(_periods(session)) == 1
    assert len(session.exec(select(Invoice)).all()) == 1
    outcomes = session.exec(select(GatewayCallback.outcome).order_by(GatewayCallback.id)).all()
    assert outcomes == ["approved", "approved_again"]


@pytest.mark.parametrize(
    ("label", "forge"),
    [
        ("wrong hash", lambda order: {**_callback(order), "HASH": "AAAA"}),
        ("other key", lambda order: _callback(order, key="another-store-key-987654321")),
        ("field added after signing", lambda order: {**_callback(order), "BillToName": "X"}),
        ("field changed after signing", lambda order: {**_callback(order), "amount": "2.40"}),
        ("changed amount", lambda order: _callback(order, amount="2.40")),
        ("other currency", lambda order: _callback(order, currency="978")),
        ("unknown oid", lambda order: _callback(order, oid="OKT-NOT-OURS")),
    ],
)
def test_a_forged_or_mismatched_callback_is_refused_and_changes_nothing(
    session, order, label, forge
):
    assert _handle(session, forge(order)) == FAILURE, label
    assert _periods(session) == []
    assert session.get(BillingOrder, order.id).status == "pending"
    assert session.exec(select(GatewayCallback.answer)).one() == FAILURE


def test_a_decline_is_acknowledged_and_an_approval_may_follow(session, order):
    declined = _callback(order, ProcReturnCode="05", Response="Declined", ErrMsg="Not sufficient")
    assert _handle(session, declined) == ACKNOWLEDGED
    assert session.get(BillingOrder, order.id).status == DECLINED
    assert _periods(session) == []
    assert _handle(session, _callback(order)) == CAPTURE
    assert session.get(BillingOrder, order.id).status == PAID


def test_a_decline_after_the_approval_is_refused_and_the_period_stays(session, order):
    assert _handle(session, _callback(order)) == CAPTURE
    declined = _callback(order, ProcReturnCode="05", Response="Declined")
    assert _handle(session, declined) == FAILURE
    assert session.get(BillingOrder, order.id).status == PAID
    assert len(_periods(session)) == 1


def test_a_renewal_of_the_same_plan_starts_when_the_running_period_ends(session, order):
    _handle(session, _callback(order))
    user = session.get(User, order.user_id)
    renewal = payments.create_order(
        session=session, user=user, plan_code="pro", billing_period="yearly", now=NOW
    )
    session.commit()
    assert _handle(session, _callback(renewal, amount="2388.00")) == CAPTURE
    first, second = sorted(_periods(session), key=lambda p: p.starts_at)
    assert second.starts_at == first.ends_at
    assert (second.ends_at.year, second.ends_at.month) == (2027, 12)
    numbers = session.exec(select(Invoice.number).order_by(Invoice.id)).all()
    assert numbers == ["OKT-2026-000001", "OKT-2026-000002"]


def test_twenty_concurrent_copies_of_an_approval_add_exactly_one_period(engine, order):
    form = _callback(order)

    def deliver() -> str:
        for _attempt in range(20):
            try:
                with session_scope(engine) as session:
                    return _handle(session, form)
            except OperationalError:
                continue
        return "gave up"

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: deliver(), range(20)))
    assert answers == [CAPTURE] * 20
    with session_scope(engine) as session:
        assert len(session.exec(select(SubscriptionPeriod)).all()) == 1
        assert len(session.exec(select(Invoice)).all()) == 1
        outcomes = session.exec(select(GatewayCallback.outcome)).all()
        assert sorted(outcomes) == ["approved"] + ["approved_again"] * 19


def test_card_like_fields_of_a_callback_reach_neither_the_database_nor_the_logs(
    session, order, caplog
):
    caplog.set_level(logging.DEBUG)
    form = _callback(order, Pan=CARD["pan"], Ecom_Payment_Card_ExpDate_Month="11")
    form.update(Ecom_Payment_Card_ExpDate_Year="31", CVV2=CARD["cvv"], expiry=CARD["expiry"])
    form["HASH"] = ver3_hash({k: v for k, v in form.items() if k != "HASH"}, STORE_KEY)
    assert _handle(session, form) == CAPTURE
    texts = [record.getMessage() for record in caplog.records]
    inspector = inspect(session.get_bind())
    for table in inspector.get_table_names():
        for row in session.execute(text(f'SELECT * FROM "{table}"')):
            texts.append(" ".join(str(value) for value in row))
    for secret in (CARD["pan"], CARD["cvv"], CARD["expiry"], STORE_KEY):
        alone = re.compile(rf"(?<![\w/]){re.escape(secret)}(?![\w/])")
        assert not [line for line in texts if alone.search(line)], secret


def test_the_callback_route_answers_cmi_in_plain_text_and_applies_once(session, order, monkeypatch):
    monkeypatch.setenv("OKTRA_CMI_STORE_KEY", STORE_KEY)
    get_settings.cache_clear()
    client = TestClient(build_api())
    form = _callback(order)
    first = client.post("/billing/cmi/callback", data=form)
    again = client.post("/billing/cmi/callback", data=form)
    forged = client.post("/billing/cmi/callback", data={**form, "amount": "1.00"})
    assert (first.status_code, first.text, again.text, forged.text) == (
        200,
        CAPTURE,
        CAPTURE,
        FAILURE,
    )
    assert first.headers["content-type"].startswith("text/plain")
    assert len(_periods(session)) == 1


def test_a_callback_not_posted_as_a_url_encoded_form_is_refused_and_changes_nothing(
    session, order, monkeypatch
):
    monkeypatch.setenv("OKTRA_CMI_STORE_KEY", STORE_KEY)
    get_settings.cache_clear()
    client = TestClient(build_api())
    form = _callback(order)
    for wrong in ({"json": form}, {"files": {"oid": (None, order.oid)}, "data": form}):
        answer = client.post("/billing/cmi/callback", **wrong)
        assert answer.status_code == 415
        assert "application/x-www-form-urlencoded" in answer.text
    assert _periods(session) == []
    assert session.exec(select(GatewayCallback)).all() == []
    assert client.post("/billing/cmi/callback", data=form).text == CAPTURE
