"""The scheduler core: recorded runs, catch-up after downtime, one leader that can be replaced."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import select

from oktra.core.clock import MOROCCO, utc_now
from oktra.core.models import JobRun
from oktra.db import session_scope
from oktra.scheduler import JobSpec, LeaderElection, missed_jobs, prune_job_runs, run_job

ROOT = Path(__file__).resolve().parents[2]
DAILY = CronTrigger(hour=3, minute=30, timezone=MOROCCO)


def _count_job(**_kwargs: object) -> dict[str, int]:
    return {"seen": 3}


def _failing_job(**_kwargs: object) -> dict[str, int]:
    raise RuntimeError("source unreachable")


def _runs(engine, job: str) -> list[JobRun]:
    with session_scope(engine) as session:
        return list(session.exec(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def _wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_successful_run_is_recorded_with_its_counts(engine):
    run_job(JobSpec("count", _count_job, DAILY, "counts"), engine=engine)
    [run] = _runs(engine, "count")
    assert run.outcome == "ok"
    assert run.counts == {"seen": 3}
    assert run.finished_at >= run.started_at
    assert run.started_at.tzinfo is not None


def test_a_failed_run_is_recorded_then_reraised(engine):
    with pytest.raises(RuntimeError, match="source unreachable"):
        run_job(JobSpec("fails", _failing_job, DAILY, "fails"), engine=engine)
    [run] = _runs(engine, "fails")
    assert run.outcome == "failed"
    assert run.error == "RuntimeError: source unreachable"
    assert run.finished_at is not None


def test_a_job_that_missed_its_time_while_down_is_due_once(session):
    spec = JobSpec("daily", _count_job, DAILY, "daily")
    now = utc_now()
    session.add(JobRun(job="daily", started_at=now - timedelta(days=3), outcome="ok"))
    session.flush()
    assert missed_jobs([spec], session=session, now=now) == [spec]


def test_a_job_run_recently_is_not_due(session):
    spec = JobSpec("hourly", _count_job, IntervalTrigger(hours=1), "hourly")
    now = utc_now()
    session.add(JobRun(job="hourly", started_at=now - timedelta(minutes=10), outcome="ok"))
    session.flush()
    assert missed_jobs([spec], session=session, now=now) == []


def test_a_run_that_failed_or_died_is_caught_up(session):
    spec = JobSpec("hourly", _count_job, IntervalTrigger(hours=1), "hourly")
    now = utc_now()
    session.add(JobRun(job="hourly", started_at=now - timedelta(hours=3), outcome="ok"))
    session.add(JobRun(job="hourly", started_at=now - timedelta(minutes=10), outcome="failed"))
    session.add(JobRun(job="hourly", started_at=now - timedelta(minutes=5), outcome="running"))
    session.flush()
    assert missed_jobs([spec], session=session, now=now) == [spec]


def test_a_job_never_run_has_nothing_to_catch_up(session):
    spec = JobSpec("fresh", _count_job, DAILY, "fresh")
    assert missed_jobs([spec], session=session, now=utc_now()) == []


def test_the_new_leader_catches_up_a_missed_run_exactly_once(engine):
    spec = JobSpec("catchup", _count_job, DAILY, "daily")
    with session_scope(engine) as session:
        session.add(JobRun(job="catchup", started_at=utc_now() - timedelta(days=5), outcome="ok"))
    election = LeaderElection([spec], engine=engine, poll_seconds=0.2)
    try:
        election.poll_once()
        assert election.is_leader
        assert _wait_for(lambda: any(r.trigger == "catch-up" for r in _runs(engine, "catchup")))
        election.poll_once()
        time.sleep(0.5)
    finally:
        election.stop()
    catch_ups = [r for r in _runs(engine, "catchup") if r.trigger == "catch-up"]
    assert len(catch_ups) == 1
    assert catch_ups[0].outcome == "ok"


def test_only_one_worker_holds_the_leader_lock(engine):
    spec = JobSpec("noop", _count_job, DAILY, "noop")
    first = LeaderElection([spec], engine=engine, poll_seconds=0.2)
    second = LeaderElection([spec], engine=engine, poll_seconds=0.2)
    try:
        first.poll_once()
        second.poll_once()
        assert first.is_leader
        assert not second.is_leader
        first.stop()
        second.poll_once()
        assert second.is_leader
    finally:
        first.stop()
        second.stop()


def test_another_worker_takes_over_when_the_leader_dies(engine, database_url):
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("leader_child.py")), database_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    survivor = LeaderElection(
        [JobSpec("noop", _count_job, DAILY, "noop")], engine=engine, poll_seconds=0.2
    )
    try:
        assert child.stdout.readline().strip() == "leader"
        survivor.poll_once()
        assert not survivor.is_leader
        child.kill()
        child.wait(timeout=10)

        def took_over() -> bool:
            survivor.poll_once()
            return survivor.is_leader

        assert _wait_for(took_over)
    finally:
        child.kill()
        survivor.stop()


def test_pruning_deletes_only_finished_runs_past_retention(session):
    now = utc_now()
    session.add(JobRun(job="a", started_at=now - timedelta(days=120), outcome="ok"))
    session.add(JobRun(job="b", started_at=now - timedelta(days=10), outcome="ok"))
    session.add(JobRun(job="c", started_at=now - timedelta(days=120), outcome="running"))
    session.flush()
    assert prune_job_runs(session=session, now=now, keep_days=90) == {"deleted": 1}
    assert sorted(r.job for r in session.exec(select(JobRun))) == ["b", "c"]
