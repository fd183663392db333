"""A real order paid through the CMI simulator, whose callbacks reach OKTRA's own callback
route: uvicorn serves the app's HTTP routes (`build_api`) on a free local port; httpx plays
the browser (the Chromium journey comes with the checkout pages)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn
from sqlmodel import select

from oktra import cli
from oktra.accounts.models import User
from oktra.api import build_api
from oktra.billing import payments
from oktra.billing.models import (
    DECLINED,
    PAID,
    REFUNDED,
    BillingOrder,
    GatewayCallback,
    SubscriptionPeriod,
)
from oktra.core.clock import utc_now
from oktra.integrations.cmi import CheckoutForm, checkout_fields
from oktra.settings import get_settings
from tests.unit.integrations.test_cmi_simulator import (
    APPROVED_CARD,
    CHECKOUT,
    CLIENT_ID,
    CVC,
    DECLINED_CARD,
    EXPIRY,
    PAY,
    STORE_KEY,
    Page,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LATE_CALLBACK_SECONDS = 15.0


@pytest.fixture
def app_url(engine, monkeypatch) -> Iterator[str]:
    """OKTRA's HTTP routes served for real, with this test's database and CMI settings."""
    monkeypatch.setenv("OKTRA_CMI_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("OKTRA_CMI_STORE_KEY", STORE_KEY)
    get_settings.cache_clear()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(build_api(), log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def order(session) -> BillingOrder:
    user = User(email="karim@atlas.ma", full_name="Karim Bennani", company_name="Atlas BTP")
    session.add(user)
    session.flush()
    made = payments.create_order(
        session=session, user=user, plan_code="pro", billing_period="monthly", now=NOW
    )
    session.commit()
    return made


def _pay(app_url: str, order: BillingOrder, card: str, mode: str = "normal") -> httpx.Response:
    form = CheckoutForm(
        client_id=CLIENT_ID,
        oid=order.oid,
        amount=order.amount,
        ok_url=f"{app_url}/billing/cmi/ok",
        fail_url=f"{app_url}/billing/cmi/fail",
        callback_url=f"{app_url}/billing/cmi/callback",
        shop_url=f"{app_url}/",
        bill_to_name="Karim Bennani",
        bill_to_company="Atlas BTP",
        email="karim@atlas.ma",
        tel="+212600000001",
        description="OKTRA Pro",
    )
    with httpx.Client(base_url=app_url, timeout=30) as browser:
        card_page = browser.post(CHECKOUT, data=checkout_fields(form=form, store_key=STORE_KEY))
        assert card_page.status_code == 200, card_page.text
        token = Page(card_page.text).forms[0]["fields"]["token"]
        fields = {"token": token, "card-number": card, "card-expiry": EXPIRY, "card-cvc": CVC}
        return browser.post(PAY, data={**fields, "callback": mode, "action": "pay"})


def _state(session, order: BillingOrder) -> tuple[str, int, list[str]]:
    session.expire_all()
    status = session.get(BillingOrder, order.id).status
    periods = len(session.exec(select(SubscriptionPeriod)).all())
    outcomes = list(session.exec(select(GatewayCallback.outcome).order_by(GatewayCallback.id)))
    return status, periods, outcomes


def test_the_approving_card_pays_the_order_through_the_real_callback(session, order, app_url):
    answer = _pay(app_url, order, APPROVED_CARD)
    assert Page(answer.text).forms[0]["action"].endswith("/billing/cmi/ok")
    assert _state(session, order) == (PAID, 1, ["approved"])


def test_a_declined_card_leaves_the_order_unpaid(session, order, app_url):
    answer = _pay(app_url, order, DECLINED_CARD)
    assert Page(answer.text).forms[0]["action"].endswith("/billing/cmi/fail")
    assert _state(session, order) == (DECLINED, 0, ["declined"])


def test_a_callback_sent_twice_adds_one_period(session, order, app_url):
    _pay(app_url, order, APPROVED_CARD, mode="twice")
    assert _state(session, order) == (PAID, 1, ["approved", "approved_again"])


def test_a_callback_arriving_after_the_redirect_still_pays_the_order(session, order, app_url):
    _pay(app_url, order, APPROVED_CARD, mode="late")
    assert _state(session, order)[0] == "pending"
    deadline = time.monotonic() + LATE_CALLBACK_SECONDS
    while _state(session, order)[0] != PAID:
        assert time.monotonic() < deadline, "the late callback never arrived"
        time.sleep(0.2)
    assert _state(session, order) == (PAID, 1, ["approved"])


def test_the_billing_commands_ask_cmi_and_a_full_refund_ends_the_period(
    session, order, app_url, monkeypatch, capsys
):
    monkeypatch.setenv("OKTRA_CMI_API_URL", f"{app_url}/cmi-simulator/fim/api")
    monkeypatch.setenv("OKTRA_CMI_API_PASSWORD", "api-password-of-the-tests")
    get_settings.cache_clear()
    _pay(app_url, order, APPROVED_CARD)

    assert cli.main(["billing", "status", order.oid]) == 0
    assert "captured 238.80" in capsys.readouterr().out
    assert cli.main(["billing", "refund", order.oid]) == 0
    assert "refunded 238.80 MAD" in capsys.readouterr().out
    assert cli.main(["billing", "refund", order.oid]) == 1
    assert cli.main(["billing", "status", "OKT-UNKNOWN"]) == 1
    session.expire_all()
    assert session.get(BillingOrder, order.id).status == REFUNDED
    period = session.exec(select(SubscriptionPeriod)).one()
    assert period.ends_at <= utc_now()
