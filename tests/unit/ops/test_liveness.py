"""A worker's beat tells the other workers whether it still runs (oktra/ops/liveness.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import psutil

from oktra.ops import liveness

HOST = socket.gethostname()


def _child() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_a_running_worker_on_this_host_is_alive():
    beat = liveness.WorkerIdentity.of(psutil.Process()).encode()
    assert not liveness.is_gone(beat, host=HOST)


def test_a_killed_worker_is_gone_even_before_it_is_reaped():
    child = _child()
    try:
        beat = liveness.WorkerIdentity.of(psutil.Process(child.pid)).encode()
        assert not liveness.is_gone(beat, host=HOST)
        child.kill()
        assert _eventually_gone(beat)
    finally:
        child.kill()
        child.wait()
    assert liveness.is_gone(beat, host=HOST)


def _eventually_gone(beat: bytes) -> bool:
    """The zombie of a killed, not yet reaped child counts as gone (its status flips within
    moments of the signal)."""
    for _ in range(50):
        if liveness.is_gone(beat, host=HOST):
            return True
        time.sleep(0.05)
    return False


def test_a_new_process_that_reuses_a_dead_workers_pid_is_not_taken_for_it():
    me = psutil.Process()
    earlier = liveness.WorkerIdentity(host=HOST, pid=me.pid, started=me.create_time() - 3600)
    assert liveness.is_gone(earlier.encode(), host=HOST)


def test_another_hosts_worker_is_alive_while_its_beat_lasts_and_gone_once_it_expires():
    beat = liveness.WorkerIdentity(host=f"{HOST}-elsewhere", pid=1, started=0.0).encode()
    assert not liveness.is_gone(beat, host=HOST)
    assert liveness.is_gone(None, host=HOST)


def test_a_beat_that_is_not_one_counts_as_gone():
    assert liveness.is_gone(b"not json", host=HOST)
    assert liveness.is_gone(b'{"host": "x"}', host=HOST)
    assert liveness.WorkerIdentity.decode(b"[]") is None
