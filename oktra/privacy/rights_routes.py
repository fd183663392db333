"""HTTP route of the data rights: the download of an export, by its signed-in owner only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from oktra.accounts.sessions import session_for_token, token_from_cookie_header
from oktra.core.clock import utc_now
from oktra.core.errors import NotFoundError
from oktra.db import session_scope
from oktra.privacy.export import open_download

NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404, headers=NO_STORE)


async def download_export(request: Request) -> Response:
    """Stream the ZIP to the owner's signed-in browser before it expires; 404 to anyone else."""
    token = request.path_params["token"]
    with session_scope() as session:
        now = utc_now()
        signed_in = session_for_token(
            session=session,
            token=token_from_cookie_header(request.headers.get("cookie", "")),
            now=now,
        )
        if signed_in is None:
            return _not_found()
        try:
            path = open_download(session=session, token=token, user_id=signed_in.user_id, now=now)
        except NotFoundError:
            return _not_found()
    filename = f"oktra-data-{now:%Y-%m-%d}.zip"
    return FileResponse(path, media_type="application/zip", filename=filename, headers=NO_STORE)


ROUTES = [Route("/privacy/export/{token}", download_export, methods=["GET"])]
