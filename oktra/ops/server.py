"""The production server: Granian workers sharing one port, a dead worker replaced.

`reflex run --env prod` starts Granian without `respawn_failed_workers`, so one worker that
dies (out of memory, a crash in a C extension, a `kill`) stops the whole server and every user
with it. OKTRA starts Granian itself with the same application factory and environment, and
lets Granian's supervisor replace a failed worker; sessions and page state live in PostgreSQL
and Redis, so the users of the dead worker reconnect to another one and lose nothing
(bench/load/run.py --kill measures it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

APP_TARGET = "oktra.oktra:app"
DEFAULT_PORT = 3000
# Seconds a worker gets to finish its requests on shutdown before it is killed.
KILL_TIMEOUT = 10


@dataclass(frozen=True)
class ServerPlan:
    """How the production server runs: where it listens, how many workers, what it serves."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    workers: int = 2
    frontend: bool = True


def default_workers() -> int:
    """One worker per core, at least two so a failed worker never leaves the site without one.
    On the 2-core load benchmark, 4 workers served 200 users no better than 2 (81 and 77
    actions/s, within the runs' spread; docs/performance.md): the work is CPU-bound."""
    return max(2, os.cpu_count() or 1)


def server_environment(plan: ServerPlan) -> dict[str, str]:
    """The Reflex variables a production worker needs: prod mode, the app compiled already
    (by `reflex export`), the built pages mounted on the backend when it serves them. Reflex
    prefixes its internal variables with two underscores (tests/unit/ops/test_server.py holds
    these names to Reflex's own)."""
    return {
        "REFLEX_ENV_MODE": "prod",
        "__REFLEX_SKIP_COMPILE": "true",
        "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true" if plan.frontend else "false",
    }


def granian_options(plan: ServerPlan) -> dict[str, object]:
    """Keyword arguments of `granian.server.Server` for the plan."""
    from granian.constants import Interfaces
    from granian.log import LogLevels

    return {
        "target": APP_TARGET,
        "factory": True,
        "address": plan.host,
        "port": plan.port,
        "interface": Interfaces.ASGI,
        "workers": plan.workers,
        "respawn_failed_workers": True,
        "workers_kill_timeout": KILL_TIMEOUT,
        "log_level": LogLevels.warning,
    }


def serve(plan: ServerPlan) -> None:
    """Run the server in this process until it is stopped (SIGTERM or SIGINT)."""
    from granian.server import Server

    os.environ.update(server_environment(plan))
    Server(**granian_options(plan)).serve()
