"""The billing pages' state: the plan in force, checkout (signed fields, never the store key),
bank transfer for Business only, ICE checked, and an order shown to its owner only."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oktra.accounts import limits
from oktra.billing.models import PENDING, TRANSFER, BillingOrder
from oktra.billing.pages import billing_page, order_page
from oktra.billing.state import BillingOrderState, BillingState
from oktra.db import session_scope
from oktra.i18n import LANGUAGES
from oktra.integrations.cmi import ver3_hash
from oktra.settings import get_settings
from tests.unit.accounts.conftest import create_account, run_handler, signed_in_token, state_for

STORE_KEY = "the-store-key-of-these-tests-42"


@pytest.fixture(autouse=True)
def fast_accounts(monkeypatch):
    """Minimum bcrypt cost, this store's key, and no attempt counted."""
    monkeypatch.setattr("oktra.accounts.passwords.BCRYPT_ROUNDS", 4)
    monkeypatch.setenv("OKTRA_CMI_STORE_KEY", STORE_KEY)
    get_settings.cache_clear()
    limits.get_limiter().reset()
    yield
    limits.get_limiter().reset()


@pytest.fixture
def page(engine):
    """The billing page of a signed-in account."""
    token = signed_in_token(create_account("nadia@atlas.ma"))

    def open_page(state_class=BillingState, path="/fr/billing", query=""):
        state = state_for(state_class, token=token, path=path, query=query)
        run_handler(state_class.open_page, state)
        return state

    return open_page


def _orders() -> list[BillingOrder]:
    with session_scope() as session:
        return list(session.exec(select(BillingOrder)).all())


def test_a_visitor_is_sent_to_sign_in(engine):
    state = state_for(BillingState, token=None, path="/fr/billing")
    redirect = run_handler(BillingState.open_page, state)
    assert "/fr/signin?next=/fr/billing" in str(redirect)


def test_a_new_account_is_on_free_with_no_payment(page):
    state = page()
    assert (state.plan_name, state.plan_until, state.orders) == ("Gratuit", "", [])


def test_choosing_pro_by_card_signs_the_form_without_the_store_key(page):
    state = page()
    run_handler(BillingState.pay, state, {"plan": "pro", "period": "yearly", "method": "cmi"})
    fields = {field["name"]: field["value"] for field in state.gateway_fields}
    [order] = _orders()
    assert (fields["oid"], fields["amount"], fields["currency"]) == (order.oid, "2388.00", "504")
    assert fields["hash"] == ver3_hash(fields, STORE_KEY)
    assert STORE_KEY not in str(state.gateway_fields) + state.gateway_url
    assert state.gateway_url.endswith("/cmi-simulator/fim/est3Dgate")
    assert fields["callbackUrl"].endswith("/billing/cmi/callback")
    assert (order.status, order.language) == (PENDING, "fr")


def test_each_attempt_is_a_new_order_with_a_fresh_rnd(page):
    state = page()
    run_handler(BillingState.pay, state, {"plan": "pro", "period": "monthly"})
    first = {f["name"]: f["value"] for f in state.gateway_fields}
    run_handler(BillingState.pay, state, {"plan": "pro", "period": "monthly"})
    second = {f["name"]: f["value"] for f in state.gateway_fields}
    assert first["oid"] != second["oid"] and first["rnd"] != second["rnd"]
    assert len(_orders()) == 2


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"plan": "pro", "method": "transfer"}, "virement"),
        ({"plan": "business", "ice": "12345"}, "15 chiffres"),
        ({"plan": "free"}, "Choisissez une formule"),
        ({"plan": "gold"}, "Choisissez une formule"),
    ],
)
def test_a_refused_choice_says_why_and_makes_no_order(page, form, message):
    state = page()
    run_handler(BillingState.pay, state, form)
    assert message in state.error
    assert state.gateway_fields == []
    assert _orders() == []


def test_business_by_bank_transfer_offers_a_proforma_on_the_order_page(page):
    state = page()
    redirect = run_handler(
        BillingState.pay,
        state,
        {
            "plan": "business",
            "period": "monthly",
            "method": "transfer",
            "ice": "001 234 567 000 089",
        },
    )
    [order] = _orders()
    assert (order.provider, order.customer_ice) == (TRANSFER, "001234567000089")
    assert f"/fr/billing/order?oid={order.oid}" in str(redirect)
    shown = page(BillingOrderState, "/fr/billing/order", f"oid={order.oid}")
    assert shown.status == PENDING and shown.proforma_url.endswith(f"/billing/proforma/{order.oid}")
    assert not shown.missing


def test_another_users_order_is_not_shown(page, engine):
    other = signed_in_token(create_account("omar@atlas.ma"))
    state = state_for(BillingState, token=other, path="/fr/billing")
    run_handler(BillingState.open_page, state)
    run_handler(BillingState.pay, state, {"plan": "pro"})
    [order] = _orders()
    shown = page(BillingOrderState, "/fr/billing/order", f"oid={order.oid}")
    assert shown.missing and shown.what == ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pages_render_in_every_language(lang):
    assert billing_page(lang) is not None
    assert order_page(lang) is not None
