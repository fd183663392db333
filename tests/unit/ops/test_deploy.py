"""deploy/: the journal's retention follows the privacy policy; the health check calls the app's
own /health route where deploy/Caddyfile reaches the app."""

from __future__ import annotations

import configparser
import re

from oktra.admin import models as _admin_models  # noqa: F401 - declares security_event
from oktra.api import build_api
from oktra.cli import PROJECT_ROOT
from oktra.privacy.registry import REGISTRY

DEPLOY = PROJECT_ROOT / "deploy"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def test_the_journal_keeps_logs_as_long_as_the_policy_keeps_security_records():
    journal = _unit("journald.conf.d/oktra.conf")["Journal"]
    days = re.fullmatch(r"(\d+)day", journal["MaxRetentionSec"])
    assert days is not None
    assert int(days.group(1)) == REGISTRY["security_event"].retention_days
    assert journal["SystemMaxUse"] == "2G"


def test_the_health_check_calls_the_health_route_where_the_proxy_reaches_the_app():
    command = _unit("oktra-health.service")["Service"]["ExecStart"]
    url = re.search(r"http://(127\.0\.0\.1:\d+)(/\S*)", command)
    assert url is not None
    assert "--fail" in command
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert f"reverse_proxy {url.group(1)}" in caddyfile
    assert url.group(2) in {route.path for route in build_api().routes}


def test_a_failed_check_restarts_the_app_and_the_timer_runs_the_check():
    check = _unit("oktra-health.service")
    restart = _unit("oktra-health-restart.service")
    assert (DEPLOY / check["Unit"]["OnFailure"]).exists()
    assert "systemctl restart oktra.service" in restart["Service"]["ExecStart"]
    assert (DEPLOY / "oktra.service").exists()
    assert _unit("oktra-health.timer")["Timer"]["OnUnitActiveSec"] == "1min"
