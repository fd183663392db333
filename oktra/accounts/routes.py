"""HTTP routes of sign-in: the session cookie is HttpOnly, so only an HTTP response can set it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from oktra.accounts.models import User
from oktra.accounts.passwords import provider_for
from oktra.accounts.sessions import (
    SESSION_COOKIE,
    ClientInfo,
    end_session,
    redeem_ticket,
    session_for_token,
)
from oktra.core.clock import utc_now
from oktra.core.http import FORM, accepts
from oktra.db import session_scope
from oktra.i18n import DEFAULT_LANGUAGE, normalize_language
from oktra.privacy import consent
from oktra.privacy.cookies import CONSENT_COOKIE, CONSENT_MAX_AGE_SECONDS
from oktra.settings import get_settings


def frontend_url() -> str:
    """Where the pages are served (Reflex's deploy URL: the site, or the test harness)."""
    from reflex.config import get_config

    return (get_config().deploy_url or get_settings().base_url).rstrip("/")


def safe_next(value: str | None) -> str:
    """A path on this site to go to next; anything else becomes the home page."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return f"/{DEFAULT_LANGUAGE}"


def session_cookie_flags() -> dict[str, object]:
    """HttpOnly and SameSite=Lax always; Secure in production (served over HTTPS only)."""
    settings = get_settings()
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": settings.env == "production",
        "path": "/",
    }


async def complete_sign_in(request: Request) -> Response:
    """Swap the one-minute ticket for the session token, set the cookie, go on."""
    target = safe_next(request.query_params.get("next"))
    lang = normalize_language(target.split("/")[1])
    with session_scope() as session:
        now = utc_now()
        token = redeem_ticket(
            session=session, ticket=request.query_params.get("ticket", ""), now=now
        )
        row = session_for_token(session=session, token=token, now=now) if token else None
        joined = None
        if row is not None:
            client = ClientInfo(
                ip=request.client.host if request.client else "",
                user_agent=request.headers.get("user-agent", "")[:300],
            )
            joined = consent.join_at_sign_in(
                session=session,
                cookie=request.cookies.get(CONSENT_COOKIE),
                user_id=row.user_id,
                requester=consent.Requester(
                    lang=lang, ip_hash=client.ip_hash(), user_agent=client.user_agent
                ),
            )
    if token is None:
        return RedirectResponse(f"{frontend_url()}/{lang}/signin?expired=1", status_code=303)
    response = RedirectResponse(f"{frontend_url()}{target}", status_code=303)
    if joined is not None:
        response.set_cookie(
            CONSENT_COOKIE, joined, max_age=CONSENT_MAX_AGE_SECONDS, samesite="lax", path="/"
        )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=get_settings().session_absolute_days * 86400,
        **session_cookie_flags(),
    )
    return response


@accepts(*FORM, allow_empty=True)
async def sign_out(request: Request) -> Response:
    """End this device's session and clear its cookie."""
    form = await request.form()
    with session_scope() as session:
        user_id = end_session(
            session=session, token=request.cookies.get(SESSION_COOKIE), now=utc_now()
        )
        user = session.get(User, user_id) if user_id else None
    if user is not None:
        await provider_for(get_settings()).sign_out_everywhere(user=user)
    response = RedirectResponse(
        f"{frontend_url()}{safe_next(str(form.get('next', '')))}", status_code=303
    )
    response.delete_cookie(SESSION_COOKIE, **session_cookie_flags())
    return response


ROUTES = [
    Route("/auth/complete", complete_sign_in, methods=["GET"]),
    Route("/auth/signout", sign_out, methods=["POST"]),
]
