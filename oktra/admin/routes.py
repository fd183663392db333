"""HTTP routes of staff sign-in: only an HTTP response can set the HttpOnly staff cookie."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from oktra.accounts.routes import frontend_url
from oktra.admin.navigation import staff_href
from oktra.admin.staff_auth import ABSOLUTE_LIFETIME, end_staff_session, redeem_ticket
from oktra.core.clock import utc_now
from oktra.core.http import FORM, accepts
from oktra.db import session_scope
from oktra.i18n import LANGUAGES
from oktra.privacy.cookies import STAFF_COOKIE
from oktra.settings import get_settings

SIGNED_IN_PAGE = "/staff/users"
SIGNIN_PAGE = "/staff/signin"


def staff_cookie_flags() -> dict[str, object]:
    """HttpOnly and SameSite=Strict always; Secure in production."""
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": get_settings().env == "production",
        "path": "/",
    }


async def complete_staff_sign_in(request: Request) -> Response:
    """Swap the one-minute ticket for the staff session token and set the cookie."""
    with session_scope() as session:
        token = redeem_ticket(
            session=session, ticket=request.query_params.get("ticket", ""), now=utc_now()
        )
    if token is None:
        return RedirectResponse(f"{frontend_url()}{SIGNIN_PAGE}?expired=1", status_code=303)
    lang = request.query_params.get("lang", "")
    landing = staff_href(lang, "users") if lang in LANGUAGES else SIGNED_IN_PAGE
    response = RedirectResponse(f"{frontend_url()}{landing}", status_code=303)
    response.set_cookie(
        STAFF_COOKIE,
        token,
        max_age=int(ABSOLUTE_LIFETIME.total_seconds()),
        **staff_cookie_flags(),
    )
    return response


@accepts(*FORM, allow_empty=True)
async def staff_sign_out(request: Request) -> Response:
    """End this browser's staff session and clear its cookie."""
    with session_scope() as session:
        end_staff_session(session=session, token=request.cookies.get(STAFF_COOKIE), now=utc_now())
    response = RedirectResponse(f"{frontend_url()}{SIGNIN_PAGE}", status_code=303)
    response.delete_cookie(STAFF_COOKIE, **staff_cookie_flags())
    return response


ROUTES = [
    Route("/staff/auth/complete", complete_staff_sign_in, methods=["GET"]),
    Route("/staff/auth/signout", staff_sign_out, methods=["POST"]),
]
