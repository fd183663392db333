"""Anomalies: incidents the detection rules raise over the recorded security and audit events.

One row is one incident: events of the same rule and subject while it is open add to it (the
admins are told once, when it opens); acknowledged with a note, it closes. The subject is a
keyed hash, a staff id or empty (a site-wide rule): never an email, a name or an address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import AnonymousData, register_anonymous

OPEN, ACKNOWLEDGED = "open", "acknowledged"


class Anomaly(SQLModel, table=True):
    """One incident of one rule for one subject."""

    __tablename__ = "anomaly"
    __table_args__ = (Index("ix_anomaly_rule_subject_status", "rule", "subject", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=40)
    subject: str = Field(default="", max_length=80)
    status: str = Field(default=OPEN, max_length=12, index=True)
    first_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    last_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    events: int = Field(default=0)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: int | None = Field(default=None, foreign_key="staff_member.id")
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=1000)


register_anonymous(
    AnonymousData(
        table="anomaly",
        purpose=N_("Detecting intrusions and abuse of the service"),
        retention=N_("12 months, then deleted"),
        retention_days=365,
        retention_column="last_at",
    )
)
