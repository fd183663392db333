"""HTTP routes of the alerts: the private Atom feed, and one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from oktra.accounts.models import User
from oktra.alerts import unsubscribe
from oktra.alerts.feed import atom_feed
from oktra.alerts.service import feed_by_token
from oktra.core.clock import utc_now
from oktra.core.errors import NotFoundError
from oktra.core.http import FORM, accepts
from oktra.db import session_scope
from oktra.settings import get_settings


async def alert_feed(request: Request) -> Response:
    """GET /alerts/feed/{token}: the alert's latest matches, or 404."""
    token = request.path_params["token"]
    try:
        with session_scope() as session:
            alert, matches = feed_by_token(session=session, token=token, now=utc_now())
            owner = session.get(User, alert.user_id)
            body = atom_feed(
                alert,
                matches,
                base_url=get_settings().base_url.rstrip("/"),
                lang=owner.language if owner else "fr",
            )
    except NotFoundError:
        return PlainTextResponse("Not found", status_code=404)
    return Response(
        body,
        media_type="application/atom+xml; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
    )


@accepts(*FORM)
async def one_click_unsubscribe(request: Request) -> Response:
    """POST /alerts/unsubscribe/{token}: what a mail client's unsubscribe button sends (RFC 8058:
    body `List-Unsubscribe=One-Click`, no cookie, no sign-in). A GET (a link opened or fetched by
    a scanner) changes nothing and goes to the page that explains and asks."""
    request_ = unsubscribe.read_token(request.path_params["token"])
    if request.method == "GET":
        if request_ is None:
            return PlainTextResponse("Not found", status_code=404)
        with session_scope() as session:
            owner = session.get(User, request_.user_id)
            lang = owner.language if owner else "fr"
        return RedirectResponse(unsubscribe.page_url(request_, lang), status_code=303)
    if request_ is None:
        return PlainTextResponse("This unsubscribe link is not valid.", status_code=404)
    with session_scope() as session:
        if session.get(User, request_.user_id) is None:
            return PlainTextResponse("This unsubscribe link is not valid.", status_code=404)
        changed = unsubscribe.apply(session=session, request=request_, now=utc_now())
    return PlainTextResponse("Unsubscribed." if changed else "Already unsubscribed.")


ROUTES = [
    Route("/alerts/feed/{token}", alert_feed, methods=["GET"]),
    Route("/alerts/unsubscribe/{token}", one_click_unsubscribe, methods=["GET", "POST"]),
]
