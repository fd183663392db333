"""OKTRA under load: the real app in production mode, several workers on PostgreSQL and Redis,
simulated users on loopback websockets.

    .venv/bin/python bench/load/run.py            # 50, 200 and 500 users, then a worker killed
    .venv/bin/python bench/load/run.py --users 50 --duration 20 --no-kill   # a quick look

What it does, in one run, bounded in time (about 8 minutes with the defaults on 2 cores):
1. a fresh PostgreSQL database (`--database-url`, dropped and created) with the demo catalogue
   and one verified account per user, each with its alert; a Redis database emptied;
2. `oktra serve --prod --backend-only --workers N` with production settings (OKTRA_ENV=production:
   PostgreSQL, Redis for Reflex's state and the rate limits, real secrets generated for the
   run), on 127.0.0.1 only;
3. every user signs in through the sign-in form's event and the `/auth/complete` route (bcrypt
   cost 12 on the server), before any measurement;
4. baseline, same run: one user alone for `--baseline` seconds;
5. for each level: the users connect (a page load: hydrate and on_load), open their alert's
   form, then for `--duration` seconds each does, every `--think` seconds after its previous
   action ended, one of: search a word, open a tender, save the alert with new words;
6. `--kill` (default on): the middle level again, one worker SIGKILLed halfway through; its
   users' websockets drop, reconnect to the other workers, and their state (signed in, last
   search, alert form) must come back; Granian starts a replacement worker.
Figures: actions completed per second, p50/p95/p99 latency per level (all actions, and per
kind), errors, the server's and the load generator's CPU use, and the ratio of each level's
p95 to the lone user's (the baseline). The load generator shares the 2 cores with the server:
its CPU share is printed so the figures can be read with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil
import redis

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = ("search", "tender", "save alert")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="50,200,500", help="levels, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured per level")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between actions")
    parser.add_argument("--baseline", type=float, default=40.0, help="seconds of the lone user")
    parser.add_argument("--kill", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--port", type=int, default=3310)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/oktra_load"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def production_environment(args: argparse.Namespace) -> dict[str, str]:
    """Production settings for a loopback run: secrets made for this run, a gateway address
    that is never contacted, the site's public address as the websocket's Origin."""
    return {
        "OKTRA_ENV": "production",
        "OKTRA_DATABASE_URL": args.database_url,
        "OKTRA_REDIS_URL": args.redis_url,
        "OKTRA_SECRET_KEY": secrets.token_hex(32),
        "OKTRA_CMI_STORE_KEY": secrets.token_hex(16),
        "OKTRA_CMI_GATEWAY_URL": "https://payment.cmi.invalid/fim/est3Dgate",
        "OKTRA_BASE_URL": "https://oktra.invalid",
        "OKTRA_API_URL": f"http://127.0.0.1:{args.port}",
        "OKTRA_LOG_LEVEL": "WARNING",
    }


class Server:
    """`oktra serve --prod --backend-only` as a child process group."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str]) -> None:
        self.url = f"http://127.0.0.1:{args.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="oktra-load-", suffix=".log", delete=False)  # noqa: SIM115
        command = [sys.executable, "-m", "oktra", "serve", "--prod", "--backend-only"]
        command += ["--workers", str(args.workers), "--port", str(args.port)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=self.log
        )
        self.supervisor = psutil.Process(self.process.pid)

    def workers(self) -> list[psutil.Process]:
        """The worker processes alive now."""
        alive = []
        for child in self.supervisor.children():
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    alive.append(child)
            except psutil.NoSuchProcess:
                continue
        return alive

    async def wait_ready(self, workers: int, limit: float = 300.0) -> float:
        """Seconds until /health answers and every worker has started."""
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=5) as http:
            while time.monotonic() - started < limit:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server stopped; see {self.log.name}")
                try:
                    healthy = (await http.get(f"{self.url}/health")).status_code == 200
                except httpx.HTTPError:
                    healthy = False
                if healthy and len(self.workers()) >= workers and await self._settled():
                    return time.monotonic() - started
                await asyncio.sleep(1)
        raise RuntimeError(f"the server was not ready in {limit:.0f} s; see {self.log.name}")

    async def _settled(self) -> bool:
        """Every worker has finished loading the app: none used half a core over a second."""
        workers = self.workers()
        for worker in workers:
            worker.cpu_percent(interval=None)
        await asyncio.sleep(1)
        return all(worker.cpu_percent(interval=None) < 50 for worker in workers)

    def stop(self) -> None:
        """SIGTERM, then wait."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def cpu_by_process() -> dict[tuple[int, float], tuple[str, float]]:
    """CPU seconds used so far by each process, named as the app's workers, PostgreSQL,
    Redis, this load generator or the rest of the machine."""
    found = {}
    me = os.getpid()
    for process in psutil.process_iter(["name", "cmdline", "cpu_times", "create_time"]):
        times, name = process.info["cpu_times"], process.info["name"] or ""
        if times is None:
            continue
        command = " ".join(process.info["cmdline"] or [])
        if process.pid == me:
            part = "load generator"
        elif "serve --prod" in command:
            part = "app"
        elif name.startswith("postgres"):
            part = "PostgreSQL"
        elif name.startswith("redis"):
            part = "Redis"
        else:
            part = "other"
        found[(process.pid, process.info["create_time"])] = (part, times.user + times.system)
    return found


def cores_used(before: dict, after: dict, elapsed: float) -> dict[str, float]:
    """Cores each part kept busy between two readings (a process killed in between counts
    for nothing: its last seconds are not known)."""
    parts: Counter = Counter()
    for key, (part, seconds) in after.items():
        parts[part] += seconds - before.get(key, (part, 0.0))[1]
    return {part: seconds / elapsed for part, seconds in parts.items()}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of the values, in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1] * 1000


async def gather_limited(coroutines: list, limit: int) -> list:
    """Run the coroutines, at most `limit` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(one(coroutine) for coroutine in coroutines))


async def act(user, world, rng: random.Random, end: float, think: float) -> None:
    """One user's session: an action, the think time, again, until the window ends."""
    await asyncio.sleep(rng.uniform(0, think))
    while time.monotonic() < end:
        action = rng.choice(ACTIONS)
        if action == "search":
            outcome = await user.search(rng.choice(world.words))
        elif action == "tender":
            outcome = await user.open_tender(rng.choice(world.tender_ids))
        else:
            outcome = await user.save_alert(rng.choice(world.words))
        if outcome == "interrupted":
            await user.wait_reconnected()
        await asyncio.sleep(think)


async def measure_level(users, world, args, server, rng, kill_at: float | None = None) -> dict:
    """Connect the users, run the window, report; optionally kill one worker at `kill_at`."""
    connect_started = time.monotonic()
    await gather_limited([user.connect() for user in users], 50)
    await gather_limited(
        [
            user.open_alert(account.alert_id)
            for user, account in zip(users, world.accounts, strict=False)
        ],
        50,
    )
    await gather_limited([user.search(rng.choice(world.words)) for user in users], 50)
    connected = time.monotonic() - connect_started
    for user in users:
        user.log.samples.clear()
    killed: dict[str, float] = {}

    async def killer() -> None:
        await asyncio.sleep(kill_at)
        victim = rng.choice(server.workers())
        killed["pid"] = victim.pid
        victim.send_signal(signal.SIGKILL)
        killed["at"] = time.monotonic()
        while len(server.workers()) < args.workers or victim.pid in [
            w.pid for w in server.workers()
        ]:
            await asyncio.sleep(0.2)
        killed["respawned"] = time.monotonic() - killed["at"]

    cpu_before = cpu_by_process()
    started = time.monotonic()
    end = started + args.duration
    tasks = [act(user, world, random.Random(rng.random()), end, args.think) for user in users]
    if kill_at is not None:
        tasks.append(killer())
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    report = summarize(users, started, end, elapsed)
    report["connect seconds"] = connected
    report["cores"] = cores_used(cpu_before, cpu_by_process(), elapsed)
    if kill_at is not None:
        checks = [check for user in users for check in user.log.state_checks]
        report["killed"] = killed
        report["reconnected users"] = sum(1 for user in users if user.log.reconnects)
        report["new tokens"] = sum(1 for user in users if user.log.new_tokens)
        report["state kept"] = (sum(checks), len(checks))
        report["state lost"] = Counter(part for user in users for part in user.log.state_lost)
    await gather_limited([user.close() for user in users], 100)
    return report


def summarize(users, started: float, end: float, elapsed: float) -> dict:
    """Latency and throughput of the actions started inside the window."""
    samples = [s for user in users for s in user.log.samples if started <= s.started < end]
    done = [s for s in samples if s.outcome == "ok"]
    report = {
        "users": len(users),
        "actions": len(samples),
        "ok": len(done),
        "per second": len(done) / elapsed,
        "outcomes": {
            outcome: sum(1 for s in samples if s.outcome == outcome)
            for outcome in ("failed", "timeout", "interrupted")
        },
    }
    for kind in ("all", *ACTIONS):
        seconds = [s.seconds for s in done if kind in ("all", s.kind)]
        report[kind] = tuple(percentile(seconds, share) for share in (0.5, 0.95, 0.99))
    return report


async def sign_in_all(users) -> float:
    """Every user signs in before anything is measured; returns the seconds it took."""
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=60) as http:
        await gather_limited([user.sign_in(http) for user in users], 25)
    return time.monotonic() - started


def print_report(name: str, report: dict, baseline_p95: float) -> None:
    """One level's figures."""
    p50, p95, p99 = report["all"]
    print(f"\n## {name}: {report['users']} users")
    print(
        f"actions {report['actions']}, ok {report['ok']}, {report['per second']:.1f}/s; "
        f"not ok: {report['outcomes']}"
    )
    print(f"latency all: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    for kind in ACTIONS:
        k50, k95, k99 = report[kind]
        print(f"  {kind}: p50 {k50:.0f} ms, p95 {k95:.0f} ms, p99 {k99:.0f} ms")
    print(f"p95 / lone user's p95: {p95 / baseline_p95:.1f}")
    cores = ", ".join(f"{part} {used:.2f}" for part, used in sorted(report["cores"].items()))
    print(f"cores busy: {cores}; connecting took {report['connect seconds']:.1f} s")
    if "killed" in report:
        killed = report["killed"]
        kept, checked = report["state kept"]
        print(
            f"worker {killed.get('pid')} killed; replacement running after "
            f"{killed.get('respawned', float('nan')):.1f} s; {report['reconnected users']} users "
            f"reconnected; state kept for {kept} of {checked}; {report['new tokens']} tabs "
            "given a new token (a new, empty state) by the server"
        )
        if report["state lost"]:
            print(f"parts of the state not found again: {dict(report['state lost'])}")


async def main(args: argparse.Namespace) -> None:
    env = production_environment(args)
    os.environ.update(env)
    from population import PASSWORD, populate, recreate_database
    from simulated_user import SimulatedUser

    levels = [int(level) for level in args.users.split(",")]
    rng = random.Random(args.seed)
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB")
    print(f"server: oktra serve --prod --backend-only --workers {args.workers}; PostgreSQL, Redis")
    started = time.monotonic()
    recreate_database(args.database_url)
    redis.Redis.from_url(args.redis_url).flushdb()
    world = populate(args.database_url, max(levels), seed=args.seed)
    print(f"database ready in {time.monotonic() - started:.1f} s ({len(world.accounts)} accounts)")
    server = Server(args, env)
    try:
        print(f"server ready in {await server.wait_ready(args.workers):.1f} s")
        origin = env["OKTRA_BASE_URL"]
        everyone = [SimulatedUser(server.url, origin, a.email, PASSWORD) for a in world.accounts]
        print(f"{len(everyone)} sign-ins in {await sign_in_all(everyone):.1f} s")
        lone = everyone[:1]
        baseline_args = argparse.Namespace(**{**vars(args), "duration": args.baseline})
        baseline = await measure_level(lone, world, baseline_args, server, rng)
        baseline_p95 = baseline["all"][1]
        print_report("baseline", baseline, baseline_p95)
        for level in levels:
            report = await measure_level(everyone[:level], world, args, server, rng)
            print_report("level", report, baseline_p95)
        if args.kill:
            level = levels[len(levels) // 2]
            report = await measure_level(
                everyone[:level], world, args, server, rng, kill_at=args.duration / 2
            )
            print_report("worker killed halfway", report, baseline_p95)
    finally:
        server.stop()
    print(f"\ntotal {time.monotonic() - started:.0f} s; server log {server.log.name}")


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
