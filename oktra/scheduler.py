"""APScheduler 3.x: a leader lock so one worker runs jobs, a recorded job wrapper, catch-up.

Every worker starts a LeaderElection; the one that takes the lock (a PostgreSQL advisory lock
held on its own connection, or a file lock beside the SQLite file) runs the scheduler. When it
dies its lock is released by the server or the kernel, and another worker takes over at its
next poll.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from oktra.core.clock import MOROCCO, as_utc, utc_now
from oktra.core.models import JobRun
from oktra.db import get_engine, session_scope, sqlite_path

logger = logging.getLogger(__name__)

# pg_advisory_lock key: "OKTR" as a 32-bit integer, stable across deploys.
ADVISORY_LOCK_KEY = 0x4F4B5452
ERROR_TEXT_LIMIT = 400

JobFunc = Callable[..., dict[str, int] | None]


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: a name, a function(session=, now=) returning counts, and its trigger."""

    name: str
    func: JobFunc
    trigger: BaseTrigger
    description: str


def run_job(spec: JobSpec, *, engine: Engine | None = None, trigger: str = "schedule") -> JobRun:
    """Run a job in its own transaction and record it; a failure is recorded, then re-raised."""
    with session_scope(engine) as session:
        run = JobRun(job=spec.name, trigger=trigger)
        session.add(run)
    logger.info("job %s started (%s)", spec.name, trigger)
    try:
        with session_scope(engine) as session:
            counts = spec.func(session=session, now=utc_now()) or {}
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT]
        _finish(run, outcome="failed", counts={}, error=error, engine=engine)
        logger.exception("job %s failed", spec.name)
        raise
    _finish(run, outcome="ok", counts=counts, error=None, engine=engine)
    logger.info("job %s ended ok %s", spec.name, counts)
    return run


def _finish(
    run: JobRun, *, outcome: str, counts: dict, error: str | None, engine: Engine | None
) -> None:
    with session_scope(engine) as session:
        stored = session.get(JobRun, run.id)
        stored.finished_at = utc_now()
        stored.outcome = outcome
        stored.counts = counts
        stored.error = error
        run.finished_at, run.outcome, run.counts, run.error = (
            stored.finished_at,
            outcome,
            counts,
            error,
        )


def next_fire_after(trigger: BaseTrigger, moment: datetime) -> datetime | None:
    """The first time the trigger fires strictly after `moment`."""
    if isinstance(trigger, IntervalTrigger):
        return as_utc(moment) + trigger.interval
    fire = trigger.get_next_fire_time(None, as_utc(moment) + timedelta(seconds=1))
    return None if fire is None else as_utc(fire)


def missed_jobs(specs: list[JobSpec], *, session: Session, now: datetime) -> list[JobSpec]:
    """Jobs whose next run after their last successful one is already past (a run that failed
    or died midway left nothing done: it is caught up too)."""
    missed = []
    for spec in specs:
        last = session.exec(
            select(func.max(JobRun.started_at)).where(
                JobRun.job == spec.name, JobRun.outcome == "ok"
            )
        )
        last_started = last.scalar_one_or_none()
        if last_started is None:
            continue
        due = next_fire_after(spec.trigger, last_started)
        if due is not None and due <= now:
            missed.append(spec)
    return missed


class LeaderLock(Protocol):
    """A lock that at most one worker holds; released when its holder dies."""

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class FileLeaderLock:
    """An exclusive flock on a file beside the SQLite database."""

    def __init__(self, path: Path) -> None:
        self._lock = FileLock(str(path), timeout=0, is_singleton=False)

    def try_acquire(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def still_held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


class PostgresLeaderLock:
    """A session-level PostgreSQL advisory lock held on a dedicated connection."""

    def __init__(self, engine: Engine, key: int = ADVISORY_LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        connection = self._engine.connect()
        try:
            query = text("SELECT pg_try_advisory_lock(:key)")
            acquired = bool(connection.execute(query, {"key": self._key}).scalar())
            connection.commit()
        except DBAPIError:
            connection.close()
            return False
        if not acquired:
            connection.close()
            return False
        self._connection = connection
        return True

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except DBAPIError:
            self._connection = None
            return False
        return True

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            self._connection.commit()
        except DBAPIError:
            logger.warning("leader lock connection was already gone")
        finally:
            self._connection.close()
            self._connection = None


def leader_lock_for(engine: Engine) -> LeaderLock:
    """The right leader lock for the database behind the engine."""
    if engine.dialect.name == "postgresql":
        return PostgresLeaderLock(engine)
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        msg = "the scheduler needs a file or PostgreSQL database for its leader lock"
        raise ValueError(msg)
    return FileLeaderLock(path.with_name(path.name + ".leader.lock"))


class LeaderElection:
    """Polls for the leader lock; while it holds it, runs the jobs on an APScheduler."""

    def __init__(
        self, specs: list[JobSpec], *, engine: Engine | None = None, poll_seconds: float = 5.0
    ) -> None:
        self.specs = specs
        self.engine = engine or get_engine()
        self.poll_seconds = poll_seconds
        self.lock = leader_lock_for(self.engine)
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._running: dict[str, threading.Lock] = {}
        self._thread: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this worker currently runs the jobs."""
        return self.scheduler is not None

    def start(self) -> None:
        """Start polling for leadership in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="oktra-leader", daemon=True)
        self._thread.start()

    def poll_once(self) -> None:
        """Take the lock if free, or step down if it was lost."""
        if not self.is_leader:
            if self.lock.try_acquire():
                self._become_leader()
        elif not self.lock.still_held():
            logger.warning("leader lock lost: stepping down")
            self._step_down()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                logger.exception("leader election poll failed")
            self._stop.wait(self.poll_seconds)

    def _become_leader(self) -> None:
        logger.info("this worker is now the scheduler leader")
        scheduler = BackgroundScheduler(timezone=MOROCCO)
        for spec in self.specs:
            scheduler.add_job(
                self._run_alone,
                trigger=spec.trigger,
                kwargs={"spec": spec, "trigger": "schedule"},
                id=spec.name,
                name=spec.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=3600,
            )
        with session_scope(self.engine) as session:
            missed = missed_jobs(self.specs, session=session, now=utc_now())
        for spec in missed:
            logger.info("job %s missed a run while the app was down: catching up once", spec.name)
            scheduler.add_job(
                self._run_alone,
                kwargs={"spec": spec, "trigger": "catch-up"},
                id=f"{spec.name}:catch-up",
            )
        scheduler.start()
        self.scheduler = scheduler

    def _run_alone(self, spec: JobSpec, trigger: str) -> None:
        """Run a job unless this worker is already running it (its catch-up run, or a run
        longer than its interval): one run of a job at a time, whatever started it."""
        lock = self._running.setdefault(spec.name, threading.Lock())
        if not lock.acquire(blocking=False):
            logger.info("job %s is still running: this %s run is skipped", spec.name, trigger)
            return
        try:
            run_job(spec, engine=self.engine, trigger=trigger)
        finally:
            lock.release()

    def _step_down(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        self.lock.release()

    def stop(self) -> None:
        """Stop polling, stop the jobs and free the lock."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_seconds + 5)
        self._step_down()


def prune_job_runs(*, session: Session, now: datetime, keep_days: int) -> dict[str, int]:
    """Delete finished job-run records older than the retention period."""
    cutoff = now - timedelta(days=keep_days)
    old = session.exec(
        select(JobRun).where(JobRun.started_at < cutoff, JobRun.outcome != "running")
    ).scalars()
    deleted = 0
    for run in old:
        session.delete(run)
        deleted += 1
    return {"deleted": deleted}
