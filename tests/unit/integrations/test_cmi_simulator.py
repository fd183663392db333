"""The CMI simulator, run for real: uvicorn serves it on a free local port for this module.

A test-double merchant (`/merchant/callback`) sits beside it, records each callback and answers
as a merchant does; the browser is played by httpx. Settings come from OKTRA_* variables.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qsl

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from oktra.integrations import cmi_simulator
from oktra.integrations.cmi import CheckoutForm, checkout_fields, ver3_hash, verify_callback
from oktra.settings import get_settings

STORE_KEY = "sim-store-key-Zq8|x\\y-0123456789"
CLIENT_ID = "600001234"
API_USER = "oktra-api-test"
API_PASSWORD = "api-pa55-<never>&-shown"
APPROVED_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"
THREE_D_SECURE_FAILS = "4000 0000 0000 3063"
EXPIRY = "07/39"
CVC = "739"
START_TIMEOUT_SECONDS = 10.0
CHECKOUT = "/cmi-simulator/fim/est3Dgate"
PAY = "/cmi-simulator/pay"


@dataclass
class Merchant:
    """What the test-double merchant received: each callback form, in order."""

    callbacks: list[dict[str, str]] = field(default_factory=list)

    def callbacks_for(self, oid: str) -> list[dict[str, str]]:
        """The callbacks received for one order."""
        return [form for form in list(self.callbacks) if form.get("oid") == oid]


@dataclass(frozen=True)
class Simulator:
    """The running server: its base URL and the merchant double beside the simulator."""

    base_url: str
    merchant: Merchant


def _app(merchant: Merchant) -> Starlette:
    """The simulator's routes plus test doubles of a merchant (not OKTRA's real handlers)."""

    async def callback(request: Request) -> PlainTextResponse:
        # Test double of a merchant's callback handler: records the form and answers as CMI
        # expects (capture an approval, acknowledge anything else).
        form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        merchant.callbacks.append(form)
        approved = verify_callback(form, STORE_KEY) and form.get("ProcReturnCode") == "00"
        return PlainTextResponse("ACTION=POSTAUTH" if approved else "APPROVED")

    return Starlette(
        routes=[
            *cmi_simulator.routes(get_settings),
            Route("/merchant/callback", callback, methods=["POST"]),
        ]
    )


@pytest.fixture(scope="module")
def simulator() -> Iterator[Simulator]:
    """The simulator served by uvicorn in a background thread for this module."""
    merchant = Merchant()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(_app(merchant), log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield Simulator(f"http://127.0.0.1:{sock.getsockname()[1]}", merchant)
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_SECONDS)
        sock.close()


@pytest.fixture(autouse=True)
def cmi_settings(clean_settings: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """This store's CMI settings, read by the simulator on each request."""
    monkeypatch.setenv("OKTRA_CMI_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("OKTRA_CMI_STORE_KEY", STORE_KEY)
    monkeypatch.setenv("OKTRA_CMI_API_USER", API_USER)
    monkeypatch.setenv("OKTRA_CMI_API_PASSWORD", API_PASSWORD)
    get_settings.cache_clear()


@pytest.fixture
def browser(simulator: Simulator) -> Iterator[httpx.Client]:
    """The buyer's browser, without redirects or JavaScript."""
    with httpx.Client(base_url=simulator.base_url, timeout=15.0) as client:
        yield client


class Page(HTMLParser):
    """What the tests read of an HTML page: forms with their fields, ids, labels, attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.elements: dict[str, dict[str, str]] = {}
        self.labels: set[str] = set()
        self.root: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.root = values
        if tag == "form":
            self.forms.append({"action": values.get("action"), "fields": {}})
        if tag == "input" and values.get("type") == "hidden":
            self.forms[-1]["fields"][values["name"]] = values.get("value", "")
        if tag == "label":
            self.labels.add(values.get("for", ""))
        if "id" in values:
            self.elements[values["id"]] = values


def new_oid() -> str:
    """A fresh order id per test, so tests never see each other's callbacks."""
    return f"OKT-{uuid.uuid4().hex[:12]}"


def signed_fields(simulator: Simulator, *, lang: str = "fr", amount: str = "199.00") -> dict:
    """A checkout form as OKTRA's merchant side signs it."""
    form = CheckoutForm(
        client_id=CLIENT_ID,
        oid=new_oid(),
        amount=Decimal(amount),
        ok_url=f"{simulator.base_url}/merchant/ok",
        fail_url=f"{simulator.base_url}/merchant/fail",
        callback_url=f"{simulator.base_url}/merchant/callback",
        shop_url=f"{simulator.base_url}/",
        bill_to_name="Amina El | Idrissi",
        bill_to_company="Atlas BTP",
        email="amina@example.ma",
        tel="+212600000000",
        description="OKTRA Pro — 1 mois",
        lang=lang,
    )
    return checkout_fields(form=form, store_key=STORE_KEY)


def resigned(fields: dict[str, str], **changes: str) -> dict[str, str]:
    """fields changed, then signed again with the store key."""
    changed = {**fields, **changes}
    return {**changed, "hash": ver3_hash(changed, STORE_KEY)}


def open_card_page(browser: httpx.Client, fields: dict[str, str]) -> tuple[Page, str]:
    """Post the checkout form; return the card page and its payment token."""
    response = browser.post(CHECKOUT, data=fields)
    assert response.status_code == 200, response.text
    page = Page(response.text)
    return page, page.forms[0]["fields"]["token"]


def pay(
    browser: httpx.Client,
    fields: dict[str, str],
    card: str = APPROVED_CARD,
    *,
    mode: str = "normal",
    action: str = "pay",
) -> httpx.Response:
    """Open the card page for fields, then submit it with this card and callback mode."""
    _, token = open_card_page(browser, fields)
    data = {"token": token, "card-number": card, "card-expiry": EXPIRY, "card-cvc": CVC}
    return browser.post(PAY, data={**data, "callback": mode, "action": action})


def returned(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """Where the return page auto-posts, and what."""
    assert response.status_code == 200, response.text
    assert "document.forms[0].submit()" in response.text
    form = Page(response.text).forms[0]
    return form["action"], form["fields"]


def test_a_correctly_signed_form_gets_the_card_page(browser, simulator):
    fields = signed_fields(simulator)
    response = browser.post(CHECKOUT, data=fields)
    page = Page(response.text)
    assert response.status_code == 200 and page.forms[0]["fields"]["token"]
    assert page.forms[0]["action"] == "/cmi-simulator/pay"
    assert page.root == {"lang": "fr", "dir": "ltr"}
    for element in ("card-number", "card-expiry", "card-cvc"):
        assert page.elements[element]["autocomplete"] == "off"
        assert element in page.labels
    assert "callback-mode" in page.labels and {"pay", "cancel"} <= set(page.elements)
    assert "Numéro de carte" in response.text
    assert fields["oid"] in response.text and "199.00 MAD" in response.text
    assert "4111 1111 1111 1111" in response.text and "4000 0000 0000 3063" in response.text
    assert STORE_KEY not in response.text


@pytest.mark.parametrize(
    ("lang", "direction", "label"),
    [("ar", "rtl", "رقم البطاقة"), ("en", "ltr", "Card number"), ("xx", "ltr", "Numéro")],
)
def test_the_card_page_speaks_the_posted_language(browser, simulator, lang, direction, label):
    fields = resigned(signed_fields(simulator), lang=lang)
    response = browser.post(CHECKOUT, data=fields)
    assert Page(response.text).root["dir"] == direction
    assert label in response.text


def _without(name: str) -> Callable[[dict[str, str]], dict[str, str]]:
    return lambda fields: resigned({k: v for k, v in fields.items() if k != name})


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        pytest.param(lambda f: {**f, "hash": ver3_hash(f, "other-key")}, "hash", id="wrong-key"),
        pytest.param(lambda f: {**f, "amount": "1.00"}, "hash", id="hash-over-other-fields"),
        pytest.param(lambda f: resigned(f, clientid="600009999"), "clientid", id="clientid"),
        pytest.param(lambda f: resigned(f, amount="19900"), "centimes", id="centimes"),
        pytest.param(_without("callbackUrl"), "callbackUrl", id="no-callback-url"),
        pytest.param(lambda f: resigned(f, currency="840"), "504", id="dollars"),
    ],
)
def test_a_bad_checkout_is_refused_without_showing_the_store_key(
    browser, simulator, tamper, reason
):
    response = browser.post(CHECKOUT, data=tamper(signed_fields(simulator)))
    assert response.status_code == 400
    assert reason in response.text
    assert STORE_KEY not in response.text and "sim-store-key" not in response.text


def test_an_approved_card_posts_one_signed_callback_then_goes_to_ok_url(browser, simulator):
    fields = signed_fields(simulator)
    action, posted = returned(pay(browser, fields))
    [callback] = simulator.merchant.callbacks_for(fields["oid"])
    assert verify_callback(callback, STORE_KEY)
    assert callback["ProcReturnCode"] == "00" and callback["Response"] == "Approved"
    assert callback["mdStatus"] == "1" and re.fullmatch(r"\d{6}", callback["AuthCode"])
    assert callback["MaskedPan"] == "411111***1111" and callback["EXTRA_CARDBRAND"] == "VISA"
    assert {name: callback[name] for name in fields if name != "hash"} == {
        name: value for name, value in fields.items() if name != "hash"
    }
    assert action == fields["okUrl"]
    assert posted == callback and verify_callback(posted, STORE_KEY)
    assert cmi_simulator.callback_answers(fields["oid"]) == ["ACTION=POSTAUTH"]


def test_a_declined_card_posts_a_signed_decline_then_goes_to_fail_url(browser, simulator):
    fields = signed_fields(simulator)
    action, posted = returned(pay(browser, fields, DECLINED_CARD))
    [callback] = simulator.merchant.callbacks_for(fields["oid"])
    assert verify_callback(callback, STORE_KEY)
    assert (callback["ProcReturnCode"], callback["Response"]) == ("05", "Declined")
    assert "AuthCode" not in callback
    assert action == fields["failUrl"] and posted["ProcReturnCode"] == "05"
    assert cmi_simulator.callback_answers(fields["oid"]) == ["APPROVED"]


def test_a_failed_3d_secure_posts_an_error_then_goes_to_fail_url(browser, simulator):
    fields = signed_fields(simulator)
    action, _ = returned(pay(browser, fields, THREE_D_SECURE_FAILS))
    [callback] = simulator.merchant.callbacks_for(fields["oid"])
    assert verify_callback(callback, STORE_KEY)
    assert callback["mdStatus"] == "0" and callback["Response"] == "Error"
    assert callback["ProcReturnCode"] == "99"
    assert action == fields["failUrl"]


def test_an_unknown_card_is_declined_as_an_unknown_test_card(browser, simulator):
    fields = signed_fields(simulator)
    action, posted = returned(pay(browser, fields, "5555 5555 5555 4444"))
    assert posted["ProcReturnCode"] == "14" and "Unknown test card" in posted["ErrMsg"]
    assert posted["MaskedPan"] == "555555***4444" and action == fields["failUrl"]


def test_twice_posts_the_same_signed_callback_twice(browser, simulator):
    fields = signed_fields(simulator)
    returned(pay(browser, fields, mode="twice"))
    first, second = simulator.merchant.callbacks_for(fields["oid"])
    assert first == second and verify_callback(first, STORE_KEY)
    assert cmi_simulator.callback_answers(fields["oid"]) == ["ACTION=POSTAUTH"] * 2


def test_late_redirects_first_and_calls_back_within_seconds(browser, simulator):
    fields = signed_fields(simulator)
    action, _ = returned(pay(browser, fields, mode="late"))
    assert action == fields["okUrl"]
    assert simulator.merchant.callbacks_for(fields["oid"]) == []
    deadline = time.monotonic() + 5.0
    while not simulator.merchant.callbacks_for(fields["oid"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    [callback] = simulator.merchant.callbacks_for(fields["oid"])
    assert verify_callback(callback, STORE_KEY) and callback["ProcReturnCode"] == "00"


def test_none_sends_no_callback_but_still_returns_to_ok_url(browser, simulator):
    fields = signed_fields(simulator)
    action, posted = returned(pay(browser, fields, mode="none"))
    assert action == fields["okUrl"] and verify_callback(posted, STORE_KEY)
    assert simulator.merchant.callbacks_for(fields["oid"]) == []


def test_cancel_returns_a_signed_error_to_fail_url_without_callback(browser, simulator):
    fields = signed_fields(simulator)
    action, posted = returned(pay(browser, fields, card="", action="cancel"))
    assert action == fields["failUrl"] and verify_callback(posted, STORE_KEY)
    assert posted["Response"] == "Error" and "cancelled" in posted["ErrMsg"]
    assert simulator.merchant.callbacks_for(fields["oid"]) == []


def test_a_payment_session_is_used_once(browser, simulator):
    _, token = open_card_page(browser, signed_fields(simulator))
    data = {"token": token, "card-number": APPROVED_CARD, "card-expiry": EXPIRY, "card-cvc": CVC}
    assert browser.post(PAY, data={**data, "callback": "none"}).is_success
    again = browser.post(PAY, data={**data, "callback": "none"})
    assert again.status_code == 400 and "session" in again.text


def test_an_invalid_expiry_shows_the_card_page_again_without_the_card(browser, simulator):
    _, token = open_card_page(browser, signed_fields(simulator))
    data = {"token": token, "card-number": APPROVED_CARD, "card-expiry": "13/39", "card-cvc": CVC}
    response = browser.post(PAY, data=data)
    assert response.status_code == 400 and 'id="card-number"' in response.text
    assert "4111111111111111" not in response.text and "13/39" not in response.text


def test_card_data_appears_in_no_callback_page_or_log(browser, simulator, caplog):
    caplog.set_level("DEBUG")
    fields = signed_fields(simulator)
    response = pay(browser, fields, mode="twice")
    _, posted = returned(response)
    callbacks = simulator.merchant.callbacks_for(fields["oid"])
    logged = "\n".join(f"{record.getMessage()} {record.args}" for record in caplog.records)
    assert fields["oid"] in logged  # the server thread's records are captured
    for text in (logged, response.text, *(str(form) for form in [posted, *callbacks])):
        assert "4111111111111111" not in text and APPROVED_CARD not in text
        assert EXPIRY not in text
    values = [value for form in [posted, *callbacks] for value in form.values()]
    assert CVC not in values and not re.search(rf"\b{CVC}\b", logged)


def test_the_simulator_does_not_exist_in_production():
    settings = SimpleNamespace(
        env="production",
        cmi_client_id=CLIENT_ID,
        cmi_store_key=SecretStr(STORE_KEY),
        cmi_api_user=API_USER,
        cmi_api_password=SecretStr(API_PASSWORD),
    )
    with TestClient(Starlette(routes=cmi_simulator.routes(lambda: settings))) as client:
        assert client.post("/cmi-simulator/fim/est3Dgate", data={}).status_code == 404
        assert client.post("/cmi-simulator/fim/api", content=b"").status_code == 404


def test_a_card_form_not_url_encoded_is_refused_and_the_session_stays_usable(browser, simulator):
    _, token = open_card_page(browser, signed_fields(simulator))
    data = {"token": token, "card-number": APPROVED_CARD, "card-expiry": EXPIRY, "card-cvc": CVC}
    data |= {"callback": "none", "action": "pay"}
    refused = browser.post(PAY, files={name: (None, value) for name, value in data.items()})
    assert refused.status_code == 415
    assert "application/x-www-form-urlencoded" in refused.text
    assert browser.post(PAY, data=data).is_success
