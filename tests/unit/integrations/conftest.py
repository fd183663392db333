"""The real Firebase Auth emulator: started once per session on free ports, stopped at the end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from oktra.integrations.firebase import EMULATOR_ENV, FirebaseAuth

REPO_ROOT = Path(__file__).resolve().parents[3]
TOOLS_BIN = REPO_ROOT / ".tools" / "node_modules" / ".bin"
PROJECT_ID = "demo-oktra"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
IN_CI = os.environ.get("CI") == "true"


def _unavailable(reason: str) -> None:
    """Fail under CI (the emulator is part of the suite there), skip on a laptop."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _free_ports(count: int) -> list[int]:
    """Distinct ports free right now (each socket stays bound until all are chosen)."""
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def _session_config(directory: Path) -> tuple[Path, str]:
    """The repo's firebase.json with free ports, so parallel test runs never share an emulator."""
    config = json.loads((REPO_ROOT / "firebase.json").read_text())
    emulators = config.setdefault("emulators", {})
    auth_port, hub_port, logging_port = _free_ports(3)
    emulators["auth"] = {"host": "127.0.0.1", "port": auth_port}
    emulators["hub"] = {"host": "127.0.0.1", "port": hub_port}
    emulators["logging"] = {"host": "127.0.0.1", "port": logging_port}
    path = directory / "firebase.json"
    path.write_text(json.dumps(config))
    return path, f"127.0.0.1:{auth_port}"


def _answers(host: str) -> bool:
    try:
        return httpx.get(f"http://{host}/", timeout=1.0).status_code < 500
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """Stop the emulator's whole process group: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def firebase_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The host:port of a Firebase Auth emulator for project demo-oktra, for the whole session."""
    firebase = shutil.which("firebase", path=str(TOOLS_BIN))
    if firebase is None:
        _unavailable(f"firebase-tools is not installed in {TOOLS_BIN}: run `make firebase-tools`")
    directory = tmp_path_factory.mktemp("firebase")
    config, host = _session_config(directory)
    log_path = directory / "emulator.log"
    environment = {
        **os.environ,
        "CI": "true",
        "PATH": f"{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    environment.pop(EMULATOR_ENV, None)
    command = [firebase, "emulators:start", "--only", "auth", "--project", PROJECT_ID]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [*command, "--config", str(config)],
            cwd=REPO_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        started = time.monotonic()
        while not _answers(host):
            elapsed = time.monotonic() - started
            if process.poll() is not None or elapsed > START_TIMEOUT_SECONDS:
                tail = log_path.read_text(errors="replace")[-2000:]
                _unavailable(f"Firebase Auth emulator did not start on {host}:\n{tail}")
            time.sleep(0.2)
        yield host
    finally:
        _stop(process)


@pytest.fixture
def emulator_host(firebase_emulator: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An emptied emulator, with FIREBASE_AUTH_EMULATOR_HOST set for this test only."""
    response = httpx.delete(
        f"http://{firebase_emulator}/emulator/v1/projects/{PROJECT_ID}/accounts", timeout=5.0
    )
    response.raise_for_status()
    monkeypatch.setenv(EMULATOR_ENV, firebase_emulator)
    return firebase_emulator


@pytest.fixture
def firebase(emulator_host: str) -> Iterator[FirebaseAuth]:
    """A FirebaseAuth client on the emulator for project demo-oktra."""
    client = FirebaseAuth(PROJECT_ID, api_key="test-api-key")
    yield client
    client.close()
