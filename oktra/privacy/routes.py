"""HTTP routes of privacy: one-click unsubscribe from product news (RFC 8058)."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from oktra.accounts.models import User
from oktra.accounts.sessions import ClientInfo
from oktra.core.clock import utc_now
from oktra.core.http import FORM, accepts
from oktra.db import session_scope
from oktra.i18n import N_, direction, normalize_language, t
from oktra.privacy import news
from oktra.settings import get_settings

INVALID = N_("This link is not valid. Sign in to manage your emails.")
QUESTION = N_(
    "Stop receiving OKTRA news? Emails about your alerts, your account and important "
    "changes to the service are not affected."
)
STOP = N_("Stop OKTRA news")
DONE = N_("Done: you will receive no more OKTRA news.")


def _page(lang: str, *parts: str, status_code: int = 200) -> HTMLResponse:
    body = "".join(parts)
    return HTMLResponse(
        f'<!doctype html><html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width"><meta name="robots" content="noindex">'
        f'<title>OKTRA</title></head><body style="font-family:system-ui,sans-serif;'
        f'max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.6">'
        f"<h1>OKTRA</h1>{body}"
        f'<p><a href="{escape(get_settings().base_url)}/{lang}/account">OKTRA</a></p>'
        "</body></html>",
        status_code=status_code,
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
    )


@accepts(*FORM)
async def news_unsubscribe(request: Request) -> Response:
    """GET shows the question and a button (a link opened or fetched by a scanner changes
    nothing); POST, what a mail client's unsubscribe button sends, withdraws the consent."""
    user_id = news.read_news_token(request.path_params["token"])
    with session_scope() as session:
        user = session.get(User, user_id) if user_id is not None else None
        lang = normalize_language(user.language if user else None)
        if user is None:
            return _page(lang, f"<p>{escape(t(lang, INVALID))}</p>", status_code=404)
        if request.method == "GET":
            return _page(
                lang,
                f"<p>{escape(t(lang, QUESTION))}</p>",
                f'<form method="post"><button type="submit">{escape(t(lang, STOP))}</button>'
                "</form>",
            )
        client = ClientInfo(
            ip=request.client.host if request.client else "",
            user_agent=request.headers.get("user-agent", ""),
        )
        news.withdraw_news(
            session=session,
            user_id=user.id,
            now=utc_now(),
            ip_hash=client.ip_hash(),
            user_agent=client.user_agent,
        )
    return _page(lang, f'<p id="news-unsubscribed">{escape(t(lang, DONE))}</p>')


ROUTES = [
    Route("/privacy/news/unsubscribe/{token}", news_unsubscribe, methods=["GET", "POST"]),
]
