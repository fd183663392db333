"""Tender catalogue tables: buyers, tenders, their change history and imported files."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Numeric, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_

NATIONAL = "national"


class Category(StrEnum):
    """Main category of a notice (Catégorie principale)."""

    WORKS = "works"
    SUPPLIES = "supplies"
    SERVICES = "services"


class Status(StrEnum):
    """Where a tender stands."""

    OPEN = "open"
    CLOSED = "closed"
    AWARDED = "awarded"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"


class ChangeKind(StrEnum):
    """What a history entry records."""

    CREATED = "created"
    AMENDMENT = "amendment"
    POSTPONEMENT = "postponement"
    CANCELLATION = "cancellation"
    AWARD = "award"


CATEGORY_LABELS = {
    Category.WORKS: N_("Works"),
    Category.SUPPLIES: N_("Supplies"),
    Category.SERVICES: N_("Services"),
}
STATUS_LABELS = {
    Status.OPEN: N_("Open"),
    Status.CLOSED: N_("Closed"),
    Status.AWARDED: N_("Awarded"),
    Status.CANCELLED: N_("Cancelled"),
    Status.POSTPONED: N_("Postponed"),
}
CHANGE_LABELS = {
    ChangeKind.CREATED: N_("Published"),
    ChangeKind.AMENDMENT: N_("Amended"),
    ChangeKind.POSTPONEMENT: N_("Postponed"),
    ChangeKind.CANCELLATION: N_("Cancelled"),
    ChangeKind.AWARD: N_("Awarded"),
}
DEMO_GENERATED_LABEL = N_("Demo-generated: not in the source notice")

MONEY = Numeric(16, 2)


class Buyer(SQLModel, table=True):
    """A public buyer (Acheteur public), one row per normalized name."""

    __tablename__ = "tender_buyer"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    name_key: str = Field(max_length=300, unique=True, index=True)
    region: str | None = Field(default=None, max_length=40)
    province: str | None = Field(default=None, max_length=60)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class Tender(SQLModel, table=True):
    """One notice, normalized; timestamps in UTC, amounts in MAD."""

    __tablename__ = "tender"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_tender_source_id"),
        Index("ix_tender_region_deadline", "region", "deadline_at"),
        Index("ix_tender_status_published", "status", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=20)
    source_id: str = Field(max_length=400)
    reference: str = Field(max_length=200)
    title: str = Field(sa_column=Column(Text, nullable=False))
    title_original: str = Field(sa_column=Column(Text, nullable=False))
    buyer_id: int = Field(foreign_key="tender_buyer.id", index=True)
    category: str | None = Field(default=None, max_length=20)
    procedure: str | None = Field(default=None, max_length=60)
    sectors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    taxonomy_version: str = Field(max_length=20)
    region: str | None = Field(default=None, max_length=40)
    province: str | None = Field(default=None, max_length=60)
    place_of_execution: str | None = Field(default=None, max_length=300)
    estimate: Decimal | None = Field(default=None, sa_type=MONEY)
    guarantee: Decimal | None = Field(default=None, sa_type=MONEY)
    reserved_sme: bool | None = Field(default=None)
    qualifications: str | None = Field(default=None, max_length=1000)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deadline_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    site_visit_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    meeting_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lots: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    documents_url: str | None = Field(default=None, max_length=500)
    status: str = Field(default=Status.OPEN, max_length=20)
    award_company: str | None = Field(default=None, max_length=300)
    award_amount: Decimal | None = Field(default=None, sa_type=MONEY)
    bids_count: int | None = Field(default=None)
    generated_fields: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    search_title: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    search_other: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, index=True)


class TenderChange(SQLModel, table=True):
    """One entry of a tender's history: what changed, and when."""

    __tablename__ = "tender_change"

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    kind: str = Field(max_length=20)
    changed_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    origin: str | None = Field(default=None, max_length=300)


class ImportedFile(SQLModel, table=True):
    """A file an ingestion has read, by content digest, so a watched folder reads it once."""

    __tablename__ = "tender_imported_file"

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=300)
    imported_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class TenderRevision(SQLModel, table=True):
    """One row counting the catalogue's writes, so search caches know when to reload."""

    __tablename__ = "tender_revision"

    id: int | None = Field(default=None, primary_key=True)
    revision: int = Field(default=0)
