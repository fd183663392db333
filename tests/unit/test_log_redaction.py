"""Secrets carried in addresses never reach the access log."""

from __future__ import annotations

import logging

from oktra.logging_setup import RedactSecrets, guard_access_logs, redact

TOKEN = "Zk3vX9_secret-feed-token"


def test_a_feed_token_and_link_tokens_are_redacted_from_addresses():
    assert redact(f"/alerts/feed/{TOKEN}") == "/alerts/feed/[redacted]"
    line = f"/auth/complete?ticket=abc123&next=/fr/account&token={TOKEN}"
    assert redact(line) == "/auth/complete?ticket=[redacted]&next=/fr/account&token=[redacted]"
    assert redact("/fr/tenders?q=travaux&page=2") == "/fr/tenders?q=travaux&page=2"


def test_the_access_log_record_is_written_without_the_token(caplog):
    guard_access_logs()
    guard_access_logs()
    access = logging.getLogger("uvicorn.access")
    assert sum(isinstance(item, RedactSecrets) for item in access.filters) == 1
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/alerts/feed/{TOKEN}", "1.1", 200
        )
    assert TOKEN not in caplog.text
    assert "/alerts/feed/[redacted]" in caplog.text
