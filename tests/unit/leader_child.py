"""A worker process for the takeover test: wins the leader election, says so, then waits."""

from __future__ import annotations

import sys
import time

from apscheduler.triggers.cron import CronTrigger

from oktra.db import engine_for
from oktra.scheduler import JobSpec, LeaderElection


def _noop(**_kwargs: object) -> dict[str, int]:
    return {}


if __name__ == "__main__":
    spec = JobSpec("noop", _noop, CronTrigger(hour=3), "does nothing")
    election = LeaderElection([spec], engine=engine_for(sys.argv[1]), poll_seconds=0.2)
    election.poll_once()
    sys.stdout.write("leader\n" if election.is_leader else "follower\n")
    sys.stdout.flush()
    time.sleep(120)
