"""An app worker for the two-process scheduler tests: a LeaderElection over real-looking jobs.

Usage: scheduler_worker_child.py DATABASE_URL. It starts electing at once, then answers the
lines it reads on stdin: "role" prints "leader" or "follower", "stop" stops the election
(its scheduler and lock) and exits. Every job records the worker's pid in its counts and lasts
0.6 s, more than half its 1 s interval: two workers running it at once would overlap in time.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

import oktra.models  # noqa: F401  (every table, as the app loads them)
from oktra.core.clock import MOROCCO
from oktra.db import engine_for
from oktra.scheduler import JobSpec, LeaderElection


def _work(*, session: Session, now: datetime) -> dict[str, int]:
    time.sleep(0.6)
    return {"pid": os.getpid()}


SPECS = [
    JobSpec("send_emails", _work, IntervalTrigger(seconds=1), "deliver the outbox"),
    JobSpec("match_alerts", _work, IntervalTrigger(seconds=1), "match new tenders"),
    JobSpec("purge_emails", _work, CronTrigger(hour=3, minute=40, timezone=MOROCCO), "purge"),
]

if __name__ == "__main__":
    election = LeaderElection(SPECS, engine=engine_for(sys.argv[1]), poll_seconds=0.2)
    election.start()
    for line in sys.stdin:
        if line.strip() == "role":
            sys.stdout.write("leader\n" if election.is_leader else "follower\n")
            sys.stdout.flush()
        elif line.strip() == "stop":
            break
    election.stop()
