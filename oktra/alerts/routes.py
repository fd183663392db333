"""HTTP routes of the alerts: the private Atom feed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from oktra.accounts.models import User
from oktra.alerts.feed import atom_feed
from oktra.alerts.service import feed_by_token
from oktra.core.errors import NotFoundError
from oktra.db import session_scope
from oktra.settings import get_settings


async def alert_feed(request: Request) -> Response:
    """GET /alerts/feed/{token}: the alert's latest matches, or 404."""
    token = request.path_params["token"]
    try:
        with session_scope() as session:
            alert, matches = feed_by_token(session=session, token=token)
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


ROUTES = [Route("/alerts/feed/{token}", alert_feed, methods=["GET"])]
