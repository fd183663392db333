"""ASGI middleware adding oktra/ops/headers.py's security headers to every HTTP response of the
backend, the compiled pages included (`reflex run --env prod` serves them from the backend)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oktra.ops.headers import inline_script_hashes, security_headers
from oktra.settings import Settings


def _is_html(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").startswith("text/html")


class SecurityHeaders:
    """Sets each security header a route did not set itself. An HTML page is read whole so
    that its CSP allows exactly its own inline scripts (by hash); requests reach the app without
    Accept-Encoding so pages come uncompressed (the reverse proxy compresses). Paths under
    `exempt` (the CMI simulator, which stands in for CMI's own site) are left alone."""

    def __init__(
        self, app: ASGIApp, *, settings: Callable[[], Settings], exempt: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.settings = settings
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        scope = {
            **scope,
            "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"],
        }
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if _is_html(headers) and "content-encoding" not in headers:
                    start = message
                    return
                self._add(headers, ())
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = b"".join(body)
                await self._start_page(send, start, page)
                message = {"type": "http.response.body", "body": page, "more_body": False}
            elif message["type"] == "http.response.pathsend" and start is not None:
                # A production server (Granian) sends static files by path: the page is read
                # from the file for its hashes, the file itself still goes by path.
                await self._start_page(send, start, Path(message["path"]).read_bytes())
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _start_page(self, send: Send, start: Message, page: bytes) -> None:
        hashes = inline_script_hashes(page.decode("utf-8", errors="replace"))
        self._add(MutableHeaders(scope=start), hashes)
        await send(start)

    def _add(self, headers: MutableHeaders, script_hashes) -> None:
        for name, value in security_headers(self.settings(), script_hashes).items():
            headers.setdefault(name, value)
