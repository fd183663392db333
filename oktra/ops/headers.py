"""The security headers of every response, built from the settings: the one source for the
backend's middleware (oktra/ops/headers_middleware.py), deploy/Caddyfile and the browser test."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from oktra.settings import Settings

HSTS = "max-age=63072000; includeSubDomains; preload"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Inline <script> elements (not those loading a src): their text is what the browser hashes.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)


def origin(url: str) -> str:
    """scheme://host[:port] of an address."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def websocket_origin(url: str) -> str:
    """The ws:// or wss:// origin matching an http(s) address."""
    parts = urlsplit(url)
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-…') allowing exactly the inline scripts of a page."""
    hashes: list[str] = []
    for match in INLINE_SCRIPT.finditer(html):
        digest = hashlib.sha256(match.group(1).encode("utf-8")).digest()
        source = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def _gateway_origins(settings: Settings) -> list[str]:
    """Where the checkout form posts: CMI's gateway, or the simulator on our own API."""
    if settings.uses_cmi_simulator:
        return [origin(settings.public_api_url)]
    return [origin(settings.cmi_gateway_url)]


def _unique(sources: Iterable[str]) -> str:
    return " ".join(dict.fromkeys(sources))


def content_security_policy(settings: Settings, script_hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy for the site; `script_hashes` allow a page's inline
    scripts. 'unsafe-eval': Reflex runs the code of rx.call_script with eval()."""
    api = settings.public_api_url
    directives = (
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", "'unsafe-eval'", *script_hashes]),
        ("style-src", ["'self'", "'unsafe-inline'"]),
        ("img-src", ["'self'", "data:"]),
        ("font-src", ["'self'", "data:"]),
        ("connect-src", ["'self'", origin(api), websocket_origin(api)]),
        ("form-action", ["'self'", origin(api), *_gateway_origins(settings)]),
        ("frame-ancestors", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("object-src", ["'none'"]),
    )
    return "; ".join(f"{name} {_unique(sources)}" for name, sources in directives)


def security_headers(settings: Settings, script_hashes: Iterable[str] = ()) -> dict[str, str]:
    """Every security header of a response; HSTS only when the site is served over HTTPS."""
    headers = {
        "Content-Security-Policy": content_security_policy(settings, script_hashes),
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": PERMISSIONS,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
    if settings.base_url.startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS
    return headers


def caddy_header_lines(settings: Settings) -> list[str]:
    """The headers as deploy/Caddyfile writes them: defaults (`?`) for the responses the app
    did not answer itself (Caddy's own errors), never replacing the app's."""
    return [f'?{name} "{value}"' for name, value in security_headers(settings).items()]
