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

config = rx.Config(
    app_name="oktra",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    api_url=settings.api_url,
    deploy_url=settings.base_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=THEME)],
    disable_plugins=["reflex.plugins.sitemap.SitemapPlugin"],
)
