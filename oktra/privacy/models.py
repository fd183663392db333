"""Privacy tables: append-only proofs of consent, anonymous analytics, policy versions and the
announcements sent to every user."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import (
    USER_TABLE,
    AnonymousData,
    Category,
    Clock,
    Erasure,
    PersonalData,
    register,
    register_anonymous,
)


class AppendOnlyError(RuntimeError):
    """A proof of consent is never changed or deleted: a withdrawal is a new record."""


class ConsentRecord(SQLModel, table=True):
    """One grant or withdrawal of consent, with what the user was shown and from where."""

    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
    visitor_hash: str | None = Field(default=None, max_length=64, index=True)
    purpose: str = Field(max_length=40)
    granted: bool
    policy_version: str = Field(max_length=40)
    terms_version: str = Field(max_length=40)
    wording_version: str = Field(max_length=64)
    wording: str = Field(max_length=500)
    language: str = Field(max_length=2)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    ip_hash: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)


@event.listens_for(ConsentRecord, "before_update")
@event.listens_for(ConsentRecord, "before_delete")
def _refuse_changes(_mapper: object, _connection: object, _target: ConsentRecord) -> None:
    raise AppendOnlyError("consent records are append-only")


class AnalyticsEvent(SQLModel, table=True):
    """One page view, recorded only with analytics consent; nothing in it names a person: the
    visitor and tab are keyed hashes under a salt that changes every day and is then deleted."""

    __tablename__ = "analytics_event"

    id: int | None = Field(default=None, primary_key=True)
    visitor_hash: str = Field(max_length=64, index=True)
    session_hash: str = Field(max_length=64, index=True)
    kind: str = Field(default="page_view", max_length=20)
    path: str = Field(max_length=200)
    language: str = Field(max_length=2)
    ip_prefix: str = Field(default="", max_length=45)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, index=True)


register_anonymous(
    AnonymousData(
        table="analytics_event",
        purpose=N_("Measuring the audience of the site, without naming anyone"),
        retention=N_("13 months, then deleted"),
        retention_days=396,
        retention_column="created_at",
    )
)


class AnalyticsSalt(SQLModel, table=True):
    """The salt of one day's analytics hashes, deleted when the day is over."""

    __tablename__ = "analytics_salt"

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(unique=True)
    salt: str = Field(max_length=64)


class PolicyVersion(SQLModel, table=True):
    """A published version of the privacy policy or the terms, kept whole so that every past
    version stays readable."""

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("document", "version", name="uq_policy_version"),)

    id: int | None = Field(default=None, primary_key=True)
    document: str = Field(max_length=20)
    version: str = Field(max_length=40)
    published_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    substantial: bool = False
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rendered: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reconsent: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    published_by: int | None = Field(default=None, foreign_key="staff_member.id")


class PolicyAcknowledgement(SQLModel, table=True):
    """A user saw the notice of a substantial policy change."""

    __tablename__ = "policy_acknowledgement"
    __table_args__ = (
        UniqueConstraint("user_id", "policy_version_id", name="uq_policy_acknowledgement"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key=f"{USER_TABLE}.id", index=True)
    policy_version_id: int = Field(foreign_key="policy_version.id", index=True)
    acknowledged_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Announcement(SQLModel, table=True):
    """An email to every user concerned (a policy change, a service update, product news),
    queued by batches through the outbox by a job that remembers how far it went."""

    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    policy_version_id: int | None = Field(default=None, foreign_key="policy_version.id")
    subject: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    body: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="staff_member.id")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    queued_through: int = Field(default=0)
    queued: int = Field(default=0)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


register(
    PersonalData(
        table="policy_acknowledgement",
        category=Category.CONSENT,
        user_link="user_id",
        purpose=N_("Proving you were shown a substantial change of the policy"),
        retention=N_("As long as the account exists"),
        retention_days=None,
        erasure=Erasure.LEGAL_HOLD,
        export_columns=("policy_version_id", "acknowledged_at"),
    )
)
register(
    PersonalData(
        table="consent_record",
        category=Category.CONSENT,
        user_link="user_id",
        purpose=N_("Proving the consent you gave or withdrew"),
        retention=N_(
            "5 years after a newer choice replaces it or the account is erased, then deleted"
        ),
        retention_days=5 * 365,
        erasure=Erasure.LEGAL_HOLD,
        export_columns=(
            "purpose",
            "granted",
            "policy_version",
            "terms_version",
            "wording",
            "language",
            "created_at",
            "user_agent",
        ),
        retention_column="created_at",
        retention_clock=Clock.SUPERSEDED,
        retention_group=("purpose",),
    )
)
