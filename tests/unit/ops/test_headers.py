"""The security headers: built from the settings, added to every backend response, and the same
in deploy/Caddyfile."""

from __future__ import annotations

import asyncio
import re

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from oktra.api import build_api
from oktra.cli import PROJECT_ROOT, main
from oktra.integrations.cmi_simulator import PREFIX as SIMULATOR
from oktra.ops.headers import caddy_header_lines, inline_script_hashes, security_headers
from oktra.ops.headers_middleware import SecurityHeaders
from oktra.settings import Settings, get_settings

PRODUCTION = Settings(
    base_url="https://oktra.ma", cmi_gateway_url="https://payment.cmi.co.ma/fim/est3Dgate"
)
READY_HASH = "'sha256-TQBF5LtJ7ne5WHb5OF8WklQRjFbdzSf8wUiCLaVfb2M='"
PAGE = (
    '<html><head><script src="/assets/app.js"></script><script>window.ready = true</script>'
    "</head><body><script type=module>import('/a.js')</script><script>window.ready = true"
    "</script></body></html>"
)


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in policy.split("; "))}


def test_the_production_policy_names_the_site_its_websocket_and_the_cmi_gateway():
    policy = _directives(security_headers(PRODUCTION)["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'unsafe-eval'"]
    assert policy["connect-src"] == ["'self'", "https://oktra.ma", "wss://oktra.ma"]
    assert policy["form-action"] == ["'self'", "https://oktra.ma", "https://payment.cmi.co.ma"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_a_separate_api_and_the_simulator_are_allowed_as_ws_and_form_targets():
    settings = Settings(base_url="http://localhost:3000", api_url="http://localhost:8000")
    policy = _directives(security_headers(settings)["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "http://localhost:8000", "ws://localhost:8000"]
    assert policy["form-action"] == ["'self'", "http://localhost:8000"]


def test_hsts_only_when_the_site_is_https():
    assert security_headers(PRODUCTION)["Strict-Transport-Security"].startswith("max-age=6307")
    assert "Strict-Transport-Security" not in security_headers(Settings())


def test_a_page_allows_exactly_its_own_inline_scripts_by_hash():
    hashes = inline_script_hashes(PAGE)
    assert len(hashes) == 2
    assert hashes[0] == READY_HASH
    policy = security_headers(PRODUCTION, hashes)["Content-Security-Policy"]
    assert _directives(policy)["script-src"] == ["'self'", "'unsafe-eval'", *hashes]


def test_the_caddyfile_holds_the_headers_of_the_production_settings():
    caddyfile = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in caddyfile.splitlines() if line.strip().startswith("?")]
    assert lines == caddy_header_lines(PRODUCTION)
    assert re.search(r"reverse_proxy 127\.0\.0\.1:3000", caddyfile)


def test_oktra_config_headers_prints_the_caddyfile_lines_for_the_settings(monkeypatch, capsys):
    monkeypatch.setenv("OKTRA_BASE_URL", "https://oktra.ma")
    monkeypatch.setenv("OKTRA_CMI_GATEWAY_URL", "https://payment.cmi.co.ma/fim/est3Dgate")
    get_settings.cache_clear()
    assert main(["config", "headers"]) == 0
    assert capsys.readouterr().out.splitlines() == caddy_header_lines(PRODUCTION)


def test_backend_responses_carry_the_headers_and_hsts_only_over_https(engine, monkeypatch):
    response = TestClient(build_api()).get("/health")
    assert response.status_code == 200
    for name, value in security_headers(get_settings()).items():
        assert response.headers[name] == value
    assert "strict-transport-security" not in response.headers

    monkeypatch.setenv("OKTRA_BASE_URL", "https://oktra.ma")
    get_settings.cache_clear()
    hsts = TestClient(build_api()).get("/health").headers["strict-transport-security"]
    assert hsts == security_headers(PRODUCTION)["Strict-Transport-Security"]


def _page(_request):
    return HTMLResponse(PAGE)


def _own_policy(_request):
    return HTMLResponse("<p>gateway</p>", headers={"Referrer-Policy": "no-referrer"})


def _client() -> TestClient:
    app = Starlette(
        routes=[Route("/fr", _page), Route("/own", _own_policy), Route(f"{SIMULATOR}/x", _page)],
        middleware=[
            Middleware(SecurityHeaders, settings=lambda: PRODUCTION, exempt=(SIMULATOR,)),
            Middleware(GZipMiddleware, minimum_size=1),
        ],
    )
    return TestClient(app)


def test_a_page_is_read_uncompressed_and_allows_its_own_inline_scripts():
    response = _client().get("/fr", headers={"Accept-Encoding": "gzip, zstd"})
    assert response.text == PAGE
    assert "content-encoding" not in response.headers
    script_src = _directives(response.headers["content-security-policy"])["script-src"]
    assert script_src == ["'self'", "'unsafe-eval'", *inline_script_hashes(PAGE)]


def test_a_header_a_route_sets_is_kept_and_the_simulator_is_left_alone():
    client = _client()
    own = client.get("/own")
    assert own.headers["referrer-policy"] == "no-referrer"
    assert own.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in client.get(f"{SIMULATOR}/x").headers


def test_a_page_sent_by_path_as_granian_sends_static_files_gets_its_headers(tmp_path):
    """Granian offers the ASGI `pathsend` extension, so Starlette's static files (the built
    pages `oktra serve --prod` mounts) are sent by path, without a body message."""
    (tmp_path / "page.html").write_text(PAGE)
    app = SecurityHeaders(StaticFiles(directory=tmp_path), settings=lambda: PRODUCTION)
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/page.html",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"oktra.ma")],
        "extensions": {"http.response.pathsend": {}},
    }
    asyncio.run(app(scope, receive, send))
    assert [message["type"] for message in sent] == [
        "http.response.start",
        "http.response.pathsend",
    ]
    headers = MutableHeaders(raw=sent[0]["headers"])
    script_src = _directives(headers["content-security-policy"])["script-src"]
    assert script_src == ["'self'", "'unsafe-eval'", *inline_script_hashes(PAGE)]
    assert headers["x-frame-options"] == "DENY"
