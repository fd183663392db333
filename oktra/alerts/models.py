"""Saved searches (alerts), the tenders they matched, followed tenders, and the matcher's cursor."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import USER_TABLE, Category, Erasure, PersonalData, register


class Frequency(StrEnum):
    """How often an alert's matches are sent."""

    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


FREQUENCY_LABELS = {
    Frequency.INSTANT: N_("Instant"),
    Frequency.DAILY: N_("Daily digest"),
    Frequency.WEEKLY: N_("Weekly digest"),
}


class SavedSearch(SQLModel, table=True):
    """A user's saved search criteria, how often and where its matches go."""

    __tablename__ = "saved_search"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key=f"{USER_TABLE}.id", index=True)
    name: str = Field(max_length=120)
    criteria: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    frequency: str = Field(default=Frequency.DAILY, max_length=10)
    by_email: bool = Field(default=True)
    in_app: bool = Field(default=True)
    feed_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    paused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    pause_reason: str | None = Field(default=None, max_length=40)
    revision: int = Field(default=0)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class AlertMatch(SQLModel, table=True):
    """A tender one saved search matched, once; read or not in the app."""

    __tablename__ = "alert_match"
    __table_args__ = (UniqueConstraint("saved_search_id", "tender_id", name="uq_alert_match"),)

    id: int | None = Field(default=None, primary_key=True)
    saved_search_id: int = Field(foreign_key="saved_search.id", index=True)
    user_id: int = Field(foreign_key=f"{USER_TABLE}.id", index=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    matched_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FollowedTender(SQLModel, table=True):
    """A tender a user follows (its changes and reminders are sent by alert delivery)."""

    __tablename__ = "followed_tender"
    __table_args__ = (UniqueConstraint("user_id", "tender_id", name="uq_followed_tender"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key=f"{USER_TABLE}.id", index=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class AlertDelivery(SQLModel, table=True):
    """The ledger: what reached a user about a tender, once (a match, a change, a reminder)."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("user_id", "tender_id", "event", name="uq_alert_delivery"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key=f"{USER_TABLE}.id", index=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    event: str = Field(max_length=60)
    saved_search_id: int | None = Field(default=None, index=True)
    email_message_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, index=True)


class MatchCursor(SQLModel, table=True):
    """How far the matching job has read the catalogue (one row)."""

    __tablename__ = "alert_match_cursor"

    id: int | None = Field(default=None, primary_key=True)
    tender_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


register(
    PersonalData(
        table="saved_search",
        category=Category.ALERT,
        user_link="user_id",
        purpose=N_("Finding the tenders that match your saved searches"),
        retention=N_("Until you delete the alert or your account"),
        retention_days=None,
        erasure=Erasure.DELETE,
        export_columns=(
            "name",
            "criteria",
            "frequency",
            "by_email",
            "in_app",
            "paused_at",
            "pause_reason",
            "created_at",
            "updated_at",
        ),
    )
)
register(
    PersonalData(
        table="alert_match",
        category=Category.ALERT,
        user_link="user_id",
        purpose=N_("Showing your alerts' matches in the app"),
        retention=N_("1 year after the match, then deleted"),
        retention_days=365,
        erasure=Erasure.DELETE,
        export_columns=("saved_search_id", "tender_id", "matched_at", "read_at"),
        retention_column="matched_at",
    )
)
register(
    PersonalData(
        table="followed_tender",
        category=Category.ALERT,
        user_link="user_id",
        purpose=N_("Telling you about the tenders you follow"),
        retention=N_("Until you stop following the tender or delete your account"),
        retention_days=None,
        erasure=Erasure.DELETE,
        export_columns=("tender_id", "created_at"),
    )
)
register(
    PersonalData(
        table="alert_delivery",
        category=Category.ALERT,
        user_link="user_id",
        purpose=N_("Sending each tender to you once, by email"),
        retention=N_("1 year after sending, then deleted"),
        retention_days=365,
        erasure=Erasure.DELETE,
        export_columns=("tender_id", "event", "saved_search_id", "created_at"),
        retention_column="created_at",
    )
)
