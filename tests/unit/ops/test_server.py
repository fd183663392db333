"""The production server (`oktra serve --prod`): Granian workers, a killed one replaced while
the others keep answering."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
from reflex_base.environment import environment

from oktra import migrations
from oktra.cli import PROJECT_ROOT
from oktra.ops.server import ServerPlan, granian_options, server_environment

START_LIMIT = 180.0


def test_the_reflex_variables_are_named_as_reflex_reads_them():
    names = set(server_environment(ServerPlan()))
    assert names == {
        environment.REFLEX_ENV_MODE.name,
        environment.REFLEX_SKIP_COMPILE.name,
        environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.name,
    }


def test_a_failed_worker_is_replaced_not_the_end_of_the_server():
    options = granian_options(ServerPlan(workers=3))
    assert options["respawn_failed_workers"] is True
    assert options["workers"] == 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers(supervisor: psutil.Process) -> set[int]:
    alive = set()
    for child in supervisor.children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                alive.add(child.pid)
        except psutil.NoSuchProcess:
            continue
    return alive


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(condition, limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_a_killed_worker_is_replaced_and_the_site_keeps_answering(tmp_path: Path):
    database_url = f"sqlite:///{tmp_path / 'oktra.db'}"
    migrations.upgrade(database_url)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OKTRA_ENV": "test",
        "OKTRA_DATABASE_URL": database_url,
        "OKTRA_API_URL": url,
        "OKTRA_SCHEDULER_ENABLED": "false",
        "OKTRA_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "oktra", "serve", "--prod", "--backend-only"]
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*command, "--workers", "2", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        supervisor = psutil.Process(server.pid)
        started = _wait(lambda: _healthy(url) and len(_workers(supervisor)) == 2, START_LIMIT)
        assert started, (tmp_path / "server.log").read_text()[-2000:]
        before = _workers(supervisor)
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        answers = [_healthy(url) for _ in range(10)]
        assert all(answers), "the other worker keeps answering"
        replaced = _wait(
            lambda: len(_workers(supervisor)) == 2 and victim not in _workers(supervisor), 60
        )
        assert replaced, (tmp_path / "server.log").read_text()[-2000:]
        assert server.poll() is None, "the server is still running"
        assert _wait(lambda: _healthy(url), 30)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
