"""Security events: what the anomaly rules of the back office read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
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
    )
)
