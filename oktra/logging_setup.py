"""One logging format for the app, the CLI and jobs."""

from __future__ import annotations

import logging

from oktra.settings import get_settings


def configure_logging() -> None:
    """Log to stderr at the configured level (idempotent)."""
    root = logging.getLogger()
    if getattr(root, "_oktra_configured", False):
        return
    logging.basicConfig(
        level=get_settings().log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    root._oktra_configured = True  # type: ignore[attr-defined]
