"""Account tables: users and their server-side sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, Column, ColumnElement, Table, and_, or_
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import USER_TABLE, Category, Clock, Erasure, PersonalData, register
from oktra.settings import get_settings


class User(SQLModel, table=True):
    """A customer account (policy section 2, account and alert data)."""

    __tablename__ = USER_TABLE

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=120)
    company_name: str | None = Field(default=None, max_length=160)
    phone: str | None = Field(default=None, max_length=20)
    password_hash: str | None = Field(default=None, max_length=100)
    auth_provider: str = Field(default="local", max_length=20)
    external_id: str | None = Field(default=None, max_length=128, index=True)
    language: str = Field(default="fr", max_length=2)
    sectors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    regions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    password_changed_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_active_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    inactivity_warned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuthSession(SQLModel, table=True):
    """A signed-in device: only a hash of its token is stored."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key=f"{USER_TABLE}.id", index=True)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    ticket_hash: str | None = Field(default=None, max_length=64, unique=True)
    ticket_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip_hash: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)


register(
    PersonalData(
        table=USER_TABLE,
        category=Category.ACCOUNT,
        user_link="id",
        purpose=N_("Providing and managing the OKTRA service"),
        retention=N_("As long as the account exists, then erased 30 days after it is closed"),
        retention_days=30,
        erasure=Erasure.ANONYMIZE,
        export_columns=(
            "email",
            "full_name",
            "company_name",
            "phone",
            "language",
            "sectors",
            "regions",
            "email_verified_at",
            "created_at",
            "disabled_at",
        ),
        anonymize_columns=("email", "full_name", "company_name", "phone", "password_hash"),
        retention_column="closed_at",
        retention_clock=Clock.END,
    )
)


def session_ended(table: Table, now: datetime) -> ColumnElement[bool]:
    """A session that ended: revoked, expired, idle too long, or a sign-in never completed."""
    idle_cutoff = now - timedelta(hours=get_settings().session_idle_hours)
    return or_(
        table.c.revoked_at.is_not(None),
        table.c.expires_at <= now,
        table.c.last_seen_at <= idle_cutoff,
        and_(table.c.token_hash.is_(None), table.c.ticket_expires_at <= now),
    )


register(
    PersonalData(
        table="auth_session",
        category=Category.BROWSING,
        user_link="user_id",
        purpose=N_("Keeping you signed in and showing your signed-in devices"),
        retention=N_("Until the session ends, at most 30 days, then deleted"),
        retention_days=30,
        erasure=Erasure.DELETE,
        export_columns=("created_at", "last_seen_at", "expires_at", "revoked_at", "user_agent"),
        retention_when=session_ended,
    )
)
