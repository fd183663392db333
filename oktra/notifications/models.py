"""The email outbox: every message is a row before it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ColumnElement, Table
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import USER_TABLE, Category, Erasure, PersonalData, register


class EmailMessage(SQLModel, table=True):
    """One email: built once, sent by the sender job, never twice."""

    __tablename__ = "email_message"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=120, unique=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    kind: str = Field(max_length=40)
    language: str = Field(max_length=2)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    text_body: str
    html_body: str
    headers: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    status: str = Field(default="pending", max_length=12, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=300)
    provider_message_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


SETTLED_STATUSES = ("sent", "failed", "uncertain", "cancelled", "suppressed")


def email_settled(table: Table, _now: datetime) -> ColumnElement[bool]:
    """A message the sender is done with (never one still pending or being sent)."""
    return table.c.status.in_(SETTLED_STATUSES)


class EmailSuppression(SQLModel, table=True):
    """An address OKTRA must not write to: it bounced for good, or its owner complained."""

    __tablename__ = "email_suppression"

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=254, unique=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    reason: str = Field(max_length=20)
    detail: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


register(
    PersonalData(
        table="email_message",
        category=Category.ACCOUNT,
        user_link="user_id",
        purpose=N_("Sending the emails of the service"),
        retention=N_("90 days after sending, then deleted"),
        retention_days=90,
        erasure=Erasure.DELETE,
        export_columns=("kind", "to_address", "subject", "status", "created_at", "sent_at"),
        retention_column="created_at",
        retention_when=email_settled,
    )
)
register(
    PersonalData(
        table="email_suppression",
        category=Category.ACCOUNT,
        user_link="user_id",
        purpose=N_("Not writing to an address that bounced or whose owner complained"),
        retention=N_("Until you fix the address or delete your account"),
        retention_days=None,
        erasure=Erasure.DELETE,
        export_columns=("address", "reason", "detail", "created_at"),
    )
)
