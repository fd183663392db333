"""The email outbox: every message is a row before it is sent."""

from __future__ import annotations

from datetime import datetime

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
    status: str = Field(default="pending", max_length=12, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=300)
    provider_message_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


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
    )
)
