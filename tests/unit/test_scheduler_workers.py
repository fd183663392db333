"""Several app workers on one database: each scheduled job runs once, each email is sent once.

The workers are real processes (`scheduler_worker_child.py`) electing a leader through the
database's lock: PostgreSQL's advisory lock, or the file lock beside a SQLite file. Their jobs
record the worker's pid and last longer than half their interval, so two leaders at once would
show both as pids in job_run and as overlapping runs.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlmodel import select

from oktra.core.clock import utc_now
from oktra.core.models import JobRun
from oktra.db import session_scope
from oktra.integrations.ses import OutgoingEmail
from oktra.notifications.models import EmailMessage
from oktra.notifications.service import enqueue_email, send_pending

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("scheduler_worker_child.py")


class Worker:
    """One app process running a LeaderElection, driven over stdin."""

    def __init__(self, database_url: str, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "OKTRA_ENV": "test"},
        )
        self.pid = self.process.pid

    def role(self) -> str:
        self.process.stdin.write("role\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write("stop\n")
            self.process.stdin.flush()
        assert self.process.wait(timeout=15) == 0

    def kill(self) -> datetime:
        """SIGKILL, returning a moment just before it."""
        moment = utc_now()
        self.process.kill()
        self.process.wait(timeout=10)
        return moment


def _runs(engine) -> list[JobRun]:
    with session_scope(engine) as session:
        return list(session.exec(select(JobRun).order_by(JobRun.started_at)))


def _assert_never_overlapping(runs: list[JobRun], killed_at: datetime | None = None) -> None:
    """Each job's runs follow one another; one cut short by a kill ended at the kill."""
    for job in {run.job for run in runs}:
        mine = [run for run in runs if run.job == job]
        for before, after in itertools.pairwise(mine):
            assert (before.finished_at or killed_at) <= after.started_at, (job, before, after)


def _wait_for_roles(workers: list[Worker], seconds: float = 20.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        roles = [worker.role() for worker in workers]
        if "leader" in roles:
            return roles
        time.sleep(0.2)
    return roles


def test_two_workers_on_one_database_run_each_scheduled_job_once(engine, database_url, tmp_path):
    workers = [Worker(database_url, tmp_path) for _ in range(2)]
    try:
        assert sorted(_wait_for_roles(workers)) == ["follower", "leader"]
        time.sleep(5)
        roles = [worker.role() for worker in workers]
        assert sorted(roles) == ["follower", "leader"]  # still: the follower never took over
        leader, follower = workers if roles[0] == "leader" else workers[::-1]
        follower.stop()  # first, so that it cannot take over when the leader lets go
        leader.stop()
    finally:
        for worker in workers:
            worker.process.kill()
    runs = _runs(engine)
    per_job = Counter(run.job for run in runs)
    assert per_job["send_emails"] >= 4 and per_job["match_alerts"] >= 4
    assert "purge_emails" not in per_job  # 03:40 only: not run at start, not caught up
    assert {run.outcome for run in runs} == {"ok"}
    assert {run.counts["pid"] for run in runs} == {leader.pid}
    _assert_never_overlapping(runs)


def test_when_the_leader_is_killed_the_other_worker_takes_over_without_overlap(
    engine, database_url, tmp_path
):
    workers = [Worker(database_url, tmp_path) for _ in range(2)]
    try:
        roles = _wait_for_roles(workers)
        leader, follower = workers if roles[0] == "leader" else workers[::-1]
        time.sleep(2.5)
        killed_at = leader.kill()
        deadline = time.monotonic() + 10
        while follower.role() != "leader" and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2.5)
        follower.stop()
    finally:
        for worker in workers:
            worker.process.kill()
    runs = _runs(engine)
    by_pid: dict[int, list[JobRun]] = {}
    for run in runs:  # a run the kill cut short recorded no counts: the leader's
        by_pid.setdefault(run.counts.get("pid", leader.pid), []).append(run)
    assert set(by_pid) == {leader.pid, follower.pid}
    assert max(r.started_at for r in by_pid[leader.pid]) < killed_at
    assert min(r.started_at for r in by_pid[follower.pid]) > killed_at
    assert all(run.finished_at is not None for run in by_pid[follower.pid])
    _assert_never_overlapping(runs, killed_at)


class SlowProvider:
    """Records each key it is asked to send; slow enough that two senders interleave."""

    name = "slow"
    knows_what_was_sent = True

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._lock = threading.Lock()

    def send(self, email: OutgoingEmail) -> str:
        time.sleep(0.01)
        with self._lock:
            self.keys.append(email.idempotency_key)
        return f"id-{email.idempotency_key}"


def test_two_senders_racing_over_the_same_messages_send_each_once(engine):
    with session_scope(engine) as session:
        for n in range(30):
            enqueue_email(
                session=session,
                kind="password_changed",
                to_address=f"user{n}@atlas.ma",
                lang="fr",
                context={"name": "Salma"},
                idempotency_key=f"race-{n}",
            )
    provider, now = SlowProvider(), utc_now()
    start, results, errors = threading.Barrier(2), [], []

    def sender() -> None:
        try:
            with session_scope(engine) as session:
                start.wait(timeout=10)
                results.append(send_pending(session=session, now=now, sender=provider))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Counter(provider.keys) == {f"race-{n}": 1 for n in range(30)}
    assert sorted(result["sent"] for result in results)[0] > 0  # both really sent some
    assert sum(result["sent"] for result in results) == 30
    with session_scope(engine) as session:
        messages = session.exec(select(EmailMessage)).all()
    assert {(m.status, m.attempts) for m in messages} == {("sent", 1)}
