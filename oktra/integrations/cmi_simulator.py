"""A CMI 3D_PAY_HOSTING gateway simulator: the card page, signed callbacks and the XML API.

OKTRA serves it outside production (where it answers 404) as the default gateway; the tests
pay through it. It shares only `ver3_hash` with the merchant side. Mount
`routes(get_settings)`: this package may not import `oktra.settings` (it imports SQLAlchemy,
see the import-linter contracts), so the settings come from a provider, read per request.

The test cards are TEST_CARDS; any other number is declined as unknown ("14"). The card
page's "callback" select, a testing control CMI lacks, sends the callback normally, twice,
late (~2 s after the redirect) or not at all. A PreAuth is captured once the merchant answers
`ACTION=POSTAUTH`; an Auth at once. State is in this process's memory only (one process;
forgotten after an hour). Card number, expiry and CVC are never kept, logged or posted.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from oktra.core.http import URLENCODED, XML, accepts
from oktra.integrations import cmi_simulator_pages as pages
from oktra.integrations.cmi import ver3_hash

PREFIX = "/cmi-simulator"
TTL_SECONDS = 3600.0
CALLBACK_TIMEOUT_SECONDS = 10.0
LATE_CALLBACK_SECONDS = 2.0
MAX_ANSWER_CHARS = 1000
REQUIRED = ("clientid", "oid", "amount", "currency", "okUrl", "failUrl", "callbackUrl", "rnd")
URL_FIELDS = ("okUrl", "failUrl", "callbackUrl")
CALLBACK_MODES = ("normal", "twice", "late", "none")
AMOUNT = re.compile(r"\d+\.\d{2}")
REFUND_TOTAL = re.compile(r"\d+(\.\d{1,2})?")
ZERO = Decimal("0.00")
MOROCCO = ZoneInfo("Africa/Casablanca")
log = logging.getLogger(__name__)


class Secret(Protocol):
    """A secret setting, such as pydantic's SecretStr."""

    def get_secret_value(self) -> str: ...


class SimulatorSettings(Protocol):
    """What the simulator reads of the settings (oktra.settings.Settings has all of it)."""

    env: str
    cmi_client_id: str
    cmi_store_key: Secret
    cmi_api_user: str
    cmi_api_password: Secret


@dataclass(frozen=True)
class Outcome:
    """What the gateway answers for one test card."""

    response: str
    proc_return_code: str
    md_status: str
    error_message: str

    @property
    def approved(self) -> bool:
        """Whether the payment went through."""
        return self.proc_return_code == "00"


TEST_CARDS = {
    "4111111111111111": (Outcome("Approved", "00", "1", ""), "approved"),
    "4000000000000002": (Outcome("Declined", "05", "1", "Declined (do not honour)"), "declined"),
    "4000000000003063": (Outcome("Error", "99", "0", "3-D Secure authentication failed"), "3ds"),
}
UNKNOWN_CARD = Outcome("Declined", "14", "1", "Unknown test card: use one listed on the page")
CANCELLED = Outcome("Error", "99", "", "Payment cancelled by the buyer")


@dataclass
class _Attempt:
    """A checkout the gateway accepted, waiting for the card page's answer."""

    fields: dict[str, str]
    created: float = field(default_factory=time.monotonic)


@dataclass
class _Order:
    """The last paid or failed attempt of one oid, for callbacks and the XML API."""

    amount: Decimal
    approved: bool
    trans_id: str
    trx_date: str
    captured: Decimal
    refunded: Decimal = ZERO
    answers: list[str] = field(default_factory=list)
    created: float = field(default_factory=time.monotonic)


_LOCK = threading.Lock()
_ATTEMPTS: dict[str, _Attempt] = {}
_ORDERS: dict[str, _Order] = {}
_TASKS: set[asyncio.Task[None]] = set()


def _purge() -> None:
    """Forget attempts and orders older than an hour (call with _LOCK held)."""
    limit = time.monotonic() - TTL_SECONDS
    for store in (_ATTEMPTS, _ORDERS):
        for key in [key for key, entry in store.items() if entry.created < limit]:
            del store[key]


def callback_answers(oid: str) -> list[str]:
    """The merchant's answer bodies to the callbacks of oid's last attempt, in order."""
    with _LOCK:
        order = _ORDERS.get(oid)
        return list(order.answers) if order else []


def _same(given: str, expected: str) -> bool:
    """Constant-time equality of two strings."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _refused(message: str) -> Response:
    """The 400 error page of a refused browser request (messages hold no posted value)."""
    log.info("CMI simulator: request refused (%s)", message)
    return pages.error_page(message)


def _checkout_error(fields: Mapping[str, str], settings: SimulatorSettings) -> str | None:
    """Why the gateway refuses this checkout form, or None when it accepts it."""
    if missing := [name for name in (*REQUIRED, "hash") if not fields.get(name)]:
        return f"Required fields are missing or empty: {', '.join(missing)}."
    if not _same(fields["clientid"], settings.cmi_client_id):
        return "The clientid is not this store's merchant id."
    if fields.get("hashAlgorithm") != "ver3" or fields.get("storetype") != "3D_PAY_HOSTING":
        return "Only storetype 3D_PAY_HOSTING with hashAlgorithm ver3 is supported."
    if not AMOUNT.fullmatch(fields["amount"]) or Decimal(fields["amount"]) <= 0:
        return "The amount must be in dirhams with a dot and two decimals (199.00), not centimes."
    if fields["currency"] != "504":
        return "The currency must be 504 (Moroccan dirham)."
    if bad := [name for name in URL_FIELDS if not fields[name].startswith(("http://", "https://"))]:
        return f"These fields must be http(s) URLs: {', '.join(bad)}."
    expected = ver3_hash(fields, settings.cmi_store_key.get_secret_value())
    if not _same(fields["hash"], expected):
        return "The hash is not the ver3 hash of the posted fields under this store's key."
    with _LOCK:
        order = _ORDERS.get(fields["oid"])
    if order is not None and order.approved:
        return "This oid is already paid: every attempt needs a new oid."
    return None


def _card_page(token: str, fields: Mapping[str, str], *, invalid: bool = False) -> Response:
    """The card page of one accepted checkout (status 400 when the card input was invalid)."""
    return pages.card_page(
        lang=fields.get("lang", ""),
        action=f"{PREFIX}/pay",
        token=token,
        oid=fields["oid"],
        amount=fields["amount"],
        test_cards=[(number, key) for number, (_, key) in TEST_CARDS.items()],
        modes=CALLBACK_MODES,
        invalid=invalid,
    )


def _trans_id() -> str:
    """A NestPay-like transaction id: year and day of the year, then random characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    suffix = "".join(secrets.choice(alphabet) for _ in range(9))
    return datetime.now(MOROCCO).strftime("%y%j") + suffix


def _result(
    fields: Mapping[str, str], outcome: Outcome, number: str | None, key: str
) -> dict[str, str]:
    """The signed result: the merchant's fields but its hash, the outcome, then HASH."""
    result = {name: value for name, value in fields.items() if name.lower() != "hash"}
    result |= {
        "ProcReturnCode": outcome.proc_return_code,
        "Response": outcome.response,
        "mdStatus": outcome.md_status,
        "ErrMsg": outcome.error_message,
        "EXTRA_TRXDATE": datetime.now(MOROCCO).strftime("%Y%m%d %H:%M:%S"),
        "hashAlgorithm": "ver3",
    }
    if number is not None:
        result |= {"TransId": _trans_id(), "MaskedPan": f"{number[:6]}***{number[-4:]}"}
        result["EXTRA_CARDBRAND"] = "VISA" if number.startswith("4") else "MASTERCARD"
    if outcome.approved:
        result["AuthCode"] = f"{secrets.randbelow(10**6):06d}"
    result["HASH"] = ver3_hash(result, key)
    return result


def _record(result: Mapping[str, str], outcome: Outcome) -> _Order:
    """Remember the attempt's outcome under its oid (an approved Auth is captured at once)."""
    amount = Decimal(result["amount"])
    immediate = outcome.approved and result.get("TranType") == "Auth"
    order = _Order(
        amount=amount,
        approved=outcome.approved,
        trans_id=result.get("TransId", ""),
        trx_date=result["EXTRA_TRXDATE"],
        captured=amount if immediate else ZERO,
    )
    with _LOCK:
        _purge()
        _ORDERS[result["oid"]] = order
    return order


async def _post_callback(result: Mapping[str, str], order: _Order) -> None:
    """Post the signed result to callbackUrl and keep the merchant's answer."""
    oid = result["oid"]
    try:
        async with httpx.AsyncClient(timeout=CALLBACK_TIMEOUT_SECONDS) as client:
            response = await client.post(result["callbackUrl"], data=dict(result))
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        log.warning("CMI simulator: callback for oid=%s failed (%s)", oid, type(exc).__name__)
        return
    answer = response.text[:MAX_ANSWER_CHARS]
    log.info("CMI simulator: callback for oid=%s answered HTTP %s", oid, response.status_code)
    with _LOCK:
        order.answers.append(answer)
        if order.approved and answer.strip() == "ACTION=POSTAUTH":
            order.captured = order.amount


async def _late_callback(result: Mapping[str, str], order: _Order) -> None:
    """The callback of the `late` mode, about two seconds after the redirect."""
    await asyncio.sleep(LATE_CALLBACK_SECONDS)
    await _post_callback(result, order)


async def _deliver(result: Mapping[str, str], order: _Order, mode: str) -> None:
    """Send the callback as the test mode says: normal, twice, late or none."""
    if mode == "late":
        task = asyncio.create_task(_late_callback(result, order))
        _TASKS.add(task)
        task.add_done_callback(_TASKS.discard)
    elif mode in ("normal", "twice"):
        for _ in range(2 if mode == "twice" else 1):
            await _post_callback(result, order)


def _return_page(result: Mapping[str, str], *, ok: bool, note: str = "") -> Response:
    """The browser's way back: a form that posts the signed result to okUrl or failUrl."""
    url = result["okUrl"] if ok else result["failUrl"]
    return pages.redirect_page(lang=result.get("lang", ""), url=url, fields=result, note=note)


@accepts(URLENCODED)
async def _checkout(request: Request, settings: SimulatorSettings) -> Response:
    """POST /fim/est3Dgate: check the signed checkout form, then answer the card page."""
    form = await pages.read_form(request)
    if isinstance(form, str):
        return _refused(form)
    if (error := _checkout_error(form, settings)) is not None:
        return _refused(error)
    token = secrets.token_urlsafe(24)
    with _LOCK:
        _purge()
        _ATTEMPTS[token] = _Attempt(fields={k: v for k, v in form.items() if k != "hash"})
    log.info("CMI simulator: checkout accepted for oid=%s", form["oid"])
    return _card_page(token, form)


@accepts(URLENCODED)
async def _pay(request: Request, settings: SimulatorSettings) -> Response:
    """POST /pay: the card page's answer; the callback, then the way back to the merchant."""
    form = await pages.read_form(request)
    if isinstance(form, str):
        return _refused(form)
    token, cancel = form.get("token", ""), form.get("action") == "cancel"
    with _LOCK:
        attempt = _ATTEMPTS.get(token)
    if attempt is None:
        return _refused("This payment session is unknown, already used or over an hour old.")
    number = None if cancel else pages.card_number(form)
    if number is None and not cancel:
        return _card_page(token, attempt.fields, invalid=True)
    with _LOCK:
        if _ATTEMPTS.pop(token, None) is None:
            return _refused("This payment session was already used.")
    key = settings.cmi_store_key.get_secret_value()
    if number is None:
        log.info("CMI simulator: oid=%s cancelled by the buyer", attempt.fields["oid"])
        return _return_page(_result(attempt.fields, CANCELLED, None, key), ok=False)
    outcome = TEST_CARDS.get(number, (UNKNOWN_CARD, ""))[0]
    result = _result(attempt.fields, outcome, number, key)
    log.info("CMI simulator: oid=%s paid, outcome %s", result["oid"], outcome.response)
    order = _record(result, outcome)
    mode = form.get("callback", "normal")
    await _deliver(result, order, mode if mode in CALLBACK_MODES else "normal")
    answers = callback_answers(result["oid"])
    note = f"Merchant callback answers: {' | '.join(answers)}" if answers else ""
    return _return_page(result, ok=outcome.approved, note=note)


def _api_answer(
    oid: str, message: str = "", trans_id: str = ""
) -> tuple[dict[str, str], dict[str, str]]:
    """A CC5Response's fields: approved without a message, an error with one."""
    response, code = ("Error", "99") if message else ("Approved", "00")
    fields = {"OrderId": oid, "Response": response, "ProcReturnCode": code}
    return fields | {"ErrMsg": message, "TransId": trans_id}, {}


def _order_status(order: _Order) -> str:
    """ORDERSTATUS: declined, authorized (not captured), approved, (partially_)refunded."""
    if not order.approved:
        return "declined"
    if order.captured == 0:
        return "authorized"
    if order.refunded == 0:
        return "approved"
    return "refunded" if order.refunded >= order.captured else "partially_refunded"


def _query(oid: str) -> tuple[dict[str, str], dict[str, str]]:
    """The answer to an ORDERSTATUS QUERY."""
    with _LOCK:
        _purge()
        order = _ORDERS.get(oid)
        if order is None:
            return _api_answer(oid, "No record found")
        extra = {
            "ORDERSTATUS": _order_status(order),
            "CAPTURE_AMT": f"{order.captured:.2f}",
            "REFUND_AMT": f"{order.refunded:.2f}",
            "TRX_DATE": order.trx_date,
        }
    return _api_answer(oid, trans_id=order.trans_id)[0], extra


def _refund(oid: str, total: str) -> tuple[dict[str, str], dict[str, str]]:
    """The answer to a Credit: all that is left when total is empty, else up to that."""
    if total and not REFUND_TOTAL.fullmatch(total):
        return _api_answer(oid, "Total must be an amount in dirhams such as 50.00")
    with _LOCK:
        order = _ORDERS.get(oid)
        if order is None:
            return _api_answer(oid, "No record found")
        left = order.captured - order.refunded
        amount = Decimal(total) if total else left
        if left <= 0:
            return _api_answer(oid, "Nothing captured is left to refund on this order")
        if not 0 < amount <= left:
            return _api_answer(oid, f"The refund must be above 0.00 and at most {left:.2f}")
        order.refunded += amount
    return _api_answer(oid, trans_id=_trans_id())


@accepts(*XML)
async def _api(request: Request, settings: SimulatorSettings) -> Response:
    """POST /fim/api: the XML back-office API (ORDERSTATUS QUERY and Credit only)."""
    parsed = await pages.read_cc5_request(request)
    if isinstance(parsed, str):
        log.info("CMI simulator: API request refused (%s)", parsed)
        return pages.cc5_response(*_api_answer("", parsed), status=400)
    oid = parsed.get("OrderId", "")
    credentials = (  # all three compared, in constant time
        _same(parsed.get("Name", ""), settings.cmi_api_user),
        _same(parsed.get("Password", ""), settings.cmi_api_password.get_secret_value()),
        _same(parsed.get("ClientId", ""), settings.cmi_client_id),
    )
    if not all(credentials):
        answer = _api_answer(oid, "Invalid API credentials (Name, Password or ClientId)")
    elif parsed.get("Extra.ORDERSTATUS") == "QUERY":
        answer = _query(oid)
    elif parsed.get("Type") == "Credit" and parsed.get("Currency", "504") == "504":
        answer = _refund(oid, parsed.get("Total", ""))
    else:
        answer = _api_answer(oid, "The simulator only answers ORDERSTATUS QUERY and Credit (504)")
    log.info("CMI simulator: API call for oid=%s answered %s", oid, answer[0]["Response"])
    return pages.cc5_response(*answer)


Handler = Callable[[Request, SimulatorSettings], Awaitable[Response]]


def _endpoint(
    handler: Handler, settings: Callable[[], SimulatorSettings]
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint that reads the settings and answers 404 in production."""

    async def endpoint(request: Request) -> Response:
        current = settings()
        if current.env == "production":
            return Response(status_code=404)
        return await handler(request, current)

    return endpoint


def routes(settings: Callable[[], SimulatorSettings]) -> list[Route]:
    """The simulator's routes under PREFIX; settings is called on each request."""
    return [
        Route(f"{PREFIX}/fim/est3Dgate", _endpoint(_checkout, settings), methods=["POST"]),
        Route(f"{PREFIX}/pay", _endpoint(_pay, settings), methods=["POST"]),
        Route(f"{PREFIX}/fim/api", _endpoint(_api, settings), methods=["POST"]),
    ]
