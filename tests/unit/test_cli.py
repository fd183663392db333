"""The command line: --help everywhere, one clear line for a bad configuration, jobs, demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from oktra.accounts.models import User
from oktra.cli import build_parser, main
from oktra.core.models import JobRun
from oktra.db import session_scope

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OKTRA_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "oktra", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["config", "check"],
        ["config", "headers"],
        ["db", "upgrade"],
        ["db", "check"],
        ["demo", "load"],
        ["serve"],
        ["jobs", "list"],
        ["jobs", "run"],
        ["staff", "add"],
        ["tenders", "import"],
    ],
)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*command, "--help"])
    assert exited.value.code == 0
    assert "usage: oktra" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"OKTRA_ENV": "staging"}, "OKTRA_ENV"),
        ({"OKTRA_DATABASE_URL": "not a url::"}, "OKTRA_DATABASE_URL"),
        ({"OKTRA_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/oktra"}, "OKTRA_DATABASE_URL"),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_setting(env, setting):
    result = _run(["db", "upgrade"], **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"configuration error: {setting}: ")
    assert "Traceback" not in result.stderr


def test_rxconfig_stops_reflex_with_one_line_on_bad_configuration():
    result = subprocess.run(
        [sys.executable, "-c", "import rxconfig"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("OKTRA_")},
            "OKTRA_ENV": "production",
        },
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "configuration error: OKTRA_SECRET_KEY: placeholder or short secret refused in production"
    ]


def test_upgrade_then_check_reports_models_and_migrations_agree(database_url, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "check"]) == 0
    assert "agree" in capsys.readouterr().out


def test_check_fails_before_migrations_are_applied(database_url, capsys):
    assert main(["db", "check"]) == 1
    assert "oktra db upgrade" in capsys.readouterr().out


def test_demo_load_is_idempotent(engine, capsys):
    assert main(["demo", "load"]) == 0
    assert main(["demo", "load"]) == 0
    with session_scope(engine) as session:
        assert len(session.exec(select(User)).all()) == 1
    assert "accounts +0" in capsys.readouterr().out


def test_demo_load_is_refused_in_production(monkeypatch, capsys):
    monkeypatch.setenv("OKTRA_ENV", "production")
    for key, value in {
        "OKTRA_SECRET_KEY": "a-real-secret-key-of-forty-characters-xyz",
        "OKTRA_CMI_STORE_KEY": "a-real-cmi-store-key-123",
        "OKTRA_CMI_GATEWAY_URL": "https://payment.cmi.example/fim/est3Dgate",
        "OKTRA_DATABASE_URL": "postgresql://oktra@127.0.0.1:1/oktra",
        "OKTRA_BASE_URL": "https://oktra.ma",
    }.items():
        monkeypatch.setenv(key, value)
    assert main(["demo", "load"]) == 2
    assert "demo data is never loaded in production" in capsys.readouterr().err


def test_jobs_run_records_the_run(engine, capsys):
    assert main(["jobs", "run", "prune_job_runs"]) == 0
    with session_scope(engine) as session:
        run = session.exec(select(JobRun)).one()
    assert (run.job, run.trigger, run.outcome, run.counts) == (
        "prune_job_runs",
        "manual",
        "ok",
        {"deleted": 0},
    )
    assert "prune_job_runs: ok" in capsys.readouterr().out


def test_jobs_run_names_an_unknown_job(engine, capsys):
    assert main(["jobs", "run", "no_such_job"]) == 1
    assert "oktra jobs list" in capsys.readouterr().err
