"""Whether a server worker is still alive, told to the other workers through Redis.

Reflex remembers which worker holds each tab's websocket (a record per tab token, kept an
hour). When a worker dies without closing its sockets (SIGKILL, out of memory), those records
stay behind: the tabs reconnect to another worker, which takes each one for a duplicate of a
live tab and hands it a new, empty state. So each worker publishes who it is (host, process id,
process start time) under its instance id, refreshed every few seconds; a record whose owner is
gone can then be taken over. On the same host the process table answers at once (a killed
worker is gone the moment it dies); another host's worker is gone when its beat expires.
"""

from __future__ import annotations

import json
import socket
from dataclasses import asdict, dataclass

import psutil

KEY_PREFIX = "oktra:worker:"
# A worker refreshes its beat every BEAT_SECONDS; a beat not refreshed for TTL_SECONDS means
# the worker is gone (the delay after which another host's dead worker lets its tabs go).
BEAT_SECONDS = 3
TTL_SECONDS = 10
# Two readings of one process's start time agree to the hundredth of a second; a process id
# reused by a new process has a later start time.
_SAME_START = 0.5


def beat_key(instance_id: str) -> str:
    """The Redis key of a worker instance's beat."""
    return f"{KEY_PREFIX}{instance_id}"


@dataclass(frozen=True)
class WorkerIdentity:
    """A worker process, as another worker can check it."""

    host: str
    pid: int
    started: float

    @classmethod
    def of(cls, process: psutil.Process) -> WorkerIdentity:
        """The identity of a running process on this host."""
        return cls(host=socket.gethostname(), pid=process.pid, started=process.create_time())

    def encode(self) -> bytes:
        """The beat's value."""
        return json.dumps(asdict(self)).encode()

    @classmethod
    def decode(cls, raw: bytes) -> WorkerIdentity | None:
        """A beat's value read back; None when it is not one."""
        try:
            fields = json.loads(raw)
            return cls(
                host=str(fields["host"]), pid=int(fields["pid"]), started=float(fields["started"])
            )
        except (ValueError, TypeError, KeyError):
            return None


def is_gone(beat: bytes | None, *, host: str) -> bool:
    """Whether the worker behind a beat (None: no beat, it expired) is no longer running."""
    if beat is None:
        return True
    identity = WorkerIdentity.decode(beat)
    if identity is None:
        return True
    if identity.host != host:
        return False
    try:
        process = psutil.Process(identity.pid)
        return (
            abs(process.create_time() - identity.started) > _SAME_START
            or process.status() == psutil.STATUS_ZOMBIE
        )
    except psutil.NoSuchProcess:
        return True
