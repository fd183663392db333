"""HTTP routes beside the Reflex pages, mounted with api_transformer."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from oktra.accounts import routes as auth_routes
from oktra.admin import routes as staff_routes
from oktra.alerts import routes as alert_routes
from oktra.billing import routes as billing_routes
from oktra.core.errors import ConfigError
from oktra.db import check_database, get_engine
from oktra.integrations import cmi_simulator
from oktra.migrations import current_revision, head_revision
from oktra.notifications import routes as notification_routes
from oktra.ops.headers_middleware import SecurityHeaders
from oktra.privacy import rights_routes
from oktra.privacy import routes as privacy_routes
from oktra.settings import get_settings


async def health(_request: Request) -> JSONResponse:
    """Liveness and readiness: the database answers and its schema is current."""
    try:
        check_database()
    except ConfigError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    current = current_revision(get_engine())
    head = head_revision()
    status = "ok" if current == head else "migrations-pending"
    return JSONResponse(
        {"status": status, "schema": current, "expected_schema": head},
        status_code=200 if status == "ok" else 503,
    )


def build_api() -> Starlette:
    """The Starlette app holding OKTRA's own HTTP routes; Reflex mounts itself (events and, in
    production, the compiled pages) inside it, so every response passes SecurityHeaders."""
    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            *auth_routes.ROUTES,
            *staff_routes.ROUTES,
            *alert_routes.ROUTES,
            *notification_routes.ROUTES,
            *privacy_routes.ROUTES,
            *rights_routes.ROUTES,
            *billing_routes.ROUTES,
            *cmi_simulator.routes(get_settings),
        ],
        middleware=[
            Middleware(SecurityHeaders, settings=get_settings, exempt=(cmi_simulator.PREFIX,))
        ],
    )
