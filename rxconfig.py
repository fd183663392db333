"""Reflex configuration, derived from OKTRA's own settings (users set only OKTRA_* variables)."""

import sys

import reflex as rx

from oktra.core.errors import ConfigError
from oktra.settings import get_settings
from oktra.ui.theme import THEME

try:
    settings = get_settings()
except ConfigError as error:
    sys.exit(f"configuration error: {error}")

# Reflex derives the backend address from the mode (dev: :8000, prod: the same port as the
# frontend) unless OKTRA_API_URL says otherwise.
backend = {"api_url": settings.api_url} if settings.api_url else {}

config = rx.Config(
    app_name="oktra",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    deploy_url=settings.base_url,
    cors_allowed_origins=settings.cors_origins,
    **backend,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=THEME)],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
