"""Tasks that live as long as the backend process: the job scheduler."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from oktra.jobs import all_jobs
from oktra.logging_setup import guard_access_logs
from oktra.scheduler import LeaderElection
from oktra.settings import get_settings

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def scheduler_lifespan() -> AsyncIterator[None]:
    """Join the leader election for the scheduler while the backend runs (and, the web server's
    logging being set up by then, keep secrets out of its access log)."""
    guard_access_logs()
    settings = get_settings()
    if not settings.scheduler_enabled:
        logger.info("scheduler disabled by OKTRA_SCHEDULER_ENABLED")
        yield
        return
    election = LeaderElection(all_jobs(), poll_seconds=settings.scheduler_poll_seconds)
    election.start()
    try:
        yield
    finally:
        election.stop()
