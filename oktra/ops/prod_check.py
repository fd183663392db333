"""`oktra config prod-check` (`make prod-check`): is this configuration fit to run OKTRA for
real? Each check says ok or what is wrong; a region the privacy policy in force does not name
fails with the policy section that must change first (section 6, where data lives)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from oktra.settings import PLACEHOLDER_MARK, ConfigError, Settings, load_settings

POLICY_SECTION_REGIONS = "privacy policy section 6 (international transfers)"
LEGAL_IDENTITY = ("address", "rc_number", "if_number", "ice_number", "cndp_declaration")


@dataclass(frozen=True)
class Check:
    """One verdict: its name, whether it passed, and what to do when it did not."""

    name: str
    ok: bool
    detail: str = ""


def _secrets(settings: Settings) -> Check:
    weak = [
        name
        for name in ("secret_key", "cmi_store_key", "cmi_api_password")
        if PLACEHOLDER_MARK in getattr(settings, name).get_secret_value()
        or len(getattr(settings, name).get_secret_value()) < 16
    ]
    return Check("secrets", not weak, f"placeholder or short: {', '.join(weak)}" if weak else "")


def _urls(settings: Settings) -> Check:
    plain = [
        name
        for name in ("base_url", "api_url")
        if (getattr(settings, name) or "https://").startswith("http://")
    ]
    return Check("https", not plain, f"not HTTPS: {', '.join(plain)}" if plain else "")


def _legal_identity(settings: Settings) -> Check:
    missing = [name for name in LEGAL_IDENTITY if not getattr(settings, name).strip()]
    detail = f"privacy policy section 1 shows 'to be completed' for: {', '.join(missing)}"
    return Check("legal identity (policy section 1)", not missing, detail if missing else "")


def _redis(settings: Settings) -> Check:
    if not settings.redis_url:
        return Check(
            "redis",
            False,
            "OKTRA_REDIS_URL is unset: several workers would not share page state or rate limits",
        )
    import redis

    try:
        redis.Redis.from_url(settings.redis_url, socket_timeout=3).ping()
    except redis.RedisError as exc:
        return Check("redis", False, f"unreachable: {type(exc).__name__}")
    return Check("redis", True)


def _backups(settings: Settings) -> Check:
    if not (settings.backup_key.get_secret_value() or settings.backup_key_file):
        return Check("encrypted backups", False, "set OKTRA_BACKUP_KEY or OKTRA_BACKUP_KEY_FILE")
    if not settings.backup_s3_bucket:
        return Check(
            "encrypted backups",
            False,
            "OKTRA_BACKUP_S3_BUCKET is unset: backups would stay on this host only",
        )
    return Check("encrypted backups", True)


def _database(settings: Settings, engine: Engine | None) -> tuple[Check, str]:
    """Reachable and at the newest schema; also returns the English policy text in force."""
    from oktra import migrations

    engine = engine or create_engine(settings.database_url, pool_pre_ping=True)
    try:
        current = migrations.current_revision(engine)
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT rendered FROM policy_version WHERE document = 'privacy' "
                    "ORDER BY published_at DESC, id DESC LIMIT 1"
                )
            ).first()
    except Exception as exc:
        return Check("database", False, f"unreachable or not migrated: {type(exc).__name__}"), ""
    head = migrations.head_revision()
    if current != head:
        return Check("database", False, f"at {current}, code at {head}: run `oktra db upgrade`"), ""
    rendered = row[0] if row else {}
    rendered = json.loads(rendered) if isinstance(rendered, str) else rendered
    return Check("database", True), json.dumps(rendered.get("en", {}), ensure_ascii=False)


def _regions(settings: Settings, policy_text: str) -> list[Check]:
    """Every AWS region the configuration uses must be one the policy in force names."""
    used = {"hosting (OKTRA_HOSTING_REGION)": settings.hosting_region}
    if settings.email_backend == "ses":
        used["email (OKTRA_SES_REGION)"] = settings.ses_region
    else:
        return [
            Check(
                "email", False, "OKTRA_EMAIL_BACKEND is not ses: emails would stay in the outbox"
            ),
            *_region_checks(used, policy_text),
        ]
    if settings.backup_s3_bucket:
        used["backups (OKTRA_BACKUP_S3_REGION)"] = settings.backup_s3_region
    return _region_checks(used, policy_text)


def _region_checks(used: dict[str, str], policy_text: str) -> list[Check]:
    if not policy_text:
        return [Check("regions", False, "no privacy policy is published: run the app once")]
    return [
        Check(
            f"region of {what}",
            f"region {region} " in policy_text,
            ""
            if f"region {region} " in policy_text
            else f"{region} is not named by {POLICY_SECTION_REGIONS}: publish a new policy "
            "version first (/staff/policy)",
        )
        for what, region in used.items()
    ]


def production_checks(
    *, load: Callable[[], Settings] = load_settings, engine: Engine | None = None
) -> list[Check]:
    """Every check of a production configuration, in the order they are printed."""
    try:
        settings = load()
    except ConfigError as exc:
        return [Check("settings", False, str(exc))]
    if settings.env != "production":
        return [Check("settings", False, f"OKTRA_ENV is {settings.env}, not production")]
    database, policy_text = _database(settings, engine)
    return [
        Check("settings", True),
        _secrets(settings),
        _urls(settings),
        _legal_identity(settings),
        database,
        _redis(settings),
        _backups(settings),
        *_regions(settings, policy_text),
    ]
