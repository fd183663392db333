"""CMI's XML API: the simulator's side in raw CC5 XML, then the merchant's client CmiApi.

The running simulator, its settings and paid orders come from test_cmi_simulator's fixtures
and helpers; httpx.MockTransport stands in for CMI when an answer must be broken on purpose.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace
from xml.sax.saxutils import escape

import httpx
import pytest
from pydantic import SecretStr

from oktra.integrations.cmi_api import ApiResult, CmiApi, CmiApiError, OrderStatus
from tests.unit.integrations.test_cmi_simulator import (
    API_PASSWORD,
    API_USER,
    APPROVED_CARD,
    CLIENT_ID,
    DECLINED_CARD,
    Simulator,
    browser,
    cmi_settings,
    new_oid,
    pay,
    returned,
    signed_fields,
    simulator,
)

__all__ = ["browser", "cmi_settings", "simulator"]  # fixtures used here by name

API = "/cmi-simulator/fim/api"
XML = {"Content-Type": "application/xml; charset=utf-8"}
ODD_PASSWORD = "p<a>s&s\"w'ord]]>"


def _api(simulator, *, password: str = API_PASSWORD) -> CmiApi:
    return CmiApi(
        url=f"{simulator.base_url}{API}", client_id=CLIENT_ID, user=API_USER, password=password
    )


def _paid_order(browser, simulator, card: str = APPROVED_CARD) -> str:
    fields = signed_fields(simulator)
    returned(pay(browser, fields, card))
    return fields["oid"]


def _mocked(answer: httpx.Response, seen: list[httpx.Request] | None = None) -> CmiApi:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return answer

    return CmiApi(
        url="https://cmi.example/fim/api",
        client_id=CLIENT_ID,
        user=API_USER,
        password=ODD_PASSWORD,
        transport=httpx.MockTransport(handler),
    )


def _xml(oid: str, extra: str, *, credentials: dict[str, str]) -> bytes:
    """A CC5Request as bytes."""
    fields = {"Name": API_USER, "Password": API_PASSWORD, "ClientId": CLIENT_ID} | credentials
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f"<CC5Request>{body}<OrderId>{oid}</OrderId>{extra}</CC5Request>".encode()


def query(oid: str, **credentials: str) -> bytes:
    """An ORDERSTATUS QUERY for oid."""
    return _xml(oid, "<Extra><ORDERSTATUS>QUERY</ORDERSTATUS></Extra>", credentials=credentials)


def credit(oid: str, total: str | None = None) -> bytes:
    """A refund of oid: all of it, or total."""
    amount = "" if total is None else f"<Total>{total}</Total><Currency>504</Currency>"
    return _xml(oid, f"<Type>Credit</Type>{amount}", credentials={})


def api_call(simulator: Simulator, body: bytes) -> dict[str, str]:
    """POST a CC5Request; the CC5Response's leaf fields, those under Extra included."""
    response = httpx.post(f"{simulator.base_url}{API}", content=body, headers=XML)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "CC5Response"
    return {element.tag: element.text or "" for element in root.iter() if len(element) == 0}


def test_an_approved_order_is_captured_and_reported_by_the_xml_api(browser, simulator):
    oid = _paid_order(browser, simulator)
    answer = api_call(simulator, query(oid))
    assert answer["Response"] == "Approved" and answer["ProcReturnCode"] == "00"
    assert answer["TransId"] == simulator.merchant.callbacks_for(oid)[0]["TransId"]
    assert (answer["ORDERSTATUS"], answer["CAPTURE_AMT"], answer["REFUND_AMT"]) == (
        "approved",
        "199.00",
        "0.00",
    )
    assert re.fullmatch(r"\d{8} \d\d:\d\d:\d\d", answer["TRX_DATE"])


def test_an_approval_never_captured_is_only_authorized_and_not_refundable(browser, simulator):
    fields = signed_fields(simulator)
    returned(pay(browser, fields, mode="none"))
    assert api_call(simulator, query(fields["oid"]))["ORDERSTATUS"] == "authorized"
    assert api_call(simulator, credit(fields["oid"]))["Response"] == "Error"


def test_a_declined_order_is_reported_declined(browser, simulator):
    oid = _paid_order(browser, simulator, DECLINED_CARD)
    assert api_call(simulator, query(oid))["ORDERSTATUS"] == "declined"


def test_partial_refunds_stop_at_the_captured_amount(browser, simulator):
    oid = _paid_order(browser, simulator)
    assert api_call(simulator, credit(oid, "50.00"))["Response"] == "Approved"
    assert api_call(simulator, query(oid))["ORDERSTATUS"] == "partially_refunded"
    refused = api_call(simulator, credit(oid, "149.01"))
    assert (refused["Response"], refused["ProcReturnCode"]) == ("Error", "99")
    assert "149.00" in refused["ErrMsg"]
    assert api_call(simulator, credit(oid, "149.00"))["Response"] == "Approved"
    status = api_call(simulator, query(oid))
    assert (status["ORDERSTATUS"], status["REFUND_AMT"]) == ("refunded", "199.00")
    assert api_call(simulator, credit(oid, "0.01"))["Response"] == "Error"


def test_a_full_refund_refunds_everything_once(browser, simulator):
    oid = _paid_order(browser, simulator)
    assert api_call(simulator, credit(oid, "199.01"))["Response"] == "Error"
    full = api_call(simulator, credit(oid))
    assert full["Response"] == "Approved" and full["TransId"]
    assert api_call(simulator, query(oid))["REFUND_AMT"] == "199.00"
    assert api_call(simulator, credit(oid))["Response"] == "Error"


def test_the_xml_api_has_no_record_of_an_unknown_order(simulator):
    answer = api_call(simulator, query(new_oid()))
    assert (answer["Response"], answer["ErrMsg"]) == ("Error", "No record found")


@pytest.mark.parametrize(
    "override", [{"Password": "wrong"}, {"Name": "someone"}, {"ClientId": "600009999"}]
)
def test_bad_api_credentials_are_refused(browser, simulator, override):
    oid = _paid_order(browser, simulator)
    answer = api_call(simulator, query(oid, **override))
    assert (answer["Response"], answer["ProcReturnCode"]) == ("Error", "99")
    assert "credentials" in answer["ErrMsg"] and "ORDERSTATUS" not in answer


def test_an_api_request_with_a_doctype_or_over_64_kb_or_malformed_is_refused(simulator):
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + query("x")
    for body in (doctype, query("x") + b" " * 70_000, b"<CC5Request><Name>"):
        response = httpx.post(f"{simulator.base_url}{API}", content=body, headers=XML)
        assert response.status_code == 400 and b"<Response>Error</Response>" in response.content


def test_from_settings_uses_the_built_in_simulator_under_the_public_api_url():
    settings = SimpleNamespace(
        cmi_api_url="simulator",
        cmi_client_id=CLIENT_ID,
        cmi_api_user=API_USER,
        cmi_api_password=SecretStr(API_PASSWORD),
        public_api_url="https://api.oktra.test",
    )
    api = CmiApi.from_settings(settings)
    assert api.url == "https://api.oktra.test/cmi-simulator/fim/api"
    assert (api.client_id, api.user, api.password) == (CLIENT_ID, API_USER, API_PASSWORD)
    settings.cmi_api_url = "https://payment.cmi.co.ma/fim/api"
    assert CmiApi.from_settings(settings).url == "https://payment.cmi.co.ma/fim/api"


def test_the_password_is_not_in_the_repr(simulator):
    api = _api(simulator)
    assert API_PASSWORD not in repr(api) and API_PASSWORD not in str(api)
    assert API_USER in repr(api)


def test_the_status_of_an_approved_order(browser, simulator):
    oid = _paid_order(browser, simulator)
    status = _api(simulator).order_status(oid)
    assert isinstance(status, OrderStatus) and status.approved
    assert (status.response, status.proc_return_code, status.error_message) == (
        "Approved",
        "00",
        "",
    )
    assert (status.status, status.captured, status.refunded) == (
        "approved",
        Decimal("199.00"),
        Decimal("0.00"),
    )
    assert status.transaction_id


def test_the_status_of_a_declined_order(browser, simulator):
    oid = _paid_order(browser, simulator, DECLINED_CARD)
    assert _api(simulator).order_status(oid).status == "declined"


def test_an_unknown_order_is_not_approved(simulator):
    status = _api(simulator).order_status(new_oid())
    assert not status.approved and status.error_message == "No record found"
    assert (status.status, status.captured, status.refunded) == ("", None, None)


def test_a_partial_then_a_full_refund(browser, simulator):
    oid, api = _paid_order(browser, simulator), _api(simulator)
    partial = api.refund(oid, Decimal("50"))
    assert isinstance(partial, ApiResult) and partial.approved and partial.transaction_id
    assert api.order_status(oid).status == "partially_refunded"
    assert not api.refund(oid, Decimal("149.01")).approved
    assert api.refund(oid).approved
    status = api.order_status(oid)
    assert (status.status, status.refunded) == ("refunded", Decimal("199.00"))
    again = api.refund(oid)
    assert not again.approved and again.response == "Error" and again.error_message


def test_a_wrong_password_is_refused_and_never_shown(browser, simulator, caplog):
    caplog.set_level("DEBUG")
    oid = _paid_order(browser, simulator)
    api = _api(simulator, password="not-the-password-42")
    status = api.order_status(oid)
    assert not status.approved and "credentials" in status.error_message
    assert "not-the-password-42" not in repr(api) + caplog.text
    assert API_PASSWORD not in caplog.text


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("1.005")])
def test_a_refund_amount_must_be_positive_whole_centimes(simulator, amount):
    with pytest.raises(ValueError, match="amount"):
        _api(simulator).refund(new_oid(), amount)


def test_the_request_escapes_every_value_and_formats_the_amount():
    seen: list[httpx.Request] = []
    api = _mocked(httpx.Response(200, content=b"<CC5Response/>"), seen)
    api.refund("A&B<1>", Decimal("12.5"))
    root = ET.fromstring(seen[0].content)
    assert root.findtext("Password") == ODD_PASSWORD and root.findtext("OrderId") == "A&B<1>"
    assert (root.findtext("Type"), root.findtext("Total"), root.findtext("Currency")) == (
        "Credit",
        "12.50",
        "504",
    )
    api.order_status("X")
    assert ET.fromstring(seen[1].content).findtext("Extra/ORDERSTATUS") == "QUERY"
    assert ET.fromstring(seen[1].content).find("Type") is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(500, text="boom"), "HTTP 500"),
        (httpx.Response(200, text="<html><body>maintenance"), "XML"),
        (httpx.Response(200, text="<html><body>maintenance</body></html>"), "CC5Response"),
        (httpx.Response(200, text='<!DOCTYPE x [<!ENTITY a "b">]><CC5Response/>'), "DOCTYPE"),
    ],
)
def test_a_broken_answer_raises_without_the_password(answer, message, caplog):
    caplog.set_level("DEBUG")
    with pytest.raises(CmiApiError, match=message) as raised:
        _mocked(answer).order_status("OKT-1")
    assert ODD_PASSWORD not in str(raised.value) + repr(raised.value) + caplog.text


def test_http_errors_and_unreachable_hosts_raise_without_the_password(simulator, caplog):
    caplog.set_level("DEBUG")
    wrong_path = CmiApi(
        url=f"{simulator.base_url}/nowhere", client_id=CLIENT_ID, user=API_USER, password="s3cr3t!"
    )
    unreachable = CmiApi(
        url="http://127.0.0.1:9/fim/api", client_id=CLIENT_ID, user=API_USER, password="s3cr3t!"
    )
    for api, message in ((wrong_path, "HTTP 404"), (unreachable, "unreachable")):
        with pytest.raises(CmiApiError, match=message) as raised:
            api.refund("OKT-1")
        assert "s3cr3t!" not in str(raised.value) + repr(raised.value) + caplog.text
        assert raised.value.__cause__ is None
