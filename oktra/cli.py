"""`oktra` (also `python -m oktra`): the operator's command line."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from oktra.core.errors import ConfigError, OktraError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXIT_CONFIG = 2


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _ready_database() -> None:
    from oktra.db import check_database

    check_database()


def cmd_config_check(_args: argparse.Namespace) -> int:
    from oktra.settings import get_settings

    settings = get_settings()
    _out(f"configuration ok ({settings.env}, database {settings.database_url.split(':')[0]})")
    return 0


def cmd_config_prod_check(args: argparse.Namespace) -> int:
    import os

    from dotenv import dotenv_values

    from oktra.ops.prod_check import production_checks
    from oktra.settings import get_settings

    if args.env_file:
        values = {k: v for k, v in dotenv_values(args.env_file).items() if v is not None}
        os.environ.update(values)
        get_settings.cache_clear()
    checks = production_checks()
    for check in checks:
        _out(
            f"{'ok  ' if check.ok else 'FAIL'} {check.name}"
            + (f": {check.detail}" if check.detail else "")
        )
    failed = sum(not check.ok for check in checks)
    _out("ready for production" if not failed else f"{failed} check(s) failed")
    return 1 if failed else 0


def cmd_config_headers(args: argparse.Namespace) -> int:
    from oktra.ops.headers import caddy_header_lines
    from oktra.settings import get_settings

    for line in caddy_header_lines(get_settings()):
        _out(line)
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from oktra import migrations
    from oktra.db import get_engine

    _ready_database()
    migrations.upgrade(revision=args.revision)
    _out(f"database at revision {migrations.current_revision(get_engine())}")
    return 0


def cmd_db_check(_args: argparse.Namespace) -> int:
    from oktra import migrations
    from oktra.db import get_engine

    _ready_database()
    engine = get_engine()
    current, head = migrations.current_revision(engine), migrations.head_revision()
    if current != head:
        _out(f"database at {current}, migrations at {head}: run `oktra db upgrade`")
        return 1
    differences = migrations.drift(engine)
    if differences:
        _out(f"models and migrations differ: {differences}")
        return 1
    _out(f"database at revision {current}; models and migrations agree")
    return 0


def cmd_demo_load(_args: argparse.Namespace) -> int:
    from oktra.db import session_scope
    from oktra.demo import load_demo
    from oktra.settings import get_settings

    if get_settings().env == "production":
        raise ConfigError("env", "demo data is never loaded in production")
    _ready_database()
    with session_scope() as session:
        created = load_demo(session=session)
    _out("demo data loaded: " + ", ".join(f"{name} +{count}" for name, count in created.items()))
    return 0


def cmd_jobs_list(_args: argparse.Namespace) -> int:
    from oktra.jobs import all_jobs

    for spec in all_jobs():
        _out(f"{spec.name:<24} {spec.trigger}  {spec.description}")
    return 0


def cmd_jobs_run(args: argparse.Namespace) -> int:
    from oktra.jobs import find_job
    from oktra.scheduler import run_job

    spec = find_job(args.name)
    if spec is None:
        sys.stderr.write(f"no job named {args.name!r}; see `oktra jobs list`\n")
        return 1
    _ready_database()
    try:
        run = run_job(spec, trigger="manual")
    except Exception as exc:
        sys.stderr.write(f"job {spec.name} failed: {type(exc).__name__}\n")
        return 1
    _out(f"job {spec.name}: {run.outcome} {run.counts}")
    return 0


def cmd_retention_run(args: argparse.Namespace) -> int:
    from oktra.core.clock import utc_now
    from oktra.db import session_scope
    from oktra.privacy.retention import run_retention

    _ready_database()
    with session_scope() as session:
        report = run_retention(
            session=session, now=utc_now(), dry_run=args.dry_run, batch_size=args.batch_size
        )
    verb = "would delete" if args.dry_run else "deleted"
    for table, count in sorted(report.deleted.items()):
        _out(f"{table:<24} {verb} {count}")
    accounts = "would be" if args.dry_run else "were"
    _out(
        f"accounts that {accounts} warned {report.warned}, closed {report.closed}, "
        f"erased {report.erased}"
    )
    return 0


def cmd_retention_reapply(_args: argparse.Namespace) -> int:
    from oktra.core.clock import utc_now
    from oktra.db import session_scope
    from oktra.privacy.erasure import reapply_tombstones

    _ready_database()
    with session_scope() as session:
        erased = reapply_tombstones(session=session, now=utc_now())
    _out(f"accounts erased again from their tombstones: {erased}")
    return 0


def cmd_tenders_import(args: argparse.Namespace) -> int:
    import functools

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from oktra.db import session_scope
    from oktra.tenders.service import import_file, open_file

    _ready_database()
    failed = 0
    for name in args.paths:
        path = Path(name)
        if not path.is_file():
            sys.stderr.write(f"{name}: no such file\n")
            failed += 1
            continue
        reading = open_file(path)
        columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, disable=args.quiet) as bar, session_scope() as session:
            task = bar.add_task(path.name, total=reading.total)
            report = import_file(
                session=session,
                path=path,
                reading=reading,
                progress=functools.partial(bar.advance, task),
            )
        counts = report.counts()
        _out(f"{path.name}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
        for line in report.rejected:
            _out(f"  rejected {line.location}: {line.reason}")
    if not args.no_match:
        from oktra.jobs import find_job
        from oktra.scheduler import run_job

        run = run_job(find_job("match_alerts"), trigger="import")
        _out(f"alerts: {run.counts}")
    return 1 if failed else 0


def cmd_tenders_reindex(args: argparse.Namespace) -> int:
    from oktra.db import session_scope
    from oktra.tenders.service import reindex_search

    _ready_database()
    with session_scope() as session:
        count = reindex_search(session=session)
    _out(f"search tokens recomputed for {count} tenders")
    return 0


def cmd_staff_add(args: argparse.Namespace) -> int:
    import getpass

    from oktra.admin.staff_auth import StaffSetupError, create_staff
    from oktra.db import session_scope

    _ready_database()
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            sys.stderr.write("the two passwords differ\n")
            return 1
    try:
        with session_scope() as session:
            created = create_staff(
                session=session,
                email=args.email,
                full_name=args.name or args.email,
                role=args.role,
                password=password,
            )
    except StaffSetupError as refusal:
        sys.stderr.write(f"refused: {refusal}\n")
        return 1
    _out(f"staff member {created.staff_id} created ({args.role})")
    _out("add this to the authenticator app now; it is not shown again:")
    _out(created.provisioning_uri)
    return 0


def reflex_environment() -> dict[str, str]:
    """The environment Reflex runs in: offline, no telemetry, bun from .tools."""
    env = dict(os.environ)
    tools_bin = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
    env["PATH"] = f"{tools_bin}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
    return env


def cmd_serve(args: argparse.Namespace) -> int:
    _ready_database()
    os.chdir(PROJECT_ROOT)
    if not args.prod:
        command = [sys.executable, "-m", "reflex", "run", "--env", "dev"]
        if args.backend_only:
            command.append("--backend-only")
        os.execve(sys.executable, command, reflex_environment())  # noqa: S606 - replaces this process
    from oktra.ops.server import ServerPlan, default_workers, serve

    plan = ServerPlan(
        host=args.host,
        port=args.port,
        workers=args.workers or default_workers(),
        frontend=not args.backend_only,
    )
    os.environ.update(reflex_environment())
    if plan.frontend and not args.no_build:
        build = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]
        subprocess.run([*build, "--env", "prod"], check=True)  # noqa: S603 - fixed arguments
    _out(f"serving on http://{plan.host}:{plan.port} with {plan.workers} workers")
    serve(plan)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with --help on every command."""
    parser = argparse.ArgumentParser(prog="oktra", description="Operate OKTRA.")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    def add(
        sub: argparse._SubParsersAction, name: str, helptext: str, func: Callable
    ) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=helptext, description=helptext)
        command.set_defaults(func=func)
        return command

    config = groups.add_parser("config", help="check the configuration").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add(config, "check", "read and check every OKTRA_* setting", cmd_config_check)
    prod_check = add(
        config,
        "prod-check",
        "check a production configuration (secrets, HTTPS, PostgreSQL, Redis, SES, backups, "
        "the AWS regions the privacy policy names)",
        cmd_config_prod_check,
    )
    prod_check.add_argument("--env-file", default="", help="read the settings from this file")
    add(
        config,
        "headers",
        "print the security headers as deploy/Caddyfile's header block holds them",
        cmd_config_headers,
    )

    db = groups.add_parser("db", help="database schema").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    upgrade = add(
        db, "upgrade", "apply migrations up to the newest (or --revision)", cmd_db_upgrade
    )
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    add(db, "check", "fail if migrations are pending or differ from the models", cmd_db_check)

    demo = groups.add_parser("demo", help="demo data").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add(demo, "load", "load the demo data (idempotent; refused in production)", cmd_demo_load)

    serve = add(groups, "serve", "start the web app (frontend :3000)", cmd_serve)
    serve.add_argument("--prod", action="store_true", help="production build on one port")
    serve.add_argument("--backend-only", action="store_true", help="start the backend only")
    serve.add_argument("--host", default="127.0.0.1", help="--prod: address to listen on")
    serve.add_argument("--port", type=int, default=3000, help="--prod: port to listen on")
    serve.add_argument(
        "--workers", type=int, default=0, help="--prod: worker processes (default: cores + 1)"
    )
    serve.add_argument(
        "--no-build", action="store_true", help="--prod: serve the pages built last time"
    )

    jobs = groups.add_parser("jobs", help="scheduled jobs").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add(jobs, "list", "list the scheduled jobs and their triggers", cmd_jobs_list)
    run = add(jobs, "run", "run one job now and record the run", cmd_jobs_run)
    run.add_argument("name", help="the job's name, as `oktra jobs list` shows it")
    tenders = groups.add_parser("tenders", help="tender catalogue").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    tender_import = add(
        tenders,
        "import",
        "import tender files (portal JSON/JSONL, OCDS packages)",
        cmd_tenders_import,
    )
    tender_import.add_argument("paths", nargs="+", metavar="PATH", help="files to import")
    tender_import.add_argument("--quiet", action="store_true", help="no progress bar")
    tender_import.add_argument(
        "--no-match", action="store_true", help="do not match the new tenders against alerts now"
    )
    add(
        tenders,
        "reindex",
        "recompute the search tokens of every tender (after a normalizer change)",
        cmd_tenders_reindex,
    )
    retention = groups.add_parser("retention", help="retention rules").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    retention_run = add(
        retention,
        "run",
        "apply the retention rules now (the nightly `retention` job), counts per table",
        cmd_retention_run,
    )
    retention_run.add_argument(
        "--dry-run", action="store_true", help="only count what would go; change nothing"
    )
    retention_run.add_argument(
        "--batch-size", type=int, default=5000, help="ids per DELETE (default 5000)"
    )
    add(
        retention,
        "reapply-erasures",
        "erase again every account a restored backup brought back (the erasure tombstones)",
        cmd_retention_reapply,
    )
    from oktra.billing.commands import register as register_billing

    register_billing(groups, add)
    from oktra.ops.backup_commands import register as register_backup

    register_backup(groups, add)
    staff = groups.add_parser("staff", help="staff accounts").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    staff_add = add(staff, "add", "create a staff member (password + TOTP)", cmd_staff_add)
    staff_add.add_argument("email", help="the staff member's email address")
    staff_add.add_argument(
        "--role", required=True, help="support, technical, development, dpo or admin"
    )
    staff_add.add_argument("--name", default="", help="full name (default: the email)")
    staff_add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (scripts)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; a configuration problem ends with one line naming the setting."""
    args = build_parser().parse_args(argv)
    try:
        from oktra.logging_setup import configure_logging

        configure_logging()
        return args.func(args)
    except ConfigError as error:
        sys.stderr.write(f"configuration error: {error}\n")
        return EXIT_CONFIG
    except OktraError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
