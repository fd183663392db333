"""Settings: defaults for a laptop, clear refusals naming the setting, production safety."""

from __future__ import annotations

from pathlib import Path

import pytest

from oktra.core.errors import ConfigError
from oktra.settings import Settings, load_settings

PRODUCTION = {
    "OKTRA_ENV": "production",
    "OKTRA_SECRET_KEY": "a-real-secret-key-of-forty-characters-xyz",
    "OKTRA_CMI_STORE_KEY": "a-real-cmi-store-key-123",
    "OKTRA_CMI_GATEWAY_URL": "https://payment.cmi.example/fim/est3Dgate",
    "OKTRA_DATABASE_URL": "postgresql://oktra@db.internal/oktra",
    "OKTRA_BASE_URL": "https://oktra.ma",
}


def _set(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for key, value in values.items():
        monkeypatch.setenv(key, value)


def test_defaults_serve_a_laptop(monkeypatch):
    monkeypatch.delenv("OKTRA_ENV")
    settings = load_settings()
    assert settings.env == "development"
    assert settings.is_sqlite
    assert settings.auth_provider == "local"
    assert settings.email_backend == "outbox"
    assert settings.uses_cmi_simulator


def test_env_file_is_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("OKTRA_COMPANY_NAME=Exos Test SARL\n", encoding="utf-8")
    assert load_settings().company_name == "Exos Test SARL"


def test_a_complete_production_configuration_is_accepted(monkeypatch):
    _set(monkeypatch, PRODUCTION)
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://oktra@db.internal/oktra"


def test_production_accepts_requests_only_from_the_site_itself(monkeypatch):
    _set(monkeypatch, PRODUCTION)
    assert load_settings().cors_origins == ["https://oktra.ma"]
    monkeypatch.delenv("OKTRA_ENV")
    assert load_settings().cors_origins == ["*"]


@pytest.mark.parametrize(
    ("override", "setting"),
    [
        ({"OKTRA_SECRET_KEY": "change-me-dev-secret-key-0000000000000000"}, "OKTRA_SECRET_KEY"),
        ({"OKTRA_SECRET_KEY": "short"}, "OKTRA_SECRET_KEY"),
        ({"OKTRA_CMI_STORE_KEY": "change-me-cmi-store-key"}, "OKTRA_CMI_STORE_KEY"),
        ({"OKTRA_DATABASE_URL": "sqlite:///data/oktra.db"}, "OKTRA_DATABASE_URL"),
        ({"OKTRA_CMI_GATEWAY_URL": "simulator"}, "OKTRA_CMI_GATEWAY_URL"),
        ({"OKTRA_BASE_URL": "http://oktra.ma"}, "OKTRA_BASE_URL"),
        ({"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}, "FIREBASE_AUTH_EMULATOR_HOST"),
    ],
)
def test_production_refuses_unsafe_settings_naming_them(monkeypatch, override, setting):
    _set(monkeypatch, {**PRODUCTION, **override})
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.setting == setting
    assert str(caught.value).startswith(f"{setting}: ")


def test_emulator_variable_is_accepted_outside_production(monkeypatch):
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    assert load_settings().env == "test"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("OKTRA_ENV", "staging"),
        ("OKTRA_DATABASE_URL", "not a url::"),
        ("OKTRA_DATABASE_URL", "mysql://root@localhost/oktra"),
        ("OKTRA_DATABASE_URL", "postgresql://oktra@db.internal"),
        ("OKTRA_DEFAULT_LANGUAGE", "de"),
        ("OKTRA_SCHEDULER_POLL_SECONDS", "-1"),
        ("OKTRA_BASE_URL", "oktra.ma"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(monkeypatch, key, value):
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.setting == key
    assert "\n" not in str(caught.value)


def test_a_misspelt_setting_is_refused(monkeypatch):
    monkeypatch.setenv("OKTRA_DATABSE_URL", "sqlite:///x.db")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.setting == "OKTRA_DATABSE_URL"


def test_postgres_scheme_is_normalized_to_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("OKTRA_DATABASE_URL", "postgres://oktra@db/oktra")
    assert load_settings().database_url == "postgresql+psycopg://oktra@db/oktra"


def test_secrets_never_show_in_the_settings_repr(monkeypatch):
    monkeypatch.setenv("OKTRA_SECRET_KEY", "super-secret-value-123456")
    settings = load_settings()
    assert "super-secret-value-123456" not in repr(settings)
    assert "super-secret-value-123456" not in str(settings.model_dump())


def test_the_readme_documents_every_setting():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`OKTRA_{name.upper()}`" not in readme]
    assert missing == []
