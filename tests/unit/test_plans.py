"""The plan catalogue: one place for prices, VAT shown, limits per plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oktra.billing.plans import PLANS, plan_by_code, with_vat


def test_prices_include_moroccan_vat_of_twenty_percent():
    assert with_vat(Decimal("199")) == Decimal("238.80")
    assert with_vat(Decimal("0.05")) == Decimal("0.06")


def test_plans_go_from_free_to_business_with_growing_limits():
    assert [plan.code for plan in PLANS] == ["free", "pro", "business"]
    assert plan_by_code("free").monthly_price == 0
    assert plan_by_code("pro").max_alerts < 100
    assert plan_by_code("business").max_alerts is None


def test_a_year_costs_less_than_twelve_months():
    for plan in PLANS:
        assert plan.yearly_price <= plan.monthly_price * 12


def test_an_unknown_plan_is_refused():
    with pytest.raises(KeyError):
        plan_by_code("gold")
