"""CMI's XML back-office API, merchant side: an order's status and refunds (`Credit`).

One POST of a `CC5Request` to `.../fim/api` per call, answered by a `CC5Response`. The API
password is never logged, shown in a repr or put in an exception message. A `Response` of
"Approved" means CMI accepted the request: for a status query, `OrderStatus.status` then says
what became of the order ("approved", "declined", "refunded", ...).
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

import httpx

from oktra.integrations.cmi import format_amount

TIMEOUT_SECONDS = 15.0
MAX_ANSWER_BYTES = 256 * 1024
SIMULATOR = "simulator"
SIMULATOR_API_PATH = "/cmi-simulator/fim/api"
MAD = "504"
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
log = logging.getLogger(__name__)


class CmiApiError(Exception):
    """The API could not be reached or gave no readable answer; the text is safe to log."""


class Secret(Protocol):
    """A secret setting, such as pydantic's SecretStr."""

    def get_secret_value(self) -> str: ...


class ApiSettings(Protocol):
    """What CmiApi.from_settings reads (oktra.settings.Settings has all of it)."""

    cmi_api_url: str
    cmi_client_id: str
    cmi_api_user: str
    cmi_api_password: Secret

    @property
    def public_api_url(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class ApiResult:
    """CMI's answer to one request; approved means Response is "Approved"."""

    approved: bool
    response: str
    proc_return_code: str
    error_message: str
    transaction_id: str


@dataclass(frozen=True, kw_only=True)
class OrderStatus(ApiResult):
    """CMI's answer to a status query: ORDERSTATUS and the captured and refunded amounts."""

    status: str
    captured: Decimal | None
    refunded: Decimal | None


def _amount(value: str | None) -> Decimal | None:
    """An amount read from the answer, or None when absent or not a number."""
    try:
        amount = Decimal((value or "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _text(element: ET.Element, path: str) -> str:
    """The stripped text at path, "" when absent."""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _parse(content: bytes) -> ET.Element:
    """The CC5Response root element, or CmiApiError."""
    if len(content) > MAX_ANSWER_BYTES:
        raise CmiApiError("CMI API answer is too large")
    if DECLARATION.search(content):
        raise CmiApiError("CMI API answer has a DOCTYPE or ENTITY declaration (refused)")
    try:
        root = ET.fromstring(content)  # noqa: S314 - no DOCTYPE, so no entity can be declared
    except ET.ParseError as exc:
        raise CmiApiError("CMI API answer is not well-formed XML") from exc
    if root.tag != "CC5Response":
        raise CmiApiError(f"CMI API answer is a {root.tag[:40]!r}, not a CC5Response")
    return root


def _result(root: ET.Element) -> ApiResult:
    """What every answer says."""
    response = _text(root, "Response")
    return ApiResult(
        approved=response == "Approved",
        response=response,
        proc_return_code=_text(root, "ProcReturnCode"),
        error_message=_text(root, "ErrMsg"),
        transaction_id=_text(root, "TransId"),
    )


@dataclass(frozen=True, kw_only=True)
class CmiApi:
    """A client of CMI's XML API for one store; the password never shows in its repr.

    transport replaces the network (httpx.MockTransport in tests)."""

    url: str
    client_id: str
    user: str
    password: str = field(repr=False)
    timeout: float = TIMEOUT_SECONDS
    transport: httpx.BaseTransport | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> CmiApi:
        """The client of the configured API, the built-in simulator's when it is "simulator"."""
        url = settings.cmi_api_url
        if url == SIMULATOR:
            url = f"{settings.public_api_url}{SIMULATOR_API_PATH}"
        return cls(
            url=url,
            client_id=settings.cmi_client_id,
            user=settings.cmi_api_user,
            password=settings.cmi_api_password.get_secret_value(),
        )

    def order_status(self, oid: str) -> OrderStatus:
        """What CMI knows of order oid (ORDERSTATUS QUERY)."""
        root = self._call(oid, self._request(oid, status_query=True))
        return OrderStatus(
            **asdict(_result(root)),
            status=_text(root, "Extra/ORDERSTATUS"),
            captured=_amount(_text(root, "Extra/CAPTURE_AMT")),
            refunded=_amount(_text(root, "Extra/REFUND_AMT")),
        )

    def refund(self, oid: str, amount: Decimal | None = None) -> ApiResult:
        """Refund order oid (`Credit`): all that was captured, or only amount (in dirhams)."""
        if amount is not None and amount <= 0:
            raise ValueError("a refund amount must be positive")
        total = None if amount is None else format_amount(amount)
        root = self._call(oid, self._request(oid, total=total))
        return _result(root)

    def _request(self, oid: str, *, status_query: bool = False, total: str | None = None) -> bytes:
        """The CC5Request document (ElementTree escapes every value)."""
        root = ET.Element("CC5Request")
        fields = {"Name": self.user, "Password": self.password, "ClientId": self.client_id}
        fields["OrderId"] = oid
        if not status_query:
            fields["Type"] = "Credit"
        if total is not None:
            fields |= {"Total": total, "Currency": MAD}
        for name, value in fields.items():
            ET.SubElement(root, name).text = value
        if status_query:
            extra = ET.SubElement(root, "Extra")
            ET.SubElement(extra, "ORDERSTATUS").text = "QUERY"
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def _call(self, oid: str, document: bytes) -> ET.Element:
        """POST the document and return the parsed answer, or raise CmiApiError."""
        headers = {"Content-Type": "application/xml; charset=utf-8"}
        try:
            with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
                response = client.post(self.url, content=document, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            # from None: the failed request, password included, stays out of tracebacks
            raise CmiApiError(f"CMI API unreachable ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise CmiApiError(f"CMI API answered HTTP {response.status_code}")
        root = _parse(response.content)
        log.info(
            "CMI API call for oid=%s answered %s (%s)",
            oid,
            _text(root, "Response"),
            _text(root, "ProcReturnCode"),
        )
        return root
