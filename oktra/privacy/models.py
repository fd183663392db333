"""Privacy tables: append-only proofs of consent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event
from sqlmodel import Field, SQLModel

from oktra.core.clock import utc_now
from oktra.core.types import UTCDateTime
from oktra.i18n import N_
from oktra.privacy.registry import USER_TABLE, Category, Erasure, PersonalData, register


class AppendOnlyError(RuntimeError):
    """A proof of consent is never changed or deleted: a withdrawal is a new record."""


class ConsentRecord(SQLModel, table=True):
    """One grant or withdrawal of consent, with what the user was shown and from where."""

    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key=f"{USER_TABLE}.id", index=True)
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


register(
    PersonalData(
        table="consent_record",
        category=Category.CONSENT,
        user_link="user_id",
        purpose=N_("Proving the consent you gave or withdrew"),
        retention=N_("As long as the account exists"),
        retention_days=None,
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
    )
)
