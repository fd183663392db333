"""One typed settings object, read from OKTRA_* variables (and an optional .env file)."""

from __future__ import annotations

import base64
import binascii
import functools
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from oktra.core.errors import ConfigError

PREFIX = "OKTRA_"
# Variables under this prefix belong to the test suite, not to the application.
NON_SETTING_PREFIXES = ("OKTRA_TEST_",)
PLACEHOLDER_MARK = "change-me"
EMULATOR_VARIABLES = ("FIREBASE_AUTH_EMULATOR_HOST",)
SIMULATOR_GATEWAY = "simulator"
BACKUP_KEY_BYTES = 32


class Settings(BaseSettings):
    """Every knob of OKTRA; the README's settings table is the human view of this class."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", env_file_encoding="utf-8", extra="forbid"
    )

    env: Literal["development", "test", "production"] = "development"
    base_url: str = "http://localhost:3000"
    api_url: str | None = None
    database_url: str = "sqlite:///data/oktra.db"
    redis_url: str | None = None
    secret_key: SecretStr = SecretStr(f"{PLACEHOLDER_MARK}-dev-secret-key-0000000000000000")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    default_language: Literal["fr", "en", "ar"] = "fr"

    auth_provider: Literal["local", "firebase"] = "local"
    firebase_project_id: str = "demo-oktra"
    firebase_api_key: SecretStr = SecretStr("emulator-api-key")
    email_backend: Literal["outbox", "ses"] = "outbox"
    email_from: str = "OKTRA <alertes@oktra.ma>"
    ses_region: str = "eu-north-1"
    hosting_region: str = "eu-north-1"
    cmi_gateway_url: str = SIMULATOR_GATEWAY
    cmi_client_id: str = "600000000"
    cmi_store_key: SecretStr = SecretStr(f"{PLACEHOLDER_MARK}-cmi-store-key")
    cmi_api_url: str = SIMULATOR_GATEWAY
    cmi_api_user: str = "oktra-api"
    cmi_api_password: SecretStr = SecretStr(f"{PLACEHOLDER_MARK}-cmi-api-password")

    ses_configuration_set: str = ""
    ses_endpoint_url: str | None = None
    ses_sns_topic_arns: str = ""
    session_idle_hours: int = Field(default=168, ge=1)
    session_absolute_days: int = Field(default=30, ge=1)
    verification_link_hours: int = Field(default=48, ge=1)
    reset_link_minutes: int = Field(default=60, ge=5)
    dpo_due_days: int = Field(default=30, ge=1)
    dpo_rectification_due_days: int = Field(default=10, ge=1)
    anomaly_signin_window_minutes: int = Field(default=15, ge=1)
    anomaly_signin_failures_per_account: int = Field(default=10, ge=2)
    anomaly_signin_failures_per_ip: int = Field(default=30, ge=2)
    anomaly_accounts_per_ip: int = Field(default=5, ge=2)
    anomaly_staff_reads_per_hour: int = Field(default=20, ge=2)
    anomaly_exports_per_hour: int = Field(default=20, ge=2)
    anomaly_erasures_per_hour: int = Field(default=20, ge=2)
    anomaly_bad_callbacks_per_hour: int = Field(default=5, ge=1)

    scheduler_enabled: bool = True
    scheduler_poll_seconds: float = Field(default=5.0, gt=0)
    job_run_retention_days: int = Field(default=90, ge=1)
    data_dir: str = "data"
    tender_inbox: str = "data/inbox"
    tender_inbox_minutes: int = Field(default=15, ge=1)
    backup_dir: str = "data/backups"
    backup_key: SecretStr = SecretStr("")
    backup_key_file: str = ""
    backup_s3_bucket: str = ""
    backup_s3_region: str = "eu-north-1"
    backup_s3_prefix: str = "oktra-backups/"

    company_name: str = "EXOS DATA SARL"
    share_capital: str = ""
    address: str = ""
    city: str = "Casablanca"
    rc_number: str = ""
    if_number: str = ""
    ice_number: str = ""
    contact_email: str = "contact@oktra.ma"
    dpo_email: str = "dpo@oktra.ma"
    phone: str = ""
    cndp_declaration: str = ""
    bank_name: str = ""
    bank_rib: str = ""

    @field_validator("database_url")
    @classmethod
    def _database_url_is_supported(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            msg = "malformed database URL (expected sqlite:///path or postgresql://user@host/db)"
            raise ValueError(msg) from exc
        backend = "postgresql" if url.get_backend_name() == "postgres" else url.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            msg = f"unsupported database '{backend}' (use sqlite or postgresql)"
            raise ValueError(msg)
        if backend == "postgresql":
            if not url.database:
                raise ValueError("the PostgreSQL URL names no database")
            return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return value

    @field_validator("base_url", "api_url")
    @classmethod
    def _url_is_http(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("backup_key")
    @classmethod
    def _backup_key_is_32_bytes(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and backup_key_bytes(value.get_secret_value()) is None:
            raise ValueError("must be 32 random bytes in base64 (openssl rand -base64 32)")
        return value

    @model_validator(mode="after")
    def _backup_key_is_not_beside_the_backups(self) -> Settings:
        if self.backup_key_file:
            key_file = Path(self.backup_key_file).resolve()
            if key_file.is_relative_to(Path(self.backup_dir).resolve()):
                raise ConfigError("backup_key_file", "the key is never kept in OKTRA_BACKUP_DIR")
        return self

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.env != "production":
            return self
        for name in ("secret_key", "cmi_store_key"):
            secret = getattr(self, name).get_secret_value()
            if PLACEHOLDER_MARK in secret or len(secret) < 16:
                raise ConfigError(name, "placeholder or short secret refused in production")
        if self.auth_provider == "firebase" and "emulator" in (
            self.firebase_api_key.get_secret_value()
        ):
            raise ConfigError("firebase_api_key", "the project's Web API key is needed")
        if self.database_url.startswith("sqlite"):
            raise ConfigError("database_url", "SQLite is refused in production: use PostgreSQL")
        if self.cmi_gateway_url == SIMULATOR_GATEWAY:
            raise ConfigError("cmi_gateway_url", "the CMI simulator is refused in production")
        if not self.base_url.startswith("https://"):
            raise ConfigError("base_url", "production is served over HTTPS only")
        return self

    @property
    def cors_origins(self) -> list[str]:
        """Origins the backend accepts requests and websockets from: in production only the
        site itself; elsewhere any (the development frontend runs on another port)."""
        return [self.base_url] if self.env == "production" else ["*"]

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    @property
    def public_api_url(self) -> str:
        """Where browsers and mail clients reach the API routes (the site itself by default)."""
        return self.api_url or self.base_url

    @property
    def uses_cmi_simulator(self) -> bool:
        """Whether checkout goes to the built-in CMI simulator."""
        return self.cmi_gateway_url == SIMULATOR_GATEWAY


def backup_key_bytes(text: str) -> bytes | None:
    """The 32-byte AES-256 key a base64 text holds, or None when it holds no such key."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == BACKUP_KEY_BYTES else None


def _unknown_variables() -> list[str]:
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    return sorted(
        key
        for key in os.environ
        if key.startswith(PREFIX) and key not in known and not key.startswith(NON_SETTING_PREFIXES)
    )


def load_settings() -> Settings:
    """Read and check the settings; raise ConfigError naming the first bad one."""
    unknown = _unknown_variables()
    if unknown:
        raise ConfigError(unknown[0], "unknown setting (see the README's settings table)")
    try:
        settings = Settings()
    except ConfigError:
        raise
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(field, message) from None
    if settings.env == "production":
        for variable in EMULATOR_VARIABLES:
            if os.environ.get(variable):
                raise ConfigError(variable, "an emulator is refused in production", raw_name=True)
    return settings


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache)."""
    return load_settings()
