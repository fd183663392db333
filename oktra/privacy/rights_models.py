"""Tables of the data subject's rights: exports, erasure tombstones, requests to the DPO."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import USER_TABLE, Category, Clock, Erasure, PersonalData, register


class DataExport(SQLModel, table=True):
    """A portability export: built in the background, downloaded by its owner through an
    expiring link (only the link token's hash is stored)."""

    __tablename__ = "data_export"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key=f"{USER_TABLE}.id", index=True)
    status: str = Field(default="pending", max_length=12)
    progress: int = Field(default=0)
    path: str | None = Field(default=None, max_length=300)
    size: int | None = Field(default=None)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    error: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ErasureTombstone(SQLModel, table=True):
    """What remains of an erased account: keyed hashes only, to re-apply the erasure after a
    backup restore and to answer for it (the receipt's reference)."""

    __tablename__ = "erasure_tombstone"

    id: int | None = Field(default=None, primary_key=True)
    subject_hash: str = Field(max_length=64, unique=True)
    email_hash: str = Field(max_length=64, index=True)
    reference: str = Field(max_length=40, unique=True)
    erased_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DpoRequest(SQLModel, table=True):
    """A request to the DPO (a right or a question), from the form or registered by staff."""

    __tablename__ = "dpo_request"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    right: str = Field(max_length=20)
    message: str = Field(default="", sa_column=Column(Text, nullable=False))
    requester_name: str = Field(default="", max_length=120)
    requester_email: str = Field(default="", max_length=254)
    language: str = Field(default="fr", max_length=2)
    channel: str = Field(default="form", max_length=10)
    status: str = Field(default="unverified", max_length=20, index=True)
    received_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    registered_by: int | None = Field(default=None, foreign_key="staff_member.id")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class DpoRequestEvent(SQLModel, table=True):
    """One step of a request: its status then, a note, who acted."""

    __tablename__ = "dpo_request_event"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dpo_request.id", index=True)
    status: str = Field(max_length=20)
    note: str = Field(default="", max_length=1000)
    staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


register(
    PersonalData(
        table="data_export",
        category=Category.ACCOUNT,
        user_link="user_id",
        purpose=N_("Giving you a copy of your data"),
        retention=N_("7 days after it is ready, then deleted with its file"),
        retention_days=7,
        erasure=Erasure.DELETE,
        export_columns=("status", "created_at", "finished_at", "expires_at"),
    )
)
register(
    PersonalData(
        table="dpo_request",
        category=Category.SUPPORT,
        user_link="user_id",
        purpose=N_("Answering your requests to our data protection officer"),
        retention=N_("5 years after the answer, to prove it was given"),
        retention_days=5 * 365,
        erasure=Erasure.ANONYMIZE,
        export_columns=(
            "reference",
            "right",
            "message",
            "channel",
            "status",
            "received_at",
            "due_at",
            "answer",
            "closed_at",
        ),
        anonymize_columns=("requester_name", "requester_email", "message", "answer"),
        retention_column="closed_at",
        retention_clock=Clock.END,
    )
)
