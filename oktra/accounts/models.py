"""Account tables."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import USER_TABLE, Category, Erasure, PersonalData, register


class User(SQLModel, table=True):
    """A customer account (policy section 2, account data)."""

    __tablename__ = USER_TABLE

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=120)
    company_name: str | None = Field(default=None, max_length=160)
    phone: str | None = Field(default=None, max_length=20)
    password_hash: str | None = Field(default=None, max_length=100)
    language: str = Field(default="fr", max_length=2)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


register(
    PersonalData(
        table=USER_TABLE,
        category=Category.ACCOUNT,
        user_link="id",
        purpose=N_("Providing and managing the OKTRA service"),
        retention=N_("As long as the account exists"),
        retention_days=None,
        erasure=Erasure.ANONYMIZE,
        export_columns=("email", "full_name", "company_name", "phone", "language", "created_at"),
        anonymize_columns=("email", "full_name", "company_name", "phone", "password_hash"),
    )
)
