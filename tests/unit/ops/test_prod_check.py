"""`oktra config prod-check`: a complete production configuration passes; each gap fails with
what to do, and a region the privacy policy in force does not name fails with its section.

Real PostgreSQL and the machine's Redis (127.0.0.1:6379); nothing mocked."""

from __future__ import annotations

import base64
import os

import pytest

from oktra import cli, migrations
from oktra.core.clock import utc_now
from oktra.db import engine_for, session_scope
from oktra.ops.prod_check import production_checks
from oktra.privacy import versions
from oktra.settings import get_settings

pytestmark = pytest.mark.postgres

SECRET = "a-long-production-secret-0123456789"
PRODUCTION = {
    "OKTRA_ENV": "production",
    "OKTRA_SECRET_KEY": SECRET,
    "OKTRA_CMI_STORE_KEY": "store-key-0123456789abcdef",
    "OKTRA_CMI_API_PASSWORD": "api-password-0123456789",
    "OKTRA_CMI_GATEWAY_URL": "https://payment.cmi.co.ma/fim/est3Dgate",
    "OKTRA_BASE_URL": "https://oktra.ma",
    "OKTRA_EMAIL_BACKEND": "ses",
    "OKTRA_SES_REGION": "eu-north-1",
    "OKTRA_HOSTING_REGION": "eu-north-1",
    "OKTRA_REDIS_URL": "redis://127.0.0.1:6379/5",
    "OKTRA_BACKUP_S3_BUCKET": "oktra-backups",
    "OKTRA_ADDRESS": "12 boulevard d'Anfa",
    "OKTRA_RC_NUMBER": "123456",
    "OKTRA_IF_NUMBER": "7654321",
    "OKTRA_ICE_NUMBER": "001234567000089",
    "OKTRA_CNDP_DECLARATION": "D-W-123/2026",
}


@pytest.fixture
def production(postgres_admin, monkeypatch, tmp_path):
    """A production environment on a new, migrated PostgreSQL database whose privacy policy
    was published under that configuration."""
    from tests.conftest import _drop_postgres_database, _new_postgres_database

    url = _new_postgres_database(postgres_admin)
    for name, value in {
        **PRODUCTION,
        "OKTRA_DATABASE_URL": url,
        "OKTRA_BACKUP_DIR": str(tmp_path / "backups"),
        "OKTRA_BACKUP_KEY": base64.b64encode(os.urandom(32)).decode(),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    migrations.upgrade(url)
    with session_scope(engine_for(url)) as session:
        versions.ensure_initial_versions(session=session, now=utc_now())
    yield url
    engine_for(url).dispose()
    _drop_postgres_database(postgres_admin, url)


def _failures() -> dict[str, str]:
    get_settings.cache_clear()
    return {check.name: check.detail for check in production_checks() if not check.ok}


def test_a_complete_production_configuration_passes_every_check(production):
    checks = production_checks()
    assert [check.name for check in checks if not check.ok] == []
    assert {"database", "redis", "encrypted backups", "region of email (OKTRA_SES_REGION)"} <= {
        check.name for check in checks
    }


def test_an_email_region_the_policy_does_not_name_fails_with_its_section(production, monkeypatch):
    monkeypatch.setenv("OKTRA_SES_REGION", "eu-west-3")
    failures = _failures()
    assert list(failures) == ["region of email (OKTRA_SES_REGION)"]
    assert "eu-west-3" in failures["region of email (OKTRA_SES_REGION)"]
    assert "privacy policy section 6" in failures["region of email (OKTRA_SES_REGION)"]


def test_backups_outside_the_policy_region_fail(production, monkeypatch):
    monkeypatch.setenv("OKTRA_BACKUP_S3_REGION", "us-east-1")
    assert list(_failures()) == ["region of backups (OKTRA_BACKUP_S3_REGION)"]


def test_each_gap_is_named(production, monkeypatch):
    monkeypatch.setenv("OKTRA_CMI_API_PASSWORD", "change-me-cmi-api-password")
    monkeypatch.delenv("OKTRA_REDIS_URL")
    monkeypatch.setenv("OKTRA_ICE_NUMBER", "")
    monkeypatch.delenv("OKTRA_BACKUP_S3_BUCKET")
    monkeypatch.setenv("OKTRA_EMAIL_BACKEND", "outbox")
    failures = _failures()
    assert failures["secrets"] == "placeholder or short: cmi_api_password"
    assert "OKTRA_REDIS_URL" in failures["redis"]
    assert "section 1" in failures["legal identity (policy section 1)"]
    assert "ice_number" in failures["legal identity (policy section 1)"]
    assert "OKTRA_BACKUP_S3_BUCKET" in failures["encrypted backups"]
    assert "OKTRA_EMAIL_BACKEND" in failures["email"]


def test_an_unreachable_redis_and_an_old_schema_fail(production, monkeypatch):
    monkeypatch.setenv("OKTRA_REDIS_URL", "redis://127.0.0.1:1/0")
    migrations.downgrade(production, "0012")
    failures = _failures()
    assert failures["redis"].startswith("unreachable")
    assert "oktra db upgrade" in failures["database"]


def test_a_plain_http_site_or_api_address_is_refused(production, monkeypatch):
    monkeypatch.setenv("OKTRA_API_URL", "http://api.oktra.ma")
    assert _failures()["https"] == "not HTTPS: api_url"
    monkeypatch.setenv("OKTRA_BASE_URL", "http://oktra.ma")
    assert "HTTPS only" in _failures()["settings"]


def test_settings_refused_in_production_stop_the_check(production, monkeypatch):
    monkeypatch.setenv("OKTRA_DATABASE_URL", "sqlite:///oktra.db")
    assert "SQLite is refused" in _failures()["settings"]
    monkeypatch.setenv("OKTRA_ENV", "development")
    assert "not production" in _failures()["settings"]


def test_the_command_reads_an_env_file_prints_no_secret_and_exits_nonzero(
    production, monkeypatch, tmp_path, capsys
):
    env_file = tmp_path / "oktra.env"
    env_file.write_text("OKTRA_SES_REGION=ap-south-1\n", encoding="utf-8")
    assert cli.main(["config", "prod-check", "--env-file", str(env_file)]) == 1
    out = capsys.readouterr().out
    assert "FAIL region of email (OKTRA_SES_REGION)" in out and "1 check(s) failed" in out
    assert "ok   redis" in out
    assert SECRET not in out and "api-password-0123456789" not in out
    monkeypatch.setenv("OKTRA_SES_REGION", "eu-north-1")
    env_file.write_text("", encoding="utf-8")
    get_settings.cache_clear()
    assert cli.main(["config", "prod-check", "--env-file", str(env_file)]) == 0
    assert "ready for production" in capsys.readouterr().out
