"""Security events: what the anomaly rules of the back office read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, event
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import USER_TABLE, Category, Erasure, PersonalData, register


class SecurityEvent(SQLModel, table=True):
    """A failed sign-in, a lockout, a refused request: append-only, kept for a year."""

    __tablename__ = "security_event"
    __table_args__ = (Index("ix_security_event_kind_time", "kind", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    subject_hash: str = Field(default="", max_length=64)
    ip_hash: str = Field(default="", max_length=64, index=True)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


register(
    PersonalData(
        table="security_event",
        category=Category.SECURITY,
        user_link="user_id",
        purpose=N_("Protecting accounts against abuse and detecting intrusions"),
        retention=N_("12 months, then deleted"),
        retention_days=365,
        erasure=Erasure.ANONYMIZE,
        export_columns=("kind", "created_at"),
        anonymize_columns=("user_id",),
        retention_column="created_at",
    )
)


class AppendOnlyError(RuntimeError):
    """An audit event is never changed or deleted."""


class StaffMember(SQLModel, table=True):
    """A member of OKTRA's team: bcrypt password plus TOTP, whatever the customer provider."""

    __tablename__ = "staff_member"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=100)
    # Sealed with AES-256-GCM (staff_auth.seal_totp_secret), never the base32 secret in clear.
    totp_secret: str = Field(max_length=200)
    totp_last_step: int | None = Field(default=None)
    active: bool = True
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffSession(SQLModel, table=True):
    """A signed-in staff browser: only hashes of its ticket and token are stored."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    ticket_hash: str | None = Field(default=None, max_length=64, unique=True)
    ticket_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ip_hash: str = Field(default="", max_length=64)
    device_hash: str = Field(default="", max_length=64)


class AuditEvent(SQLModel, table=True):
    """One staff action on personal data: who, as which role, what, on whom, when and why."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_staff_time", "staff_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id")
    staff_role: str = Field(max_length=20)
    action: str = Field(max_length=40)
    category: str = Field(default="", max_length=20)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    subject_hash: str = Field(default="", max_length=64)
    target_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    reason: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(_mapper: object, _connection: object, _target: AuditEvent) -> None:
    raise AppendOnlyError("audit events are append-only")


register(
    PersonalData(
        table="audit_event",
        category=Category.SECURITY,
        user_link="user_id",
        purpose=N_("Recording each time our team reads your data, and why"),
        retention=N_("5 years, kept after an erasure as proof of lawful access"),
        retention_days=5 * 365,
        erasure=Erasure.LEGAL_HOLD,
        export_columns=("staff_role", "action", "category", "reason", "created_at"),
        retention_column="created_at",
    )
)
