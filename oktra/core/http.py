"""The Content-Type every HTTP route that takes a body checks first (ASVS 13.1.5, 13.2.5).

A route declares the media types it reads with `accepts(...)`; any other `Content-Type` is
answered 415 before the body is read, so nothing is parsed and nothing changes.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

URLENCODED = "application/x-www-form-urlencoded"
FORM = (URLENCODED, "multipart/form-data")
JSON = ("application/json",)
XML = ("application/xml", "text/xml")
# Amazon SNS posts its JSON messages as text/plain unless the topic's delivery policy says JSON.
SNS_MESSAGE = ("text/plain", "application/json")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

P = ParamSpec("P")
Endpoint = Callable[Concatenate[Request, P], Awaitable[Response]]


def media_type(request: Request) -> str:
    """The request's media type, lowercase and without parameters; "" when none is sent."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def has_body(request: Request) -> bool:
    """Whether the request announces a body (a length above zero, or a chunked one)."""
    length = request.headers.get("content-length", "0").strip()
    return "transfer-encoding" in request.headers or length not in ("", "0")


def content_type_refusal(
    request: Request, accepted: tuple[str, ...], *, allow_empty: bool = False
) -> Response | None:
    """The 415 answer when the request's body is not of an accepted media type, else None.

    Only methods that carry a body are checked. With allow_empty, a request with neither a body
    nor a Content-Type passes: there is nothing to misread."""
    if request.method not in BODY_METHODS:
        return None
    sent = media_type(request)
    if sent in accepted or (allow_empty and not sent and not has_body(request)):
        return None
    return PlainTextResponse(
        f"Unsupported Content-Type: this address accepts {' or '.join(accepted)}.",
        status_code=415,
        headers={"Accept-Post": ", ".join(accepted), "Cache-Control": "no-store"},
    )


def accepts(*accepted: str, allow_empty: bool = False) -> Callable[[Endpoint[P]], Endpoint[P]]:
    """Decorate an endpoint so a body of any other media type is refused with 415."""

    def decorate(endpoint: Endpoint[P]) -> Endpoint[P]:
        @functools.wraps(endpoint)
        async def checked(request: Request, *args: P.args, **kwargs: P.kwargs) -> Response:
            refusal = content_type_refusal(request, accepted, allow_empty=allow_empty)
            if refusal is not None:
                return refusal
            return await endpoint(request, *args, **kwargs)

        return checked

    return decorate
