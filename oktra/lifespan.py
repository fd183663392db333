"""Tasks that live as long as the backend process: the job scheduler, and the startup heap set
aside from the garbage collector."""

from __future__ import annotations

import contextlib
import gc
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


@contextlib.asynccontextmanager
async def frozen_startup_heap() -> AsyncIterator[None]:
    """Set the objects of the loaded app (about 300,000: pages, states, translations) aside
    from the garbage collector, once the worker has started: they live as long as the process,
    and every full collection would otherwise walk them all, a pause of over 100 ms on every
    websocket of the worker (docs/performance.md, "Under load")."""
    gc.collect()
    gc.freeze()
    yield
