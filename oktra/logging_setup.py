"""One logging format for the app, the CLI and jobs."""

from __future__ import annotations

import logging
import re

from oktra.settings import get_settings

# Credentials that travel in addresses: a private feed's token, a sign-in ticket, an emailed
# link's token. The access log keeps the route, never the secret.
_SECRETS = (
    (re.compile(r"(/alerts/feed/)[^/?\s]+"), r"\1[redacted]"),
    (re.compile(r"([?&](?:ticket|token|oobCode)=)[^&\s]+"), r"\1[redacted]"),
)
ACCESS_LOGGERS = ("uvicorn.access", "granian.access")


def redact(text: str) -> str:
    """An address or log line with the secrets it carries replaced."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Removes credentials from access-log records (their arguments hold the request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def guard_access_logs() -> None:
    """Attach the redaction to the web server's access loggers (idempotent)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(item, RedactSecrets) for item in logger.filters):
            logger.addFilter(RedactSecrets())


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
    guard_access_logs()
    root._oktra_configured = True  # type: ignore[attr-defined]
